"""What an operator sees during and after a crawl: a progress line and a per-spider summary.

:class:`CrawlProgress` (a Scrapy extension, replacing Scrapy's ``LogStats``):

* every ``NEWSCRAWL_PROGRESS_INTERVAL`` seconds (default 60; 0 = off) one INFO line
  ``progress: <spider>: <pages> pages (<rate>/min), <items> items, <drops> dropped, <queued> queued``
  where the rate is pages per minute over the last interval;
* when standard error is a terminal (``sys.stderr.isatty()``) and
  ``NEWSCRAWL_PROGRESS_LIVE`` is true (default), the same figures as one live status
  line rewritten in place every second (``\\r``; nothing of it reaches a log file);
* when the spider closes, one INFO line that says how it ended:
  ``done: <spider>: <reason>; <n> items (<a> articles, <t> tickers), stored <s> | MongoDB off,
  exported <e> to <feed file> | no feed file (no item); dropped <d> (<reason> <n>, ...);
  <pages> pages, <misses> not fetched (<reason> <n>, ...)``.

Figures come from the crawl stats (``item_scraped_count``, ``newscrawl/mongo/*``,
``item_dropped_reasons_count/*``, ``newscrawl/dropped/*``, ``newscrawl/fetch_failed/*``)
and the ``feed_slot_closed`` signal (feed URI and item count).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.corestats import CoreStats as _ScrapyCoreStats

logger = logging.getLogger(__name__)


def _dropped(stats: dict) -> dict[str, int]:
    """Drop reasons and counts: the item pipelines' ``DropItem`` reasons (``newscrawl/item_dropped/*``)
    and the pages the spider did not turn into an article (``newscrawl/dropped/*``)."""
    out: dict[str, int] = {}
    for key, value in stats.items():
        for prefix in ("newscrawl/item_dropped/", "newscrawl/dropped/"):
            if key.startswith(prefix):
                name = key.removeprefix(prefix)
                out[name] = out.get(name, 0) + value
    return out


def drop_reason(exception) -> str:
    """A ``DropItem`` message without its particulars: the text before the first ``:`` or ``(``
    (``"same-site exact duplicate: <url> of <url>"`` -> ``same-site exact duplicate``), at most 60 characters."""
    text = re.split(r"[:(]", str(exception), maxsplit=1)[0].strip()
    return (text or type(exception).__name__)[:60]


def _fetch_failed(stats: dict) -> dict[str, int]:
    out = {k.removeprefix("newscrawl/fetch_failed/"): v for k, v in stats.items()
           if k.startswith("newscrawl/fetch_failed/")}
    if stats.get("newscrawl/replay/miss"):
        out["not in snapshot"] = stats["newscrawl/replay/miss"]
        out.pop("http_404", None)  # the replay misses are those 404s
    return out


def _fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summary(name: str, stats: dict, feeds: list[tuple[str, int]], mongo_enabled: bool) -> str:
    """The end-of-spider line (see the module docstring); ``feeds`` is ``[(uri, item_count), ...]``."""
    items = stats.get("item_scraped_count", 0)
    articles = stats.get("newscrawl/items/article", 0)
    tickers = stats.get("newscrawl/items/ticker", 0)
    parts = [f"{stats.get('finish_reason', '?')}; {items} items ({articles} articles, {tickers} tickers)"]
    if mongo_enabled:
        stored = sum(stats.get(f"newscrawl/mongo/{k}", 0) for k in ("written", "updated", "unchanged"))
        spooled = stats.get("newscrawl/mongo/spool_remaining", 0)
        parts.append(f"stored {stored}" + (f", {spooled} left in the spool" if spooled else ""))
    else:
        parts.append("MongoDB off")
    written = [(uri, n) for uri, n in feeds if n]
    if written:
        parts.append("exported " + ", ".join(f"{n} to {uri}" for uri, n in written))
    else:
        parts.append("no feed file (no item)")
    dropped = _dropped(stats)
    if dropped:
        parts.append(f"dropped {sum(dropped.values())} ({_fmt_counts(dropped)})")
    pages = stats.get("newscrawl/pages", 0)
    failed = _fetch_failed(stats)
    parts.append(f"{pages} pages" + (f", {sum(failed.values())} not fetched ({_fmt_counts(failed)})" if failed else ""))
    return f"done: {name}: " + "; ".join(parts)


class CrawlProgress:
    def __init__(self, crawler, interval: float, live: bool):
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.live = live
        self.feeds: list[tuple[str, int]] = []
        self._tasks = []
        self._last = (time.monotonic(), 0)
        self._live_shown = False
        self._closed = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if s.getbool("NEWSCRAWL_LOG_STATS", False):
            from newscrawl.ops.logformatter import KEEP_INFO

            KEEP_INFO.add("scrapy.statscollectors")
        interval = s.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 60.0)
        live = s.getbool("NEWSCRAWL_PROGRESS_LIVE", True) and _stderr_is_tty()
        if not s.getbool("NEWSCRAWL_SUMMARY_ENABLED", True) and not interval and not live:
            raise NotConfigured
        ext = cls(crawler, interval, live)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    # ---- signals -------------------------------------------------------------------
    def spider_opened(self, spider):
        from twisted.internet import task

        self._last = (time.monotonic(), 0)
        if self.interval:
            loop = task.LoopingCall(self.log_progress, spider)
            loop.start(self.interval, now=False)
            self._tasks.append(loop)
        if self.live:
            loop = task.LoopingCall(self.show_live, spider)
            loop.start(1.0, now=False)
            self._tasks.append(loop)

    def item_scraped(self, item, spider):
        from newscrawl.items import ArticleItem, TickerItem

        if isinstance(item, ArticleItem):
            self.stats.inc_value("newscrawl/items/article")
        elif isinstance(item, TickerItem):
            self.stats.inc_value("newscrawl/items/ticker")

    def item_dropped(self, item, response, exception, spider):
        self.stats.inc_value(f"newscrawl/item_dropped/{drop_reason(exception)}")

    def feed_slot_closed(self, slot):
        self.feeds.append((str(slot.uri), slot.itemcount))

    def spider_closed(self, spider, reason):
        for loop in self._tasks:
            if loop.running:
                loop.stop()
        self._tasks.clear()
        if self._live_shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        self._closed = (spider, reason)
        if not self.crawler.settings.getdict("FEEDS"):  # no feed exporter: no feed_exporter_closed signal
            self.finish()

    def feed_exporter_closed(self):
        """Sent after every feed slot is closed: the feed files are known now."""
        if self._closed is not None:
            self.finish()

    def finish(self):
        spider, reason = self._closed
        self._closed = None
        stats = dict(self.stats.get_stats())
        if "start_time" not in stats:  # never opened: a component refused to start (and said why)
            stats["finish_reason"] = "not started"
        stats.setdefault("finish_reason", reason)
        self.write_run_record(spider, stats)
        if self.crawler.settings.getbool("NEWSCRAWL_SUMMARY_ENABLED", True):
            logger.info(summary(spider.name, stats, self.feeds,
                                self.crawler.settings.getbool("MONGO_ENABLED", True)))

    def write_run_record(self, spider, stats: dict) -> None:
        """``NEWSCRAWL_FEED_DIR/<spider>/<spider>-<run id>.run.json``: what ``scrapy report`` needs
        besides the feed (finish reason, counts, drops and fetch failures by reason, feed files)."""
        import json
        from pathlib import Path

        from newscrawl.feeds.files import run_id

        folder = Path(self.crawler.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds")) / spider.name
        start = stats.get("start_time")
        record = {
            "spider": spider.name, "run_id": run_id(spider), "finish_reason": stats.get("finish_reason"),
            "start_time": start.isoformat() if hasattr(start, "isoformat") else None,
            "finish_time": datetime.now(timezone.utc).isoformat(),
            "pages": stats.get("newscrawl/pages", 0), "items": stats.get("item_scraped_count", 0),
            "articles": stats.get("newscrawl/items/article", 0), "tickers": stats.get("newscrawl/items/ticker", 0),
            "dropped": _dropped(stats), "not_fetched": _fetch_failed(stats),
            "feeds": [{"uri": uri, "items": n} for uri, n in self.feeds if n],
        }
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{spider.name}-{record['run_id']}.run.json").write_text(
                json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        except OSError as exc:
            logger.warning("run record not written to %s (%s)", folder, exc)

    # ---- progress --------------------------------------------------------------------
    def figures(self, spider) -> str:
        s = self.stats.get_stats()
        pages = s.get("newscrawl/pages", 0)
        now = time.monotonic()
        then, pages_then = self._last
        rate = (pages - pages_then) * 60.0 / max(now - then, 1e-6)
        dropped = sum(_dropped(s).values())
        queued = 0
        engine = getattr(self.crawler, "engine", None)
        try:
            queued = len(engine._slot.scheduler)  # noqa: SLF001 -- the only place Scrapy keeps it
        except (AttributeError, TypeError):
            pass
        return (f"{spider.name}: {pages} pages ({rate:.0f}/min), {s.get('item_scraped_count', 0)} items, "
                f"{dropped} dropped, {queued} queued")

    def log_progress(self, spider):
        line = self.figures(spider)
        self._last = (time.monotonic(), self.stats.get_value("newscrawl/pages", 0))
        logger.info("progress: %s", line)

    def show_live(self, spider):
        # cursor back at the start: the next log line overwrites the status line instead of following it
        sys.stderr.write("\r\x1b[K" + self.figures(spider)[:200] + "\r")
        sys.stderr.flush()
        self._live_shown = True


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class CoreStats(_ScrapyCoreStats):
    """Scrapy's ``CoreStats`` (start/finish time, finish reason, item counts) without its
    ``AssertionError`` traceback when a spider closes that never opened -- an item pipeline
    refused to start (MongoDB configuration error), which the pipeline has already reported
    in one line.  Such a crawl gets no ``finish_reason`` (``newscrawl.ops.runstatus``: exit 6)."""

    def spider_closed(self, spider, reason):
        if self.start_time is None or self._start_time_mono is None:
            return
        super().spider_closed(spider, reason)
