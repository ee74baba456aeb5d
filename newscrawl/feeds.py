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
