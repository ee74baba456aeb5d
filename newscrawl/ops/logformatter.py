"""Log formatting: dropped items are counted, not dumped.

Scrapy logs every dropped item at WARNING with the whole item (pages of text for
an article).  Drops here are policy (duplicates, repeated ticker headlines) and
are counted in the stats (``item_dropped_reasons_count/*``, ``newscrawl/dedupe/*``,
``newscrawl/dropped/*``), so one INFO line with the reason and the URL is enough.
"""

import logging

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        url = None
        try:
            url = item.get("url") or item.get("page_url")
        except AttributeError:
            pass
        return {
            "level": logformatter.logging.INFO,
            "msg": "Dropped: %(exception)s (%(url)s)",
            "args": {"exception": exception, "url": url},
        }


# --- Scrapy's own log lines -----------------------------------------------------------------
#: loggers whose INFO lines are per-crawler dumps (overridden settings, enabled extensions /
#: middlewares / pipelines / add-ons, the full stats dict): logged at DEBUG (``-L DEBUG`` shows them)
#: and the per-spider lines the ``done: <spider>: ...`` summary of :mod:`newscrawl.ops.progress` replaces
#: (spider opened / closing / closed, feed stored)
DEMOTED_LOGGERS = ("scrapy.crawler", "scrapy.middleware", "scrapy.addons", "scrapy.statscollectors",
                   "scrapy.core.engine", "scrapy.extensions.feedexport")
#: loggers that say the same thing for every spider of a ``crawlall`` process (a component
#: disabled by configuration, the replay snapshot opened, dedupe without MongoDB): each distinct
#: message of WARNING or below once per process
ONCE_PER_PROCESS_LOGGERS = ("scrapy.middleware", "newscrawl.ops.middlewares", "newscrawl.pipelines.dedupe")
#: loggers that attach a traceback to an expected network failure (robots.txt over a dead
#: host, a download error that reached the engine)
NETWORK_ERROR_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper", "scrapy.core.engine",
                         "scrapy.downloadermiddlewares.retry")


#: loggers whose INFO lines are kept after all (``NEWSCRAWL_LOG_STATS=1`` adds ``scrapy.statscollectors``:
#: the full stats dict at the end of each spider, for scripts that read it from the log)
KEEP_INFO: set[str] = set()


class DemoteInfoToDebug(logging.Filter):
    """Turns INFO records of a logger into DEBUG ones (the handler's ``LOG_LEVEL`` then decides)."""

    def filter(self, record):
        if record.levelno == logging.INFO and record.name not in KEEP_INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class RetryGaveUpToDebug(logging.Filter):
    """Scrapy's ``Gave up retrying <request>`` (ERROR) at DEBUG: the request's errback says the
    same in one line (``fetch failed: ...`` for pages, robots.txt's own line, discovery URLs at
    DEBUG), and the failure is counted (``newscrawl/fetch_failed/*``, ``retry/max_reached``)."""

    def filter(self, record):
        if isinstance(record.msg, str) and record.msg.startswith("Gave up retrying"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class OncePerProcess(logging.Filter):
    """Lets each distinct message (WARNING or below) of a logger through once per process."""

    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record):
        if record.levelno > logging.WARNING:
            return True
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def _network_errors() -> tuple[type[BaseException], ...]:
    from twisted.internet import error
    from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

    from scrapy import exceptions as scrapy_exc
    from scrapy.core.downloader.handlers.http11 import TunnelError

    kinds = [error.DNSLookupError, error.ConnectError, error.ConnectionLost, error.TimeoutError,
             ResponseFailed, ResponseNeverReceived, TunnelError]
    # Scrapy >= 2.19 wraps the Twisted errors in its own download exceptions
    for name in ("DownloadConnectionRefusedError", "CannotResolveHostError", "DownloadTimeoutError",
                 "DownloadFailedError", "ResponseDataLossError"):
        if hasattr(scrapy_exc, name):
            kinds.append(getattr(scrapy_exc, name))
    return tuple(kinds)


class NetworkErrorWithoutTraceback(logging.Filter):
    """An expected network failure (DNS, refused, reset, timeout) logged as one WARNING line.

    The traceback of such a failure says nothing the exception's name and message do not;
    every other exception keeps its traceback.
    """

    def __init__(self):
        super().__init__()
        self.kinds = None

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            if self.kinds is None:
                self.kinds = _network_errors()
            if isinstance(exc, self.kinds):
                message, text = record.getMessage(), str(exc)
                detail = type(exc).__name__ if text and text in message else f"{type(exc).__name__}: {text[:200]}"
                record.msg = f"{message} ({detail})"
                record.args = None
                record.exc_info = record.exc_text = None
                if record.levelno > logging.WARNING:
                    record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_scrapy_logs() -> None:
    """Install the filters above on their loggers (idempotent; called by ``newscrawl.settings``)."""
    for names, kind in ((DEMOTED_LOGGERS, DemoteInfoToDebug), (ONCE_PER_PROCESS_LOGGERS, OncePerProcess),
                        (("scrapy.downloadermiddlewares.retry",), RetryGaveUpToDebug),
                        (NETWORK_ERROR_LOGGERS, NetworkErrorWithoutTraceback)):
        for name in names:
            log = logging.getLogger(name)
            if not any(isinstance(f, kind) for f in log.filters):
                log.addFilter(kind())
