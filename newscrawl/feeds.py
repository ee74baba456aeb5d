"""Feed export helpers (Scrapy ``FEED_URI_PARAMS``)."""

from datetime import datetime, timezone


def uri_params(params, spider):
    """Add ``%(feed_dir)s`` and ``%(run_id)s`` to the feed URI parameters.

    ``feed_dir`` is the ``NEWSCRAWL_FEED_DIR`` setting (default ``data/feeds``).
    ``run_id`` is the UTC start time of the crawl, ``YYYYmmddTHHMMSSZ``, plus the
    process id, so two runs (even in the same second, e.g. from cron) never write
    to -- or append to -- the same file.
    """
    feed_dir = spider.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds") if getattr(spider, "settings", None) else "data/feeds"
    return {**params, "run_id": run_id(spider), "feed_dir": str(feed_dir).rstrip("/")}


def run_id(spider) -> str:
    """``<UTC start, YYYYmmddTHHMMSSZ>-<pid>``: names this run's feed file and run record."""
    import os

    if getattr(spider, "run_started", None) is None:
        spider.run_started = datetime.now(timezone.utc)
    return f"{spider.run_started:%Y%m%dT%H%M%SZ}-{os.getpid()}"


class FeedRetention:
    """Deletes a spider's old feed files when it closes (Scrapy extension).

    Files ``NEWSCRAWL_FEED_DIR/<spider>/<spider>-*.jsonl`` (and ``.json``) whose
    modification time is more than ``NEWSCRAWL_FEED_KEEP_DAYS`` days (float, default 30)
    before now are removed; ``0`` keeps everything.  Removed files are counted
    (``newscrawl/feeds/pruned``) and logged at INFO, one line per spider; a file that
    cannot be removed is one WARNING line.  Only files named after the spider in its own
    folder are touched, never anything else in the feed folder.
    """

    def __init__(self, crawler, keep_days: float):
        self.crawler = crawler
        self.keep_days = keep_days

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        keep = crawler.settings.getfloat("NEWSCRAWL_FEED_KEEP_DAYS", 30)
        if keep <= 0:
            raise NotConfigured("NEWSCRAWL_FEED_KEEP_DAYS=0: feeds are kept")
        ext = cls(crawler, keep)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider):
        import logging
        import time
        from pathlib import Path

        log = logging.getLogger(__name__)
        folder = Path(self.crawler.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds")) / spider.name
        if not folder.is_dir():
            return
        cutoff = time.time() - self.keep_days * 86400
        pruned = 0
        for path in folder.glob(f"{spider.name}-*.json*"):
            try:
                if path.suffix in (".jsonl", ".json") and path.stat().st_mtime < cutoff:
                    path.unlink()
                    pruned += 1
            except OSError as exc:
                log.warning("feed retention: cannot remove %s (%s)", path, exc)
        if pruned:
            self.crawler.stats.inc_value("newscrawl/feeds/pruned", pruned)
            log.info("feed retention: %d feed files of %s older than %g days removed from %s",
                     pruned, spider.name, self.keep_days, folder)


#: where ``crawlall --replay`` writes (under ``NEWSCRAWL_REPLAY_DATA_DIR``) unless told otherwise
REPLAY_FOLDERS = {"NEWSCRAWL_FEED_DIR": "feeds", "NEWSCRAWL_STATE_DIR": "state", "MONGO_SPOOL_DIR": "spool"}


def use_replay_folders(settings, environ=None) -> dict[str, str]:
    """Point feeds, incremental state and spool of an offline replay at folders of their own.

    The offline demo must not mix its items into the live crawl's feeds nor mark snapshot
    URLs as stored for the live incremental crawl.  Each of ``NEWSCRAWL_FEED_DIR``,
    ``NEWSCRAWL_STATE_DIR`` and ``MONGO_SPOOL_DIR`` that was not given on the command line
    (``-s``) or in the environment becomes ``NEWSCRAWL_REPLAY_DATA_DIR/<feeds|state|spool>``
    (default ``data/replay/...``).  Returns the settings it changed.
    """
    import os

    from scrapy.settings import SETTINGS_PRIORITIES

    environ = os.environ if environ is None else environ
    base = str(settings.get("NEWSCRAWL_REPLAY_DATA_DIR") or "data/replay").rstrip("/")
    changed = {}
    for name, sub in REPLAY_FOLDERS.items():
        if (settings.getpriority(name) or 0) >= SETTINGS_PRIORITIES["cmdline"] or name in environ:
            continue
        changed[name] = f"{base}/{sub}"
        settings.set(name, changed[name], priority="cmdline")
    return changed
