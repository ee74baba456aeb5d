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


class FeedWriteFailed(OSError):
    """A feed file could not be written completely; its partial copy is kept as ``<name>.failed``."""


class _GuardedFile:
    """The feed file as the exporter sees it.  The first failed write (disk full, file too
    large) is logged once; the feed is marked failed and later writes are dropped (not
    1,000 identical errors); ``failed_items``-worth of data is reported at the end."""

    def __init__(self, raw, path: str):
        self._raw = raw
        self._path = path
        self.error: OSError | None = None
        self.dropped_writes = 0

    def write(self, data):
        if self.error is not None:
            self.dropped_writes += 1
            return len(data)
        try:
            return self._raw.write(data)
        except OSError as exc:
            self._fail(exc)
            return len(data)

    def flush(self):
        if self.error is None:
            try:
                self._raw.flush()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        import logging

        self.error = exc
        logging.getLogger(__name__).error(
            "feed %s cannot be written (%s): this feed has failed; further items are not written to it, "
            "the crawl goes on (exit status 7)", self._path, exc)

    def close(self):
        try:
            self._raw.close()
        except OSError as exc:
            if self.error is None:
                self._fail(exc)

    def __getattr__(self, name):
        return getattr(self._raw, name)


class AtomicFileFeedStorage:
    """Scrapy feed storage for local files (``FEED_STORAGES`` ``""``/``file``) that writes
    ``<path>.part`` and renames it to ``<path>`` once the feed is complete, so a reader
    never sees half a file.  If a write failed (disk full...), the partial file is renamed
    ``<path>.failed`` (kept for inspection, never where a complete feed is expected) and
    :class:`FeedWriteFailed` is raised: Scrapy counts ``feedexport/failed_count/...`` and
    ``crawlall`` exits 7.  ``overwrite: False`` (append) is honoured by copying the
    existing file first."""

    def __init__(self, uri: str, *, feed_options: dict | None = None):
        from w3lib.url import file_uri_to_path

        self.path: str = file_uri_to_path(uri) if uri.startswith("file:") else uri
        self.append = not (feed_options or {}).get("overwrite", False)
        self.part = self.path + ".part"

    @classmethod
    def from_crawler(cls, crawler, uri: str, *, feed_options: dict | None = None):
        return cls(uri, feed_options=feed_options)

    def open(self, spider):
        import shutil
        from pathlib import Path

        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if self.append and Path(self.path).exists():
            shutil.copyfile(self.path, self.part)
            raw = open(self.part, "ab")
        else:
            raw = open(self.part, "wb")
        return _GuardedFile(raw, self.path)

    def store(self, file):
        import os

        file.close()
        error = getattr(file, "error", None)
        if error is None:
            os.replace(self.part, self.path)
            return None
        failed = self.path + ".failed"
        os.replace(self.part, failed)
        raise FeedWriteFailed(error.errno, f"feed not written completely ({error.strerror}); "
                              f"the partial file is {failed}")
