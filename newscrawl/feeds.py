"""Feed export helpers (Scrapy ``FEED_URI_PARAMS``)."""

from datetime import datetime, timezone


def uri_params(params, spider):
    """Add ``%(feed_dir)s`` and ``%(run_id)s`` to the feed URI parameters.

    ``feed_dir`` is the ``NEWSCRAWL_FEED_DIR`` setting (default ``data/feeds``).
    ``run_id`` is the UTC start time of the crawl, ``YYYYmmddTHHMMSSZ``, plus the
    process id, so two runs (even in the same second, e.g. from cron) never write
    to -- or append to -- the same file.
    """
    import os

    started = getattr(spider, "run_started", None) or datetime.now(timezone.utc)
    feed_dir = spider.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds") if getattr(spider, "settings", None) else "data/feeds"
    return {**params, "run_id": f"{started:%Y%m%dT%H%M%SZ}-{os.getpid()}", "feed_dir": feed_dir.rstrip("/")}


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
