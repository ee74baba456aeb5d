"""Exit status of a crawl run, for cron (``scrapy crawlall`` and ``scrapy crawl``).

====  =====================================================================
code  meaning
====  =====================================================================
0     every spider finished, fetched pages, stored (or had nothing to store)
2     a spider closed for an error reason: anything but ``finished`` and the limits the
      user set (``closespider_timeout``/``itemcount``/``pagecount``), e.g. ``shutdown``
      (SIGTERM/Ctrl-C), ``cancelled``, ``closespider_errorcount``; or was stopped by force
      (a second Ctrl-C/SIGTERM: no finish reason); ``--sequential`` forwards SIGINT/SIGTERM
      to the running child, waits for it (holding the lock) and exits 2
3     a spider fetched no page at all (site down, DNS, robots, replay miss); a distributed
      worker whose shared frontier had nothing left for it is not a failure
4     MongoDB kept failing: items were left in the spool (``scrapy mongo-replay``),
      could not even be spooled (``newscrawl/mongo/lost``), or were refused for good and
      kept in ``rejected/`` (``newscrawl/mongo/dropped/*``; ``scrapy mongo-replay --rejected``)
5     a spider yielded fewer items than ``NEWSCRAWL_MIN_ITEMS``
6     a spider could not start: configuration error (bad spider argument, bad
      MongoDB URI, ``MONGO_WRITE_CONCERN=0``, failed authentication, the local
      server cannot start, ``REDIS_URL`` without ``MONGO_URI``), or the ``--lock``
      file or the spool cannot be written (a folder, a read-only folder)
7     a feed could not be written completely (disk full...): ``feedexport/failed_count``;
      the partial file is ``<feed>.failed``, never ``<feed>``
75    another run holds the lock (``--lock``); nothing was done (EX_TEMPFAIL)
====  =====================================================================

When several apply, the lowest non-zero code wins (the most basic failure).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_SPIDER_ERROR = 2
EXIT_NO_PAGES = 3
EXIT_MONGO_SPOOLED = 4
EXIT_TOO_FEW_ITEMS = 5
EXIT_CANNOT_START = 6
EXIT_FEED_FAILED = 7
EXIT_LOCKED = 75

#: finish reasons that are not failures: a normal end, or a limit the user asked for
OK_REASONS = frozenset({"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount",
                        "closespider_timeout_no_item"})

EXIT_MEANING = {
    EXIT_OK: "ok",
    EXIT_SPIDER_ERROR: "a spider closed for an error reason",
    EXIT_NO_PAGES: "no page could be fetched",
    EXIT_MONGO_SPOOLED: "MongoDB kept failing; items left in the spool",
    EXIT_TOO_FEW_ITEMS: "fewer items than NEWSCRAWL_MIN_ITEMS",
    EXIT_CANNOT_START: "a spider could not start (configuration error)",
    EXIT_FEED_FAILED: "a feed could not be written",
    EXIT_LOCKED: "another run holds the lock",
}


def _stats(crawler) -> dict:
    try:
        return crawler.stats.get_stats() if crawler.stats else {}
    except RuntimeError:  # Scrapy 2.19: no stats when the crawl never started
        return {}


def codes_for(crawler, settings=None, failed: dict | None = None) -> list[int]:
    """Every failure code that applies to one finished crawler (empty list: ok).

    ``failed`` maps spider names to the error that kept them from starting.
    """
    stats = _stats(crawler)
    settings = settings or crawler.settings
    name = getattr(crawler.spidercls, "name", None)
    if (failed and name in failed) or stats.get("newscrawl/mongo/config_error") or "start_time" not in stats:
        return [EXIT_CANNOT_START]
    if "finish_reason" not in stats:  # started, then stopped by force (second Ctrl-C/SIGTERM): not a configuration error
        return [EXIT_SPIDER_ERROR]
    codes = []
    if stats.get("finish_reason", "finished") not in OK_REASONS:
        codes.append(EXIT_SPIDER_ERROR)
    if not stats.get("newscrawl/pages", 0) and not stats.get("newscrawl/pages/discovery", 0):
        # a distributed worker (REDIS_URL) may find the shared frontier done by others: no page
        # fetched is a failure there only when a fetch failed
        fetch_failed = any(k.startswith("newscrawl/fetch_failed/") and v for k, v in stats.items())
        if not stats.get("newscrawl/redis/run") or fetch_failed:
            codes.append(EXIT_NO_PAGES)
    refused = any(v for k, v in stats.items()
                  if k.startswith(("newscrawl/mongo/dropped/", "newscrawl/mongo/republished_rejected/")))
    if stats.get("newscrawl/mongo/spool_remaining", 0) or stats.get("newscrawl/mongo/lost", 0) or refused:
        codes.append(EXIT_MONGO_SPOOLED)
    if any(v for k, v in stats.items() if k.startswith("feedexport/failed_count/")):
        codes.append(EXIT_FEED_FAILED)
    min_items = settings.getint("NEWSCRAWL_MIN_ITEMS", 0)
    if min_items and stats.get("item_scraped_count", 0) < min_items:
        codes.append(EXIT_TOO_FEW_ITEMS)
    return codes


def exit_code_for(crawlers, settings=None, failed: dict | None = None) -> int:
    codes = [c for cr in crawlers for c in codes_for(cr, settings, failed)]
    return min(codes) if codes else EXIT_OK


def failure_reasons(crawler, settings=None, failed: dict | None = None) -> list[str]:
    """Why one crawler fails the run, in words with the figures behind it (empty: it did not fail)."""
    stats = _stats(crawler)
    settings = settings or crawler.settings
    name = getattr(crawler.spidercls, "name", None)
    out = []
    for code in sorted(set(codes_for(crawler, settings, failed))):
        if code == EXIT_CANNOT_START:
            why = (failed or {}).get(name) or ("MongoDB configuration error" if stats.get("newscrawl/mongo/config_error")
                                             else "the crawl did not start")
            out.append(f"exit {code}: could not start: {why}")
        elif code == EXIT_SPIDER_ERROR:
            out.append(f"exit {code}: closed with reason {stats.get('finish_reason')!r}")
        elif code == EXIT_NO_PAGES:
            failures = {k.removeprefix("newscrawl/fetch_failed/"): v for k, v in stats.items()
                        if k.startswith("newscrawl/fetch_failed/")}
            detail = ", ".join(f"{k} {v}" for k, v in sorted(failures.items())) or "no response"
            out.append(f"exit {code}: no page fetched ({detail})")
        elif code == EXIT_MONGO_SPOOLED:
            refused = sum(v for k, v in stats.items() if k.startswith("newscrawl/mongo/dropped/"))
            out.append(f"exit {code}: MongoDB kept failing ({stats.get('newscrawl/mongo/spool_remaining', 0)} items "
                       f"in the spool, {stats.get('newscrawl/mongo/lost', 0)} lost, {refused} refused)")
        elif code == EXIT_FEED_FAILED:
            failed_feeds = sum(v for k, v in stats.items() if k.startswith("feedexport/failed_count/"))
            out.append(f"exit {code}: {failed_feeds} feed(s) could not be written (kept as <feed>.failed)")
        elif code == EXIT_TOO_FEW_ITEMS:
            out.append(f"exit {code}: {stats.get('item_scraped_count', 0)} items, fewer than "
                       f"NEWSCRAWL_MIN_ITEMS={settings.getint('NEWSCRAWL_MIN_ITEMS', 0)}")
    return out


def summary_line(crawler, failed: dict | None = None, settings=None) -> str:
    """``newscrawl: <spider>: ok|FAILED <reasons>; finish_reason=... pages=... items=...`` (one line)."""
    s = _stats(crawler)
    name = getattr(crawler.spidercls, "name", "?")
    reasons = failure_reasons(crawler, settings, failed)
    if failed and name in failed:
        return f"newscrawl: {name}: FAILED {reasons[0]}"
    head = f"FAILED {'; '.join(reasons)}" if reasons else "ok"
    line = (f"newscrawl: {name}: {head}; finish_reason={s.get('finish_reason')} pages={s.get('newscrawl/pages', 0)} "
            f"articles={s.get('newscrawl/articles', 0)} items={s.get('item_scraped_count', 0)} "
            f"dropped={s.get('item_dropped_count', 0)}")
    if any(k.startswith("newscrawl/mongo/") for k in s):  # storage ran: items MongoDB acknowledged this run
        line += f" stored={stored_count(s)} spooled={s.get('newscrawl/mongo/spool_remaining', 0)}"
    return line


def stored_count(stats: dict) -> int:
    """Items of this run acknowledged by MongoDB (new, changed or already stored as they are)."""
    return sum(stats.get(f"newscrawl/mongo/{k}", 0) for k in ("written", "updated", "unchanged"))
