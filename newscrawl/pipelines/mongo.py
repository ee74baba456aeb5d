"""MongoDB storage pipeline: never loses, never duplicates an item.

A thin Scrapy/Twisted wrapper around :class:`newscrawl.storage.writer.MongoWriter`
(see that module for documents, ops, retries and BSON safety, and
:mod:`newscrawl.storage.spool` for the on-disk spool).

Flow:

* ``process_item`` (reactor thread, no network): builds the item's ops from a
  copy of the item, appends them to the current spool segment on local disk,
  and returns the item unchanged (the feed exporter still gets it).  Every
  ``MONGO_BATCH_SIZE`` items, every ``MONGO_FLUSH_INTERVAL`` seconds and at
  close, the segment is handed to the writer.
* The writer runs in a worker thread, one job at a time, in order: seal the
  segment (``fsync``), bulk-write it, delete it once acknowledged; or keep it
  spooled when MongoDB is down (the crawl goes on).
* If more than ``MONGO_MAX_PENDING_BATCHES`` batches wait for the writer,
  ``process_item`` waits for one to finish (back-pressure, not loss).

At open (in the worker thread): build the shared client, ask the crawler's
shared availability probe (:func:`newscrawl.storage.client.probe_status`, one
``ping`` shared with the dedupe pipeline and the incremental middleware), create
the indexes, then replay leftover spool batches of earlier runs.  A server that
does not answer is not an error: ONE warning naming the masked URI, stat
``newscrawl/mongo/unavailable_at_open``, and everything is spooled (pinged again
every ``MONGO_OUTAGE_PROBE_INTERVAL`` seconds; at close only if the last ping is
that old).  A
*configuration* error -- malformed URI, ``MONGO_WRITE_CONCERN=0``, failed
authentication (code 18), missing rights -- is logged as ONE error (masked URI)
and raised as :class:`~newscrawl.storage.client.MongoConfigError` from
``open_spider``, after setting the stat ``newscrawl/mongo/config_error`` to 1:
the crawl does not start (``scrapy crawl`` exits non-zero) rather than
spooling a whole crawl that can never be stored as configured.  The dedupe
pipeline and the incremental middleware do not report configuration errors
themselves (DEBUG only): this is the one error line.
``MONGO_ENABLED = False`` disables the pipeline (``NotConfigured``).

Stats (``newscrawl/mongo/...``): ``written``, ``updated``, ``unchanged``,
``retries``, ``spooled``, ``spooled_batches``, ``replayed``,
``replayed_batches``, ``dropped/<reason>``, ``republished_linked``,
``republished_missing``, ``unavailable_at_open``, ``errors/<Exception>``,
``config_error`` (1: the storage did not start, see above),
``spool_remaining`` (items left in the spool at close, sent by the next run or
``scrapy mongo-replay``), ``lost`` (set at close: items that are neither
acknowledged by MongoDB nor kept in the spool -- their writes could not be
appended to the spool, e.g. disk full (also counted as
``dropped/spool_error``), or their spool file vanished before it was sent; the
feed still has them).  Items refused for good (``dropped/<reason>`` other than
``spool_error``: naive datetime, too large, a write error) are not ``lost``:
they could never be stored as they are, and are kept in ``rejected/``.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call, run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, succeed

from newscrawl.storage.client import MongoConfig, MongoConfigError, client_for, probe_status, redact
from newscrawl.storage.spool import Spool
from newscrawl.storage.writer import (
    ItemRejected,
    MongoWriter,
    WriterSettings,
    is_transient,
    ops_for_item,
    short_error,
)

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/mongo/"


class MongoPipeline:
    """Item pipeline storing ``ArticleItem``/``TickerItem`` in MongoDB.

    Settings: ``MONGO_ENABLED``, ``MONGO_URI``, ``MONGO_DATABASE``,
    ``MONGO_ARTICLES_COLLECTION``, ``MONGO_TICKERS_COLLECTION``,
    ``MONGO_WRITE_CONCERN``, ``MONGO_SERVER_SELECTION_TIMEOUT_MS``,
    ``MONGO_CONNECT_TIMEOUT_MS``, ``MONGO_SOCKET_TIMEOUT_MS``,
    ``MONGO_BATCH_SIZE``, ``MONGO_FLUSH_INTERVAL``, ``MONGO_RETRY_TIMES``,
    ``MONGO_RETRY_BACKOFF``, ``MONGO_RETRY_BACKOFF_MAX``,
    ``MONGO_OUTAGE_PROBE_INTERVAL``, ``MONGO_MAX_DOCUMENT_BYTES``,
    ``MONGO_MAX_PENDING_BATCHES``, ``MONGO_SPOOL_DIR``, ``MONGO_SPOOL_FSYNC``,
    ``MONGO_CLIENT_FACTORY``.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = MongoConfig.from_settings(crawler.settings)
        self.settings = WriterSettings.from_settings(crawler.settings)
        self.spool: Spool | None = None
        self.writer: MongoWriter | None = None
        self._segment = None
        self._timer = None
        self._tail: Deferred = succeed(None)
        self._queued = 0
        self._waiters: list[Deferred] = []
        self._lost = 0  # items whose writes are neither acknowledged nor spooled
        self._lost_lock = threading.Lock()  # _lost is also counted by writer jobs (worker threads)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("MONGO_ENABLED", True):
            raise NotConfigured("MONGO_ENABLED is off: items go to the feed only")
        return cls(crawler)

    # -- open / close ----------------------------------------------------------------
    async def open_spider(self) -> None:
        try:
            self.spool = Spool(self.settings.spool_dir, fsync=self.settings.spool_fsync)
            self.spool.check_writable()  # found now, not after the whole crawl (every item "lost")
        except OSError as exc:
            self.stats.set_value(STATS_PREFIX + "config_error", 1)
            logger.error("MongoDB storage not started: spool directory %s unusable: %s", self.settings.spool_dir, exc)
            raise MongoConfigError(f"MONGO_SPOOL_DIR {str(Path(self.settings.spool_dir).absolute())!r} "
                                   f"cannot be written: {exc}") from None
        try:
            report = await run_in_thread(self._open_in_thread)
        except MongoConfigError as exc:
            self.stats.set_value(STATS_PREFIX + "config_error", 1)  # the run status: "could not start: configuration"
            logger.error("MongoDB storage not started: %s", exc)
            raise
        if not report.available:
            self._inc("unavailable_at_open")
            logger.warning(
                "MongoDB %s unavailable at spider open (%s): the crawl goes on, items are kept in the spool %s "
                "and sent when MongoDB answers (probe every %.0f s, next run, or scrapy mongo-replay)",
                self.config.masked_uri, report.error, self.spool.directory, self.settings.outage_probe_interval,
            )
        else:
            logger.info("MongoDB %s ready (database %r)", self.config.masked_uri, self.config.database)
        if self.config.uri_database and self.config.uri_database != self.config.database:
            logger.warning("MONGO_URI names the database %r but MONGO_DATABASE=%r is used; unset MONGO_DATABASE "
                           "(None) to use the URI's", self.config.uri_database, self.config.database)
        if report.pending_batches:
            logger.info("Spool %s holds %d batches (%d items) from earlier runs%s", self.spool.directory,
                        report.pending_batches, report.pending_items,
                        ": replaying them" if report.available else "")
            if report.available:
                self._enqueue(self.writer.replay_pending)
        self._segment = self.spool.new_segment()
        if self.settings.flush_interval > 0:
            self._timer = create_looping_call(self._on_timer)
            self._timer.start(self.settings.flush_interval, now=False)

    def _open_in_thread(self):
        try:
            client = client_for(self.crawler)
        except MongoConfigError:  # the local server cannot be used (one line that says what to do)
            raise
        except ValueError as exc:  # w=0 (MongoConfig.make_client)
            raise MongoConfigError(f"MongoDB {self.config.masked_uri}: {redact(str(exc), self.config.uri)}") from None
        except Exception as exc:  # noqa: BLE001 - InvalidURI / ConfigurationError / a bad factory
            raise MongoConfigError(
                f"MongoDB {self.config.masked_uri}: bad configuration: {short_error(exc, uri=self.config.uri)}"
            ) from None
        if client is None:  # pragma: no cover - from_crawler checked MONGO_ENABLED
            raise MongoConfigError("MongoDB client disabled")
        self.writer = MongoWriter(client, self.config.database, self.settings, self.spool,
                                  uri=self.config.uri)
        # the crawler's shared probe: one ping (one timeout when down) for all its MongoDB users
        status = probe_status(self.crawler)
        if not status.available and status.error is not None and is_transient(status.error):
            return self.writer.open_unavailable(short_error(status.error, uri=self.config.uri))
        # answered: indexes; any other failure: open() pings again and tells a configuration error
        return self.writer.open(ping=not status.available)

    async def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.writer is None:
            return
        self._cut()
        self._enqueue(self.writer.close)
        done = Deferred()
        self._tail.addBoth(lambda _: done.callback(None))
        await maybe_deferred_to_future(done)
        summary = await run_in_thread(self.spool.summary)
        self.stats.set_value(STATS_PREFIX + "spool_remaining", summary.items - summary.locked_items)
        left = summary.items - summary.locked_items
        if left:
            # one warning per crawl for routine downtime: INFO when the open already warned
            warned = self.stats.get_value(STATS_PREFIX + "unavailable_at_open")
            (logger.info if warned else logger.warning)(
                "%d items in %d batches remain in the spool %s: they are sent at the next run, or run "
                "`scrapy mongo-replay`", left, summary.batches - summary.locked, self.spool.directory)
        with self._lost_lock:
            lost = self._lost
        self.stats.set_value(STATS_PREFIX + "lost", lost)
        if lost:
            logger.error("%d items were NOT stored in MongoDB and are not in the spool %s (spool write failed, "
                         "see dropped/spool_error): only the feed has them", lost, self.spool.directory)
        stats = self.stats.get_stats()
        logger.info("MongoDB %s: %s", self.config.masked_uri, ", ".join(
            f"{k[len(STATS_PREFIX):]}={v}" for k, v in sorted(stats.items()) if k.startswith(STATS_PREFIX)))

    # -- items -------------------------------------------------------------------------
    def process_item(self, item: Any) -> Any:
        """Spool the item's writes; return the item unchanged (never dropped here)."""
        try:
            ops = ops_for_item(item, max_document_bytes=self.settings.max_document_bytes)
        except ItemRejected as exc:
            self._inc(f"dropped/{exc.reason}")
            logger.error("Item not stored in MongoDB (%s): %s", exc.reason, exc.detail)
            if self.spool is not None:
                document = exc.document if exc.document is not None else ItemAdapter(item).asdict()
                try:
                    self.spool.reject([{"reason": exc.reason, "error": exc.detail, "document": _jsonable(document)}])
                except OSError as err:  # disk full...: the feed still gets the item
                    logger.error("Cannot keep the refused item in %s/rejected: %s", self.spool.directory, err)
            return item
        if not ops:
            return item
        try:
            self._segment.append(ops)
        except OSError as exc:  # disk full, spool dir removed...: the feed still gets the item
            self._inc("dropped/spool_error")
            with self._lost_lock:
                self._lost += 1
                first = self._lost == 1
            # the first failure is logged, the others counted (a full disk fails every item)
            (logger.error if first else logger.debug)(
                "Item not stored in MongoDB: cannot append to the spool %s: %s%s", self.spool.directory, exc,
                "; further spool failures are counted (newscrawl/mongo/lost), not logged" if first else "")
            return item
        # by ops too: alias links count no item, and a segment of alias ops only must be flushed as well
        if len(self._segment) >= self.settings.batch_size or len(self._segment.ops) >= 2 * self.settings.batch_size:
            self._cut()
        if self._queued > self.settings.max_pending_batches:
            return self._wait_for_room(item)
        return item

    async def _wait_for_room(self, item: Any) -> Any:
        d: Deferred = Deferred()
        self._waiters.append(d)
        await maybe_deferred_to_future(d)
        return item

    # -- batches -------------------------------------------------------------------------
    def _on_timer(self) -> None:
        if self._segment is not None and self._segment.ops:
            self._cut()

    def _cut(self) -> None:
        segment = self._segment
        if segment is None or not segment.ops:  # not len(): an alias-only segment holds ops but no item
            return
        self._segment = self.spool.new_segment()
        self._enqueue(self._flush, segment)

    def _flush(self, segment) -> Counter:
        """Worker thread: ``writer.flush(segment)``.  A failure with the segment's
        file still on disk is a job failure (the batch stays spooled); with the
        file gone (spool directory removed...), its items are lost."""
        try:
            return self.writer.flush(segment)
        except Exception as exc:
            if segment.on_disk():
                raise
            with self._lost_lock:
                self._lost += segment.items
            logger.error("MongoDB writer: batch %s (%d items) is lost: its spool file %s is gone (%s)",
                         segment.id, segment.items, segment.path, redact(str(exc), self.config.uri))
            return Counter({f"errors/{type(exc).__name__}": 1})

    def _enqueue(self, func, *args) -> None:
        """Run ``func(*args)`` in a worker thread after every job queued before it."""
        self._queued += 1

        def run(_):
            return deferred_from_coro(run_in_thread(func, *args))

        self._tail.addCallback(run)
        self._tail.addCallbacks(self._job_done, self._job_failed)

    def _job_done(self, counts: Counter | None) -> None:
        self._queued -= 1
        for key, value in (counts or {}).items():
            if value:
                self._inc(key, value)
        self._release_waiters()

    def _job_failed(self, failure) -> None:
        self._queued -= 1
        # The batch file is still in the spool (a job never deletes unacknowledged work).
        self._inc(f"errors/{failure.type.__name__}")
        logger.error("MongoDB writer job failed; its batch stays in the spool %s: %s",
                     self.spool.directory, redact(str(failure.value), self.config.uri),
                     exc_info=(failure.type, failure.value, failure.getTracebackObject()))
        self._release_waiters()

    def _release_waiters(self) -> None:
        while self._waiters and self._queued <= self.settings.max_pending_batches:
            self._waiters.pop(0).callback(None)

    def _inc(self, key: str, value: int = 1) -> None:
        self.stats.inc_value(STATS_PREFIX + key, value)


def _jsonable(doc):
    """The rejected document as given; the spool's Extended JSON encodes BSON types,
    anything else falls back to its ``repr``."""
    from newscrawl.storage.spool import dumps

    try:
        dumps(doc)
        return doc
    except Exception:  # noqa: BLE001
        return repr(doc)[:100_000]
