"""Synchronous core of MongoDB storage: documents, idempotent ops, retries, replay.

Nothing here knows about Twisted or asyncio.  :class:`MongoWriter` makes
blocking pymongo calls; the Scrapy pipeline (:mod:`newscrawl.pipelines.mongo`)
runs them in a worker thread, one job at a time, and ``scrapy mongo-replay``
calls them directly.  A writer is not thread-safe: one caller at a time.

Documents
---------
:func:`ops_for_item` turns an item into :class:`~newscrawl.storage.spool.Op`
objects without touching the item (it works on fresh copies built from
``dict(ItemAdapter(item).items())`` by :func:`to_bson_value`):

* ``ArticleItem`` -> upsert on ``{"canonical_url": ...}``: ``$set`` every item
  field, ``$min: {first_seen}`` / ``$max: {last_seen}`` (both ``crawled_at``),
  ``$unset: {body_truncated}`` unless the body had to be truncated; and, when
  ``duplicate_of`` is set, a non-upsert ``$addToSet`` of
  ``{"site", "url": canonical_url}`` to ``republished_by`` of the first-seen copy.
  An article with ``alias_of`` (a same-site copy under another URL, see
  :mod:`newscrawl.pipelines.dedupe`) gives only a non-upsert ``$addToSet`` of its
  ``canonical_url`` to ``aliases`` of that document (stats ``aliases_linked`` /
  ``aliases_missing``).
* ``TickerItem`` -> upsert on ``{"site", "headline_norm"}``: ``$set`` headline,
  url, position, page_url, published, published_raw; ``$min: {first_seen}``,
  ``$max: {last_seen}``, ``$addToSet: {seen_at}`` (all ``seen_at``).

``first_seen``/``last_seen`` use ``$min``/``$max`` rather than
``$setOnInsert``/``$set``: they give the same values on a normal crawl and stay
right when an old spooled batch is replayed after a newer crawl.  No op uses
``$inc`` or ``$push``, so sending a batch twice stores it once: re-crawling the
same pages changes no document count.

BSON safety: keys are sanitized recursively (``$`` -> ``＄`` U+FF04, ``.`` ->
``．`` U+FF0E, NUL -> ``_``; non-string keys -> ``str``); tuples and sets become
lists; aware datetimes are converted to UTC; a *naive* datetime is a bug
upstream (it would be stored as if it were UTC, hours off: case BR-10) and the
item is not stored (reason ``naive_datetime``).  A document whose BSON size
exceeds ``max_document_bytes`` (default 16 MiB - 512 KiB, headroom for
``republished_by``/``seen_at`` growth) has paragraphs dropped from the end of
``body`` (and the matching lines of ``body_norm``) and ``body_truncated: true``
set; if it is still too big it is not stored (``bson_too_large``).  Items that
are not stored are still returned to Scrapy (the feed keeps them) and the
document is written to the spool's ``rejected/`` file.

Errors and retries
------------------
Transient failures (:func:`is_transient`: connection errors, timeouts,
not-primary, write-concern errors, retryable codes/labels) are retried
``retry_times`` times with exponential backoff ``retry_backoff * 2**n`` capped at
``retry_backoff_max`` seconds; then the batch stays in the spool and the
writer enters *outage mode*: later batches go straight to the spool, and every
``outage_probe_interval`` seconds one flush pings the server; when it answers,
the spooled backlog is replayed (oldest first) before new batches.  A
duplicate-key error (E11000, an upsert race) is retried once at once (the
upsert then matches).  Other per-document write errors are dropped with a
counted reason and kept in ``rejected/``.  Anything else (auth lost, a bug)
keeps the batch spooled.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import bson
from bson.errors import InvalidDocument
from itemadapter import ItemAdapter
from pymongo import IndexModel
from pymongo.errors import (
    BulkWriteError,
    ConfigurationError,
    ConnectionFailure,
    OperationFailure,
    PyMongoError,
    WriteConcernError,
)

from newscrawl.items import ArticleItem, TickerItem
from newscrawl.storage.client import MongoConfigError, mask_uri, redact
from newscrawl.storage.revisions import RevisionTracker
from newscrawl.storage.spool import Batch, Op, Segment, Spool, count_items

logger = logging.getLogger(__name__)

UTC = timezone.utc
MiB = 1024 * 1024
BSON_MAX = 16 * MiB
DEFAULT_MAX_DOCUMENT_BYTES = BSON_MAX - 512 * 1024

#: Server error codes treated as transient (the write may be resent: our ops are idempotent).
#: * the retryable-writes specification's list (= pymongo's ``_RETRYABLE_ERROR_CODES``):
#:   HostUnreachable 6, HostNotFound 7, NetworkTimeout 89, ShutdownInProgress 91,
#:   ReadConcernMajorityNotAvailableYet 134, PrimarySteppedDown 189, ExceededTimeLimit 262,
#:   SocketException 9001, NotWritablePrimary 10107, InterruptedAtShutdown 11600,
#:   InterruptedDueToReplStateChange 11602, NotPrimaryNoSecondaryOk 13435,
#:   NotPrimaryOrSecondary 13436, and the legacy not-primary 10058
#:   (https://github.com/mongodb/specifications/blob/master/source/retryable-writes/retryable-writes.md);
#: * codes the server returns for a write that did not happen *now* but can later:
#:   MaxTimeMSExpired 50, WriteConcernFailed 64, WriteConflict 112, LockTimeout 24,
#:   LockBusy 46, StaleShardVersion 63, StaleEpoch 150, Interrupted 11601, StaleConfig 13388,
#:   ShardingStateNotInitialized 193, TransactionTooOld 225, ConflictingOperationInProgress 117,
#:   StaleDbVersion 249, TemporarilyUnavailable 365 (server error_codes.yml, category/"isRetriable").
#: A per-document error or reply labelled ``RetryableWriteError``/``TransientTransactionError``
#: is transient whatever its code.
RETRYABLE_CODES = frozenset(
    {6, 7, 89, 91, 134, 189, 262, 9001, 10058, 10107, 11600, 11602, 13435, 13436,
     24, 46, 50, 63, 64, 112, 117, 150, 193, 225, 249, 365, 11601, 13388}
)
TRANSIENT_LABELS = ("RetryableWriteError", "TransientTransactionError")
DUPLICATE_KEY = 11000
AUTH_FAILED = 18
UNAUTHORIZED = 13
INDEX_CONFLICT = frozenset({85, 86})  # IndexOptionsConflict, IndexKeySpecsConflict

KEY_REPLACEMENTS = {"$": "\uff04", ".": "\uff0e", "\x00": "_"}


class ItemRejected(Exception):
    """An item cannot be stored.  ``reason`` is the stat suffix
    (``newscrawl/mongo/dropped/<reason>``), ``detail`` a human explanation,
    ``document`` what was built so far (for the rejected file), or ``None``."""

    def __init__(self, reason: str, detail: str = "", document: Any = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.document = document


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class WriterSettings:
    """Tuning of the writer and pipeline; units in the names' docs.

    ``batch_size`` items per bulk write; ``flush_interval`` seconds between timed
    flushes; ``retry_times`` retries after the first attempt; ``retry_backoff`` /
    ``retry_backoff_max`` seconds; ``outage_probe_interval`` seconds between
    pings while MongoDB is down; ``max_document_bytes`` BSON bytes;
    ``max_pending_batches`` batches queued before ``process_item`` waits;
    ``batch_timeout`` seconds for the whole write of one batch, retries included
    (pymongo's client-side operation timeout, ``pymongo.timeout``; 0 = unbounded).
    """

    articles: str = "articles"
    tickers: str = "tickers"
    batch_size: int = 100
    flush_interval: float = 5.0
    retry_times: int = 3
    retry_backoff: float = 0.5
    retry_backoff_max: float = 8.0
    outage_probe_interval: float = 30.0
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    max_pending_batches: int = 8
    spool_dir: str = "data/spool"
    spool_fsync: bool = True
    revisions: str = "revisions"  # collection of previous versions of articles; "" = not kept
    batch_timeout: float = 120.0

    @classmethod
    def from_settings(cls, settings) -> "WriterSettings":
        """Read ``MONGO_*`` settings (each with the default above)."""
        d = cls()
        return cls(
            articles=settings.get("MONGO_ARTICLES_COLLECTION", d.articles),
            tickers=settings.get("MONGO_TICKERS_COLLECTION", d.tickers),
            batch_size=max(1, settings.getint("MONGO_BATCH_SIZE", d.batch_size)),
            flush_interval=settings.getfloat("MONGO_FLUSH_INTERVAL", d.flush_interval),
            retry_times=max(0, settings.getint("MONGO_RETRY_TIMES", d.retry_times)),
            retry_backoff=max(0.0, settings.getfloat("MONGO_RETRY_BACKOFF", d.retry_backoff)),
            retry_backoff_max=max(0.0, settings.getfloat("MONGO_RETRY_BACKOFF_MAX", d.retry_backoff_max)),
            outage_probe_interval=max(0.0, settings.getfloat("MONGO_OUTAGE_PROBE_INTERVAL", d.outage_probe_interval)),
            max_document_bytes=min(BSON_MAX, settings.getint("MONGO_MAX_DOCUMENT_BYTES", d.max_document_bytes)),
            max_pending_batches=max(1, settings.getint("MONGO_MAX_PENDING_BATCHES", d.max_pending_batches)),
            spool_dir=settings.get("MONGO_SPOOL_DIR", d.spool_dir) or d.spool_dir,
            spool_fsync=settings.getbool("MONGO_SPOOL_FSYNC", d.spool_fsync),
            revisions=settings.get("MONGO_REVISIONS_COLLECTION", d.revisions) or "",
            batch_timeout=max(0.0, settings.getfloat("MONGO_BATCH_TIMEOUT", d.batch_timeout)),
        )


# --------------------------------------------------------------------------- documents
def sanitize_key(key: Any) -> str:
    """A BSON/MongoDB-safe field name: ``$``/``.`` -> full-width, NUL -> ``_``."""
    key = key if isinstance(key, str) else str(key)
    if "$" in key or "." in key or "\x00" in key:
        for bad, good in KEY_REPLACEMENTS.items():
            key = key.replace(bad, good)
    return key


def to_bson_value(value: Any, path: str = "") -> Any:
    """Return a fresh BSON-ready copy of ``value`` (never the same container).

    Dict keys are sanitized (:func:`sanitize_key`); when two keys of one dict sanitize to
    the same name (``$a`` and ``＄a``) the one that had to change is stored as
    ``＄a~2`` (never a silently lost value; logged); tuples/sets become lists,
    aware datetimes are converted to UTC.  Raises :class:`ItemRejected`
    (``naive_datetime``) for a datetime without a UTC offset, naming ``path``.
    """
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        out: dict = {}
        renamed = []
        for k, v in value.items():
            key = sanitize_key(k)
            converted = to_bson_value(v, f"{path}.{k}" if path else str(k))
            if key in out or (key != k and key in value):
                renamed.append((k, key, converted))  # e.g. "$a" and "＄a": both kept, see below
            else:
                out[key] = converted
        for k, key, converted in renamed:
            n = 2
            while f"{key}~{n}" in out or f"{key}~{n}" in value:
                n += 1
            out[f"{key}~{n}"] = converted
            logger.warning("field %r of %r: sanitized key %r is taken; stored as %r",
                           k, path or "item", key, f"{key}~{n}")
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v if type(v) in _SCALARS else to_bson_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ItemRejected("naive_datetime", f"field {path!r} is a naive datetime {value.isoformat()}")
        return value.astimezone(UTC)
    if ItemAdapter.is_item(value):  # a nested Scrapy item / dataclass / attrs object
        return to_bson_value(dict(ItemAdapter(value).items()), path)
    return value


#: values stored as they are (exact types: a ``str`` or ``int`` subclass takes the slow path)
_SCALARS = frozenset({str, int, float, bool, type(None), bytes})


def bson_size(doc: dict) -> int:
    """BSON size of ``doc`` in bytes; :class:`ItemRejected` (``unencodable``) if
    it cannot be encoded (e.g. an int over 64 bits, a ``date``)."""
    try:
        return len(bson.encode(doc))
    except (InvalidDocument, OverflowError, TypeError) as exc:
        raise ItemRejected("unencodable", str(exc)[:300]) from None


def _fit_body(doc: dict, limit: int) -> bool:
    """Drop paragraphs from the end of ``doc["body"]`` (and the same lines of
    ``body_norm``) until ``bson_size(doc) <= limit``.  Returns True if truncated;
    raises ItemRejected(``bson_too_large``) if even an empty body is too big."""
    size = bson_size(doc)
    if size <= limit:
        return False
    body = doc.get("body")
    norm = doc.get("body_norm")
    norm_lines = norm.split("\n") if isinstance(norm, str) else None
    if not isinstance(body, list) or not body:
        raise ItemRejected("bson_too_large", f"{size} bytes > {limit} and no body to truncate")

    def trial(k: int) -> int:
        doc["body"] = body[:k]
        if norm_lines is not None:
            doc["body_norm"] = "\n".join(norm_lines[:k])
        return bson_size(doc)

    if trial(0) > limit:
        doc["body"], doc["body_norm"] = body, norm
        raise ItemRejected("bson_too_large", f"{size} bytes > {limit} even without body")
    lo, hi = 0, len(body) - 1  # invariant: trial(lo) fits; answer in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if trial(mid) <= limit:
            lo = mid
        else:
            hi = mid - 1
    trial(lo)
    logger.warning(
        "Article %s is %d BSON bytes (limit %d): body truncated to %d of %d paragraphs",
        doc.get("canonical_url"), size, limit, lo, len(body),
    )
    return True


def ops_for_item(item: Any, *, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES, now: Callable[[], datetime] | None = None) -> list[Op]:
    """The write ops for one item (see the module docstring); ``[]`` for an item
    type that is not stored.  Never mutates ``item``.  Raises
    :class:`ItemRejected` with reason ``naive_datetime``, ``missing_key``,
    ``unencodable`` or ``bson_too_large``."""
    now = now or (lambda: datetime.now(UTC))
    if isinstance(item, ArticleItem):
        return _article_ops(item, max_document_bytes, now)
    if isinstance(item, TickerItem):
        return _ticker_ops(item, max_document_bytes, now)
    return []


def _article_ops(item, limit, now) -> list[Op]:
    doc = to_bson_value(dict(ItemAdapter(item).items()))  # to_bson_value copies deeply (asdict did it twice)
    url = doc.pop("canonical_url", None)
    if not isinstance(url, str) or not url:
        raise ItemRejected("missing_key", "article without canonical_url", doc)
    alias_of = doc.get("alias_of")
    if isinstance(alias_of, str) and alias_of and alias_of != url:
        # a same-site copy under another URL: not a document of its own, but the stored
        # story learns the URL (the incremental crawl then never fetches it again)
        return [Op("articles", "alias", {"canonical_url": alias_of}, {"$addToSet": {"aliases": url}}, False)]
    doc.pop("alias_of", None)
    seen = doc.get("crawled_at") or now()
    for reserved in ("_id", "first_seen", "last_seen", "republished_by", "aliases", "body_truncated"):
        doc.pop(reserved, None)
    sized = {"canonical_url": url, **doc, "first_seen": seen, "last_seen": seen, "republished_by": []}
    try:
        truncated = _fit_body(sized, limit)
    except ItemRejected as exc:
        exc.document = {"canonical_url": url, **doc}
        raise
    if truncated:
        doc["body"] = sized["body"]
        if "body_norm" in doc:
            doc["body_norm"] = sized["body_norm"]
        doc["body_truncated"] = True
    update: dict = {"$min": {"first_seen": seen}, "$max": {"last_seen": seen}}
    if doc:
        update["$set"] = doc
    if not truncated:
        update["$unset"] = {"body_truncated": ""}
    ops = [Op("articles", "article", {"canonical_url": url}, update, True)]
    dup = doc.get("duplicate_of")
    if isinstance(dup, str) and dup and dup != url:
        entry = {"site": doc.get("site"), "url": url}
        if doc.get("duplicate_relation"):  # copy / excerpt / extended (newscrawl.pipelines.dedupe)
            entry["relation"] = doc["duplicate_relation"]
        ops.append(Op("articles", "republished", {"canonical_url": dup}, {"$addToSet": {"republished_by": entry}}, False))
    return ops


TICKER_SET_FIELDS = ("headline", "url", "position", "page_url", "published", "published_raw")


def _ticker_ops(item, limit, now) -> list[Op]:
    doc = to_bson_value(dict(ItemAdapter(item).items()))
    site, key = doc.get("site"), doc.get("headline_norm")
    if not isinstance(site, str) or not site or not isinstance(key, str) or not key:
        raise ItemRejected("missing_key", "ticker without site/headline_norm", doc)
    seen = doc.get("seen_at") or now()
    fields = {k: doc[k] for k in TICKER_SET_FIELDS if k in doc}
    size = bson_size({"site": site, "headline_norm": key, **fields, "first_seen": seen, "last_seen": seen})
    if size > limit:
        raise ItemRejected("bson_too_large", f"ticker of {size} bytes > {limit}", doc)
    update: dict = {"$min": {"first_seen": seen}, "$max": {"last_seen": seen}, "$addToSet": {"seen_at": seen}}
    if fields:
        update["$set"] = fields
    return [Op("tickers", "ticker", {"site": site, "headline_norm": key}, update, True)]


# --------------------------------------------------------------------------- indexes
def _keys_of(spec) -> tuple:
    """Normalize an index spec (IndexModel, [(field, dir)], "field") to a key tuple."""
    if isinstance(spec, IndexModel):
        return tuple((k, v) for k, v in spec.document["key"].items())
    if isinstance(spec, str):
        return ((spec, 1),)
    return tuple((k, v) for k, v in spec)


def _as_model(spec) -> IndexModel:
    return spec if isinstance(spec, IndexModel) else IndexModel(list(_keys_of(spec)))


def dedupe_indexes() -> list | None:
    """``newscrawl.dedupe.index.DEDUPE_INDEXES`` if that module exists (a list of
    IndexModel / key lists for the articles collection), else ``None``."""
    if importlib.util.find_spec("newscrawl.dedupe.index") is None:
        return None
    try:
        module = importlib.import_module("newscrawl.dedupe.index")
    except Exception as exc:  # noqa: BLE001 - someone else's module; fall back, loudly
        logger.error("newscrawl.dedupe.index failed to import (%r); using the storage fallback indexes", exc)
        return None
    found = getattr(module, "DEDUPE_INDEXES", None)
    return list(found) if found is not None else None


def index_plan(dedupe: list | None = None) -> dict[str, list[IndexModel]]:
    """Indexes per logical collection.  Articles: unique ``canonical_url``;
    ``content_hash``; the dedupe band indexes (``DEDUPE_INDEXES``, or fallback
    ``simhash_bands``); ``(site, published desc)``; ``title_norm``.  Tickers:
    unique ``(site, headline_norm)``; ``last_seen``.  Duplicate key specs are
    created once; MongoDB's default names are used, so the same keys declared
    elsewhere do not conflict."""
    articles: list = [
        IndexModel([("canonical_url", 1)], unique=True),
        IndexModel([("content_hash", 1)]),
    ]
    articles += [_as_model(s) for s in dedupe] if dedupe else [IndexModel([("simhash_bands", 1)])]
    articles += [IndexModel([("site", 1), ("published", -1)]), IndexModel([("title_norm", 1)])]
    tickers = [IndexModel([("site", 1), ("headline_norm", 1)], unique=True), IndexModel([("last_seen", 1)])]
    plan = {}
    for name, models in (("articles", articles), ("tickers", tickers)):
        seen, unique_models = set(), []
        for m in models:
            k = _keys_of(m)
            if k not in seen:
                seen.add(k)
                unique_models.append(m)
        plan[name] = unique_models
    return plan


# --------------------------------------------------------------------------- errors
def is_transient(exc: BaseException) -> bool:
    """True for errors worth retrying (the write may or may not have happened;
    our ops are idempotent, so resending is safe)."""
    if isinstance(exc, ConnectionFailure):  # AutoReconnect, NetworkTimeout, NotPrimaryError, ServerSelectionTimeoutError
        return True
    if isinstance(exc, WriteConcernError):
        return True
    if isinstance(exc, PyMongoError):
        if exc.has_error_label("RetryableWriteError") or exc.has_error_label("TransientTransactionError"):
            return True
        if getattr(exc, "timeout", False):
            return True
    if isinstance(exc, OperationFailure) and not isinstance(exc, BulkWriteError) and exc.code in RETRYABLE_CODES:
        return True
    return False


def short_error(exc: BaseException, limit: int = 240, uri: str | None = None) -> str:
    """One-line description of ``exc`` with URIs masked and ``uri``'s password
    removed (:func:`newscrawl.storage.client.redact`)."""
    text = str(exc).split(", Timeout:")[0].split("\n")[0]
    text = redact(text, uri)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}"


# --------------------------------------------------------------------------- writer
@dataclass
class OpenReport:
    """Result of :meth:`MongoWriter.open`: ``available`` (ping answered),
    ``error`` (one-line reason when not), pending spool ``batches``/``items``."""

    available: bool
    error: str | None = None
    pending_batches: int = 0
    pending_items: int = 0


@dataclass
class _Pending:
    op: Op
    dup_retried: bool = False


@dataclass
class Outcome:
    """Result of sending some ops: ``remaining`` must stay spooled, ``rejected``
    are ``(op, reason, detail)`` refused for good, ``error`` the last error."""

    remaining: list[Op] = field(default_factory=list)
    rejected: list[tuple[Op, str, dict]] = field(default_factory=list)
    error: BaseException | None = None
    fatal: bool = False


class MongoWriter:
    """Blocking writer over one database.

    ``client`` is a pymongo ``MongoClient`` (or a compatible double such as
    ``mongomock_ng.MongoClient``), ``spool`` a :class:`Spool`; ``uri`` is only
    used to name the server in messages, masked.  ``sleep`` and ``clock`` are
    injectable for tests.  Count dicts returned by the methods use
    stat suffixes: ``written`` (upserted), ``updated`` (modified), ``unchanged``
    (matched, not modified), ``retries``, ``spooled``/``spooled_batches`` (items
    and batches left in the spool by a failed flush), ``replayed``/
    ``replayed_batches`` (items/batches acknowledged from the spool),
    ``dropped/<reason>``, ``republished_linked``/``republished_missing``,
    ``errors/<ExceptionName>``.
    """

    def __init__(
        self,
        client,
        database: str,
        settings: WriterSettings,
        spool: Spool,
        *,
        uri: str = "",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.db = client[database]
        self.settings = settings
        self.spool = spool
        self.uri = uri
        self.masked_uri = mask_uri(uri)
        self._sleep = sleep
        self._clock = clock
        self.available = False
        self.indexes_ready = False
        self.backlog = True  # unknown until the first replay: assume leftovers
        self._last_probe = float("-inf")
        self._poisoned: set[str] = set()  # batch ids that failed non-transiently in this process
        # previous versions of changed articles (newscrawl.storage.revisions), recorded before each article write
        self.revisions = RevisionTracker(self.db, settings.revisions) if settings.revisions else None

    # -- plumbing ------------------------------------------------------------------
    def _short(self, exc: BaseException) -> str:
        return short_error(exc, uri=self.uri)

    def collection(self, logical: str):
        name = {"articles": self.settings.articles, "tickers": self.settings.tickers}[logical]
        return self.db[name]

    def ping(self) -> None:
        """One ``ping`` round trip (within ``batch_timeout``); raises the pymongo error."""
        if self.settings.batch_timeout:
            import pymongo

            with pymongo.timeout(min(self.settings.batch_timeout, self._socket_timeout() or self.settings.batch_timeout)):
                self.client.admin.command("ping")
            return
        self.client.admin.command("ping")

    def ensure_indexes(self) -> None:
        """Create the indexes of :func:`index_plan` (idempotent).  An existing index
        on the same keys with other options is kept (warning).  Raises
        :class:`MongoConfigError` when the user may not create indexes; transient
        errors propagate."""
        for logical, models in index_plan(dedupe_indexes()).items():
            coll = self.collection(logical)
            for model in models:
                try:
                    coll.create_indexes([model])
                except OperationFailure as exc:
                    if exc.code in INDEX_CONFLICT:
                        logger.warning("Index %s on %s already exists with other options; keeping it (%s)",
                                       dict(model.document["key"]), coll.name, self._short(exc))
                    elif exc.code == DUPLICATE_KEY:
                        logger.error("Cannot build unique index %s on %s: the collection already holds duplicates (%s)",
                                     dict(model.document["key"]), coll.name, self._short(exc))
                    elif exc.code in (UNAUTHORIZED, AUTH_FAILED):
                        raise MongoConfigError(f"MongoDB {self.masked_uri}: not allowed to create indexes: {self._short(exc)}") from None
                    else:
                        raise
        self.indexes_ready = True

    # -- lifecycle -------------------------------------------------------------------
    def open(self, *, ping: bool = True) -> OpenReport:
        """Ping (unless ``ping=False``: the caller's probe just got an answer), then
        create the indexes.  Unreachable server -> ``available=False`` (the crawl
        goes on, writes are spooled).  Raises :class:`MongoConfigError` for failed
        authentication / missing rights / bad configuration."""
        report = OpenReport(available=False)
        self._last_probe = self._clock()
        try:
            if ping:
                self.ping()
            self.ensure_indexes()
        except MongoConfigError:
            raise
        except OperationFailure as exc:
            if exc.code in (AUTH_FAILED, UNAUTHORIZED):
                raise MongoConfigError(f"MongoDB {self.masked_uri}: authentication failed: {self._short(exc)}") from None
            if not is_transient(exc):
                raise MongoConfigError(f"MongoDB {self.masked_uri}: {self._short(exc)}") from None
            report.error = self._short(exc)
        except ConfigurationError as exc:
            raise MongoConfigError(f"MongoDB {self.masked_uri}: configuration error: {self._short(exc)}") from None
        except PyMongoError as exc:
            report.error = self._short(exc)
        else:
            self.available = True
            report.available = True
        if not report.available:
            self.available = False
        return self._pending(report)

    def open_unavailable(self, error: str) -> OpenReport:
        """Open in outage mode without any network I/O: the caller's probe just
        failed to reach the server (``error``, one line).  Writes are spooled; the
        next ping is ``outage_probe_interval`` seconds from now."""
        self._last_probe = self._clock()
        self.available = False
        return self._pending(OpenReport(available=False, error=error))

    def _pending(self, report: OpenReport) -> OpenReport:
        summary = self.spool.summary()
        report.pending_batches = summary.batches - summary.locked
        report.pending_items = summary.items - summary.locked_items
        self.backlog = report.pending_batches > 0
        return report

    def flush(self, segment: Segment) -> Counter:
        """Seal ``segment`` (durable before anything is sent) and send it, or keep
        it spooled in outage mode.  Replays the backlog first when there is one."""
        batch = segment.seal()
        counts: Counter = Counter()
        if batch is None:
            return counts
        if not self.available and not self._probe():
            self._keep_unsent(batch, counts)
            return counts
        if self.backlog:
            counts += self.replay_pending()
            if not self.available:
                self._keep_unsent(batch, counts)
                return counts
        counts += self.send(batch)
        return counts

    def replay_pending(self) -> Counter:
        """Send every spool batch no live process owns, oldest first; stops at
        the first batch that cannot be sent (outage).  Counts ``replayed``."""
        counts: Counter = Counter()
        if not self.available and not self._probe(force=True):
            return counts
        completed = True
        for batch in self.spool.claim_all():
            if not batch.ops:
                batch.ack()
                continue
            if batch.id in self._poisoned:
                batch.keep()  # failed for a non-transient reason in this process: next run / mongo-replay
                continue
            counts += self.send(batch)
            if not self.available:  # outage: the rest waits, oldest first
                completed = False
                break
        if completed:
            self.backlog = False
        return counts

    def close(self) -> Counter:
        """Last chance at close: replay what this run (or an earlier one) left in
        the spool if MongoDB answers now.  In outage mode the server is pinged
        only if the last ping is ``outage_probe_interval`` seconds old (a short
        crawl with MongoDB down does not wait for one more timeout: the next run
        or ``mongo-replay`` sends the spool).  Returns counts."""
        if not self.backlog:
            return Counter()
        if not self.available and not self._probe():
            return Counter()
        return self.replay_pending()

    # -- sending ---------------------------------------------------------------------
    def _probe(self, force: bool = False) -> bool:
        now = self._clock()
        if not force and now - self._last_probe < self.settings.outage_probe_interval:
            return False
        self._last_probe = now
        try:
            self.ping()
            if not self.indexes_ready:
                self.ensure_indexes()
        except MongoConfigError as exc:
            logger.error("%s", exc)
            return False
        except PyMongoError as exc:  # already warned when the outage began: INFO from here on
            logger.info("MongoDB %s still unavailable (%s); items stay in the spool %s",
                        self.masked_uri, self._short(exc), self.spool.directory)
            return False
        if not self.available:
            logger.info("MongoDB %s is reachable again; replaying the spool", self.masked_uri)
        self.available = True
        return True

    def _keep_unsent(self, batch: Batch, counts: Counter) -> None:
        if batch.origin == "new":
            counts["spooled"] += batch.items
            counts["spooled_batches"] += 1
        batch.keep()
        self.backlog = True
        logger.debug("MongoDB %s unavailable: batch %s (%d items) kept in the spool", self.masked_uri, batch.id, batch.items)

    def send(self, batch: Batch) -> Counter:
        """Write a locked batch with retries, then ack it (all stored or
        rejected) or keep what remains.  Returns counts."""
        counts: Counter = Counter()
        outcome = self.write(batch.ops, counts)
        if outcome.rejected:
            self.spool.reject([
                {"reason": reason, "batch": batch.id, "op": op.to_json(), "error": detail}
                for op, reason, detail in outcome.rejected
            ])
            for op, reason, detail in outcome.rejected:
                counts[f"dropped/{reason}" if op.primary else f"republished_rejected/{reason}"] += 1
                logger.error("MongoDB refused %s %s for good (%s, code %s): kept in %s/rejected",
                             op.kind, op.filter, reason, detail.get("code"), self.spool.directory)
        acked_items = batch.items - count_items(outcome.remaining) - count_items(op for op, _, _ in outcome.rejected)
        if batch.origin == "replay":
            counts["replayed"] += acked_items
            counts["replayed_batches"] += 0 if outcome.remaining else 1
        if outcome.remaining:
            if batch.origin == "new":
                counts["spooled"] += count_items(outcome.remaining)
                counts["spooled_batches"] += 1
            batch.keep(outcome.remaining)
            self.backlog = True
            err = self._short(outcome.error) if outcome.error else "unknown error"
            if outcome.error is not None:
                counts[f"errors/{type(outcome.error).__name__}"] += 1
            if outcome.fatal:
                self._poisoned.add(batch.id)
                logger.error("MongoDB %s write failed (%s): batch %s (%d items) kept in the spool %s",
                             self.masked_uri, err, batch.id, count_items(outcome.remaining), self.spool.directory)
            else:
                self.available = False
                self._last_probe = self._clock()
                logger.warning("MongoDB %s unavailable after %d retries (%s): batch %s (%d items) kept in the spool %s; "
                               "will retry every %.0f s and at the next run (or: scrapy mongo-replay)",
                               self.masked_uri, self.settings.retry_times, err, batch.id,
                               count_items(outcome.remaining), self.spool.directory, self.settings.outage_probe_interval)
        else:
            batch.ack()
        return counts

    def write(self, ops: list[Op], counts: Counter) -> Outcome:
        """Bulk-write ``ops`` (unordered; upserts first, then the ``republished``
        updates), retrying transient failures.  Adds to ``counts``."""
        pending = [_Pending(op) for op in ops]
        outcome = Outcome()
        attempt = immediate = 0
        budget = self.settings.batch_timeout
        deadline = self._clock() + budget if budget else None
        while True:
            error, fatal, need_backoff = self._bounded_attempt(pending, counts, outcome, deadline)
            if not pending:
                return outcome
            if fatal:
                outcome.remaining, outcome.error, outcome.fatal = [p.op for p in pending], error, True
                return outcome
            if error is None and not need_backoff and immediate < 3:
                immediate += 1
                counts["retries"] += 1  # E11000 upsert race (then phase-2 ops): again at once
                continue
            attempt += 1
            if attempt > self.settings.retry_times:
                outcome.remaining, outcome.error = [p.op for p in pending], error
                return outcome
            delay = min(self.settings.retry_backoff * (2 ** (attempt - 1)), self.settings.retry_backoff_max)
            if deadline is not None and self._clock() + delay >= deadline:
                logger.info("MongoDB %s: batch time limit (MONGO_BATCH_TIMEOUT=%.0f s) reached: no more retries",
                            self.masked_uri, budget)
                outcome.remaining, outcome.error = [p.op for p in pending], error
                return outcome
            counts["retries"] += 1
            logger.info("MongoDB %s: %s; retry %d/%d in %.2f s", self.masked_uri,
                        self._short(error) if error else "retryable write errors", attempt, self.settings.retry_times, delay)
            self._sleep(delay)

    def _bounded_attempt(self, pending, counts: Counter, outcome: Outcome, deadline: float | None):
        """:meth:`_attempt` within what is left of the batch's time (``pymongo.timeout``:
        every server round trip of the attempt ends by the deadline)."""
        if deadline is None:
            return self._attempt(pending, counts, outcome)
        import pymongo

        left = deadline - self._clock()
        if left <= 0:
            from pymongo.errors import ExecutionTimeout

            return ExecutionTimeout("MONGO_BATCH_TIMEOUT reached"), False, True
        with pymongo.timeout(min(left, self._socket_timeout() or left)):
            return self._attempt(pending, counts, outcome)

    def _socket_timeout(self) -> float | None:
        """The client's ``socketTimeoutMS`` in seconds (``pymongo.timeout`` replaces it:
        an attempt keeps its own bound within the batch's)."""
        try:
            value = self.client.options.pool_options.socket_timeout
        except AttributeError:  # a client double
            return None
        return value if isinstance(value, (int, float)) and value > 0 else None

    def _attempt(self, pending: list[_Pending], counts: Counter, outcome: Outcome):
        """One pass over ``pending`` (mutated: done ops removed).  Returns
        ``(error, fatal, need_backoff)``."""
        need_backoff = False
        try:
            if not self.indexes_ready:
                self.ensure_indexes()
        except MongoConfigError as exc:
            return exc, True, False
        except PyMongoError as exc:
            return exc, not is_transient(exc), True
        for phase_primary in (True, False):
            if not phase_primary and any(p.op.primary for p in pending):
                break  # republished_by updates only once their targets are stored
            groups: dict[tuple[str, str], list[_Pending]] = {}
            for p in pending:
                if p.op.primary == phase_primary:
                    # by kind too, so each kind of link update ("republished", "alias") is counted apart
                    groups.setdefault((p.op.coll, p.op.kind if not phase_primary else ""), []).append(p)
            for (coll, kind), group in groups.items():
                try:
                    if self.revisions is not None and phase_primary and coll == "articles":
                        requests = self.revisions.requests_for(self.collection(coll), [p.op for p in group], counts)
                    else:
                        requests = [p.op.to_pymongo() for p in group]
                    result = self.collection(coll).bulk_write(requests, ordered=False)
                except BulkWriteError as exc:
                    details = exc.details or {}
                    wc_errors = details.get("writeConcernErrors") or []
                    labelled = any(label in (details.get("errorLabels") or ()) for label in TRANSIENT_LABELS)
                    errors = {e.get("index"): e for e in details.get("writeErrors") or []}
                    done = []
                    for i, p in enumerate(group):
                        err = errors.get(i)
                        if err is None:
                            if not wc_errors:
                                done.append(p)
                            continue
                        code = err.get("code")
                        detail = {"code": code, "errmsg": mask_uri(str(err.get("errmsg", "")))[:500]}
                        if code == DUPLICATE_KEY and not p.dup_retried:
                            p.dup_retried = True  # upsert race: the retry matches the winner's document
                        elif code in RETRYABLE_CODES or labelled or any(
                                label in (err.get("errorLabels") or ()) for label in TRANSIENT_LABELS):
                            need_backoff = True  # stays pending: retried, then kept in the spool
                        else:
                            outcome.rejected.append((p.op, "duplicate_key" if code == DUPLICATE_KEY else "write_error", detail))
                            done.append(p)
                    if wc_errors:
                        need_backoff = True
                        counts["write_concern_errors"] += 1
                        logger.info("MongoDB %s write concern error: %s", self.masked_uri, wc_errors[0].get("errmsg"))
                    else:
                        self._count(details, phase_primary, counts, n_ok=len(group) - len(errors), kind=kind)
                    _remove(pending, done)
                except MongoConfigError as exc:  # pragma: no cover - defensive
                    return exc, True, False
                except PyMongoError as exc:
                    return exc, not is_transient(exc), True
                except Exception as exc:  # noqa: BLE001 - a bug must not lose the batch
                    logger.exception("Unexpected error writing to MongoDB %s; batch kept in the spool", self.masked_uri)
                    return exc, True, False
                else:
                    self._count(result.bulk_api_result, phase_primary, counts, n_ok=len(group), kind=kind)
                    _remove(pending, group)
        return None, False, need_backoff

    @staticmethod
    def _count(result: dict, primary: bool, counts: Counter, n_ok: int, kind: str = "republished") -> None:
        upserted = result.get("nUpserted", 0)
        matched = result.get("nMatched", 0)
        modified = result.get("nModified", 0)
        if primary:
            counts["written"] += upserted
            counts["updated"] += modified
            counts["unchanged"] += matched - modified
        else:
            name = "aliases" if kind == "alias" else "republished"
            counts[f"{name}_linked"] += modified
            counts[f"{name}_known"] += matched - modified  # the URL was already listed: nothing lost
            counts[f"{name}_missing"] += max(0, n_ok - matched)


def _remove(pending: list[_Pending], done: list[_Pending]) -> None:
    ids = {id(p) for p in done}
    pending[:] = [p for p in pending if id(p) not in ids]
