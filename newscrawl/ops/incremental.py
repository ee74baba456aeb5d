"""Incremental crawls: do not fetch again an article that is already stored.

:class:`IncrementalMiddleware` (a downloader middleware) drops requests for
article pages (``request.meta["page_kind"] == "article"``) whose URL is already
stored and was crawled within the refresh window (``NEWSCRAWL_REFRESH_DAYS``);
home pages, category/listing pages, tickers, RSS feeds, sitemaps and the
snapshot seeds are always fetched.

Where "already stored" comes from, in order:

1. MongoDB (``articles`` collection: ``url``/``canonical_url``/``aliases`` -- the
   URLs of same-site copies -- and ``crawled_at`` of this spider's site), loaded
   once at spider open, in a thread, after asking the crawler's shared
   availability probe (:func:`newscrawl.storage.client.probe_status`: MongoDB
   down costs no second timeout here; one WARNING, or DEBUG for a configuration
   error, which the storage pipeline reports);
2. when MongoDB is disabled or unreachable: a local state file
   ``NEWSCRAWL_STATE_DIR/<spider>.jsonl`` that this component appends to for every
   article scraped or dropped as a same-site copy (one ``{"url", "canonical_url",
   "crawled_at"}`` object a line; not again for a URL it already lists within the
   refresh window, so re-runs of the same pages do not grow it).

``JOBDIR`` is not used for this (its format is tied to the Scrapy version and an
unclean stop corrupts it); it stays available for pausing one long crawl.
Skipped requests are counted as ``newscrawl/incremental/skipped``.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_to_future
from twisted.internet.threads import deferToThread

from newscrawl.items import ArticleItem
from newscrawl.storage.client import MongoConfig, client_for, is_config_error, probe_status
from newscrawl.text.urls import canonicalize

logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.refresh = timedelta(days=settings.getfloat("NEWSCRAWL_REFRESH_DAYS", 7))
        self.state_dir = Path(settings.get("NEWSCRAWL_STATE_DIR", "data/state"))
        self.known: set[str] = set()
        self.source = "none"
        self.state_file = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL", True):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(mw.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    # ---- state ------------------------------------------------------------------
    async def spider_opened(self, spider):
        self.cutoff = datetime.now(timezone.utc) - self.refresh
        await deferred_to_future(deferToThread(self._load, spider.name))

    def _load(self, site: str) -> None:
        try:
            client = client_for(self.crawler)
        except Exception as exc:  # bad URI etc.: the storage pipeline reports it; we fall back
            logger.debug("incremental: no MongoDB client (%s)", exc)
            client = None
        if client is not None:
            config = MongoConfig.from_settings(self.crawler.settings)
            status = probe_status(self.crawler)  # shared: no second timeout when MongoDB is down
            if not status.available:
                self._unavailable(config, status.error)
            else:
                try:
                    coll = client[config.database][config.articles]
                    cursor = coll.find({"site": site, "crawled_at": {"$gte": self.cutoff}},
                                       {"_id": 0, "url": 1, "canonical_url": 1, "aliases": 1})
                    for doc in cursor:
                        self._add(doc.get("url"), doc.get("canonical_url"), *(doc.get("aliases") or []))
                    self.source = "mongodb"
                except Exception as exc:  # noqa: BLE001
                    self._unavailable(config, exc)
                    self.known.clear()
        if self.source != "mongodb":
            self.source = "file"
            path = self.state_dir / f"{site}.jsonl"
            if path.exists():
                with path.open(encoding="utf-8") as fh:
                    for line in fh:
                        try:
                            rec = json.loads(line)
                            crawled = datetime.fromisoformat(rec["crawled_at"])
                        except (ValueError, KeyError):
                            continue  # a torn last line after a crash
                        if crawled >= self.cutoff:
                            self._add(rec.get("url"), rec.get("canonical_url"))
        self.crawler.stats.set_value("newscrawl/incremental/known", len(self.known))
        logger.info("incremental: %s: %d stored article URLs from %s (refresh window %s)",
                    site, len(self.known), self.source, self.refresh)

    @staticmethod
    def _unavailable(config, exc) -> None:
        # routine downtime: one WARNING; a configuration error (auth...) is reported by the
        # storage pipeline: DEBUG here
        (logger.debug if is_config_error(exc) else logger.warning)(
            "incremental: MongoDB %s unavailable (%s); using the local state file",
            config.masked_uri, type(exc).__name__)

    def _add(self, *urls):
        for u in urls:
            if u:
                try:
                    self.known.add(canonicalize(u))
                except ValueError:
                    pass

    def item_scraped(self, item, spider):
        if not isinstance(item, ArticleItem):
            return
        if self.source == "file":
            # one line per URL per refresh window: a URL the file already lists as crawled within
            # the window (a snapshot seed, a page fetched again) is not appended again
            keys = set()
            for u in (item.get("url"), item.get("canonical_url")):
                if not u:
                    continue
                try:
                    keys.add(canonicalize(u))
                except ValueError:
                    pass
            if keys and keys <= self.known:
                self.crawler.stats.inc_value("newscrawl/incremental/already_recorded")
                return
            self.known |= keys
            crawled = item.get("crawled_at") or datetime.now(timezone.utc)
            try:
                if self.state_file is None:
                    self.state_dir.mkdir(parents=True, exist_ok=True)
                    self.state_file = (self.state_dir / f"{spider.name}.jsonl").open("a", encoding="utf-8")
                self.state_file.write(json.dumps({"url": item.get("url"), "canonical_url": item.get("canonical_url"),
                                                  "crawled_at": crawled.isoformat()}, ensure_ascii=False) + "\n")
                self.state_file.flush()
            except OSError as exc:  # disk full: the next run fetches these pages again (nothing lost); one warning
                self.crawler.stats.inc_value("newscrawl/incremental/state_write_failed")
                if self.crawler.stats.get_value("newscrawl/incremental/state_write_failed") == 1:
                    logger.warning("incremental state %s cannot be written (%s): the next run fetches these "
                                   "articles again; further failures are counted, not logged", self.state_dir, exc)

    def item_dropped(self, item, response, exception, spider):
        """Same-site copies (``alias_of``) are stored as aliases of their story: remember their URL too."""
        if isinstance(item, ArticleItem) and item.get("alias_of"):
            self.item_scraped(item, spider)

    def spider_closed(self, spider):
        if self.state_file is not None:
            try:
                self.state_file.flush()
                os.fsync(self.state_file.fileno())
                self.state_file.close()
            except OSError as exc:
                if not self.crawler.stats.get_value("newscrawl/incremental/state_write_failed"):
                    logger.warning("incremental state %s not saved completely (%s)", self.state_dir, exc)
                self.crawler.stats.inc_value("newscrawl/incremental/state_write_failed")
                try:
                    self.state_file.close()
                except OSError:
                    pass
            self.state_file = None

    # ---- downloader middleware --------------------------------------------------
    def process_request(self, request, spider=None):
        if request.meta.get("page_kind") != "article" or not self.known:
            return None
        try:
            key = canonicalize(request.url)
        except ValueError:
            return None
        if key in self.known:
            self.crawler.stats.inc_value("newscrawl/incremental/skipped")
            raise IgnoreRequest(f"already stored: {request.url}")
        return None
