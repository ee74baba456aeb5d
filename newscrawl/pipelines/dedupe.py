"""Dedupe pipeline: canonical URL, fingerprints, and the duplicate policy.

Runs after :class:`newscrawl.pipelines.normalize.ArabicNormalizationPipeline` (which
fills ``title_norm``/``lead_norm``/``body_norm``/``headline_norm``) and before the
MongoDB pipeline (which stores what this one puts on the item).

For every :class:`~newscrawl.items.ArticleItem` it sets

* ``canonical_url`` -- :func:`newscrawl.text.urls.canonicalize` of the spider's
  ``canonical_url`` (rel=canonical / og:url, see :func:`newscrawl.text.urls.pick_canonical`)
  or, when missing, of ``url``;
* ``content_hash`` -- :func:`newscrawl.dedupe.fingerprints.content_hash` of title and body keys;
* ``simhash`` (signed int64), ``simhash_bands`` (4 x 16 bits) and ``sh0``..``sh3`` --
  SimHash of the body keys (preceded by the lead when the body does not contain it);
  all ``None`` when the text has fewer than ``DEDUPE_NEAR_MIN_TOKENS`` content words;
* ``lsh_keys`` -- the MinHash LSH band keys of the same text
  (:func:`newscrawl.dedupe.fingerprints.shingle_profile`, list of signed int64, stored and
  indexed for later crawls); ``None`` under 20 tokens or with ``DEDUPE_SHINGLE_ENABLED``
  false;
* ``duplicate_of`` / ``duplicate_kind`` / ``duplicate_relation`` /
  ``duplicate_similarity`` -- see the policy.

Policy (checked against this crawl's items and, when MongoDB is enabled, the stored
articles of earlier crawls):

==========================================  ===========================================
found                                       action (stat ``newscrawl/dedupe/<name>``)
==========================================  ===========================================
same ``canonical_url``                      pass through; the storage upserts the same
                                            document (``url``)
same site, same content, another URL        ``alias_of`` = the stored copy (``same_site_exact``):
                                            the storage adds the URL to that document's
                                            ``aliases``; :class:`DropSameSiteCopiesPipeline`
                                            then drops the item
same site, SimHash within distance          the same (``same_site_near``)
same site, verified shingle ``copy``        the same (``same_site_shingle``)
same site, ``excerpt`` / ``extended``       kept and marked like a cross-site copy (a
                                            shorter or longer version is not the same
                                            story page) (``same_site_shingle``)
another site, same content                  kept, ``duplicate_of`` = first-seen URL,
                                            ``duplicate_kind="exact"`` (``exact_cross_site``)
another site, SimHash within distance       same with ``"near"`` (``near_cross_site``)
another site, verified shingle relation     same with ``"shingle"`` (``shingle_cross_site``)
ticker headline already seen this crawl     ``DropItem`` (``ticker_repeat``)
==========================================  ===========================================

Every marked item also gets ``duplicate_relation`` (``"copy"``; for ``"shingle"`` the
verified ``"copy"``, ``"excerpt"`` -- this item is a cut-down version of the first-seen
one -- or ``"extended"`` -- this item contains it whole) and ``duplicate_similarity``
(0..1: shingle Jaccard for a copy, containment for excerpt/extended; 1.0 for exact;
None for a SimHash ``near`` match); counted as ``newscrawl/dedupe/relation/<relation>``.

With ``DEDUPE_SAME_SITE = "keep"`` same-site copies are kept and marked like
cross-site ones (the stats still count them).  A dropped same-site copy still carries
its ``canonical_url``, ``duplicate_of`` and ``duplicate_kind`` (for ``item_dropped``
signal handlers, e.g. an incremental crawl remembering the URL as seen).

MongoDB lookups are blocking network calls: they run in a worker thread
(:func:`scrapy.utils.asyncio.run_in_thread`); the decision and the recording of the item
in the in-memory index happen back on the reactor thread, so two copies processed at the
same time cannot both pass as "first seen".  Before the first lookup (in the worker
thread) the pipeline asks the crawler's shared availability probe
(:func:`newscrawl.storage.client.probe_status`), so a server that is down at start
costs no second timeout here.  When MongoDB is unavailable (the probe, or any
``PyMongoError`` later) the pipeline logs ONE warning (masked URI), counts
``newscrawl/dedupe/mongo_unavailable`` and uses the in-memory index for the rest of
the crawl.  A configuration error (bad URI, ``w=0``, failed authentication:
:func:`newscrawl.storage.client.is_config_error`) is only logged at DEBUG here: the
storage pipeline reports it, once, and stops the crawl.

Settings: ``DEDUPE_ENABLED`` (True), ``DEDUPE_NEAR_DISTANCE`` (3),
``DEDUPE_SAME_SITE`` ("drop" | "keep"), ``DEDUPE_NEAR_MIN_TOKENS`` (20),
``DEDUPE_MAX_CANDIDATES`` (1000), ``DEDUPE_SHINGLE_ENABLED`` (True: the MinHash LSH
stage), ``DEDUPE_MAX_SHINGLE_CANDIDATES`` (128: stage-4 candidates verified per item,
those sharing the most LSH band keys with it, see
:data:`newscrawl.dedupe.index.DEFAULT_MAX_SHINGLE_CANDIDATES`; each item where the cap
cut candidates is counted as ``newscrawl/dedupe/shingle_candidates_capped``, the first
one logged at INFO), ``DEDUPE_COMMON_KEY_ENTRIES`` (50: an LSH key that many recorded
articles share is site boilerplate and not looked up, counted as
``newscrawl/dedupe/common_lsh_keys_skipped``; 0 = look every key up),
``DEDUPE_MEMORY_ENTRIES`` (2000; 0 = no bound), plus the ``MONGO_*``
settings of :mod:`newscrawl.storage.client`.

An item whose content hash and fingerprint text (same digest) are those of an item
already recorded in this crawl reuses that item's SimHash, LSH keys and shingles instead
of computing them (identical text, identical fingerprints).

Memory: with MongoDB as the index, the in-memory front keeps the newest
``DEDUPE_MEMORY_ENTRIES`` articles of this crawl (at least twice the items that can be on
their way to MongoDB, ``(MONGO_MAX_PENDING_BATCHES + 1) * MONGO_BATCH_SIZE``); older ones
are found in MongoDB, and each forgotten entry is counted (``newscrawl/dedupe/memory_evicted``).
So a 20,000-page crawl holds ~2,000 entries (~10 KB each with their shingles and LSH keys),
not 20,000.  Without MongoDB, or after it failed during the crawl, nothing is forgotten: the
in-memory index is then the only one, and grows with the crawl.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Literal

from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import run_in_thread

from newscrawl.text.arabic import match_key
from newscrawl.dedupe.index import (
    BAND_FIELDS,
    DEFAULT_COMMON_KEY_ENTRIES,
    DEFAULT_MAX_SHINGLE_CANDIDATES,
    LSH_FIELD,
    Match,
    MemoryDedupeIndex,
    MongoDedupeIndex,
)
from newscrawl.dedupe.fingerprints import (
    MIN_FEATURES,
    NEAR_DISTANCE,
    ShingleProfile,
    bands,
    content_hash,
    features,
    fingerprint_text,
    shingle_profile,
    simhash64_features,
    to_signed64,
)
from newscrawl.items import ArticleItem, TickerItem
from newscrawl.storage.client import MongoConfig, client_for, is_config_error, probe_status, redact
from newscrawl.text.urls import canonicalize, same_site

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/dedupe/"
SAME_SITE_POLICIES = ("drop", "keep")


class _MongoUnavailable(Exception):
    """The shared probe found MongoDB unavailable (``error``: why)."""

    def __init__(self, error: BaseException | None):
        super().__init__(repr(error))
        self.error = error


class DedupePipeline:
    """See the module docstring."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("DEDUPE_ENABLED", True):
            raise NotConfigured("DEDUPE_ENABLED is false")
        self.crawler = crawler
        self.stats = crawler.stats
        self.near_distance = settings.getint("DEDUPE_NEAR_DISTANCE", NEAR_DISTANCE)
        if not 0 <= self.near_distance <= 64:
            raise ValueError(f"DEDUPE_NEAR_DISTANCE must be 0..64, not {self.near_distance}")
        if self.near_distance > 3:
            logger.warning(
                "DEDUPE_NEAR_DISTANCE=%d: the 4-band index only guarantees finding copies within 3 bits; "
                "farther ones are found only when they happen to share a band",
                self.near_distance,
            )
        self.same_site = str(settings.get("DEDUPE_SAME_SITE", "drop")).lower()
        if self.same_site not in SAME_SITE_POLICIES:
            raise ValueError(f"DEDUPE_SAME_SITE must be one of {SAME_SITE_POLICIES}, not {self.same_site!r}")
        self.min_tokens = settings.getint("DEDUPE_NEAR_MIN_TOKENS", MIN_FEATURES)
        self.max_candidates = settings.getint("DEDUPE_MAX_CANDIDATES", 1000)
        self.shingle_enabled = settings.getbool("DEDUPE_SHINGLE_ENABLED", True)
        self.max_shingle_candidates = settings.getint("DEDUPE_MAX_SHINGLE_CANDIDATES", DEFAULT_MAX_SHINGLE_CANDIDATES)
        if self.max_shingle_candidates < 1:
            raise ValueError(f"DEDUPE_MAX_SHINGLE_CANDIDATES must be >= 1, not {self.max_shingle_candidates}")
        self._limits_logged: set[str] = set()  # stats of the limits already logged once
        self.common_key_entries = settings.getint("DEDUPE_COMMON_KEY_ENTRIES", DEFAULT_COMMON_KEY_ENTRIES)
        self.mongo_config = MongoConfig.from_settings(settings)
        # the in-memory front of the MongoDB index keeps the newest entries only: the older ones
        # are stored.  At most (MONGO_MAX_PENDING_BATCHES + 1) x MONGO_BATCH_SIZE items are on
        # their way to MongoDB at any moment, so the bound is kept at twice that or more.
        in_flight = (settings.getint("MONGO_MAX_PENDING_BATCHES", 8) + 1) * settings.getint("MONGO_BATCH_SIZE", 100)
        limit = settings.getint("DEDUPE_MEMORY_ENTRIES", 2000)
        if 0 < limit < 2 * in_flight:
            logger.warning("DEDUPE_MEMORY_ENTRIES=%d is under twice the items in flight to MongoDB (%d): using %d",
                           limit, in_flight, 2 * in_flight)
            limit = 2 * in_flight
        self.memory_entries = max(0, limit)
        self.index: MemoryDedupeIndex | MongoDedupeIndex | None = None
        self.mongo_ok = False
        self._tickers: set[tuple[str, str]] = set()
        self._mongo_reported = False
        self._probed = False  # the shared probe answered once (set in a worker thread)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # -- lifecycle ----------------------------------------------------------------------
    def open_spider(self, spider=None) -> None:
        memory = MemoryDedupeIndex(self.near_distance, max_shingle_candidates=self.max_shingle_candidates,
                                   common_key_entries=self.common_key_entries)
        self.index = memory
        self.mongo_ok = False
        try:
            client = client_for(self.crawler)
        except Exception as exc:  # noqa: BLE001 - bad URI, w=0...: the storage pipeline reports it
            self._mongo_failed(exc)
            return
        if client is None:
            logger.info("Dedupe: MongoDB disabled, in-memory index only (this crawl)")
            return
        collection = client[self.mongo_config.database][self.mongo_config.articles]
        self.index = MongoDedupeIndex(collection, max_candidates=self.max_candidates, memory=memory)
        self.mongo_ok = True

    def close_spider(self, spider=None) -> None:
        if self.index is not None:
            self.stats.set_value(STATS_PREFIX + "recorded", len(self.index))

    # -- items -----------------------------------------------------------------------------
    async def process_item(self, item, spider=None):
        if self.index is None:  # used without open_spider (e.g. a bare test)
            self.open_spider()
        if isinstance(item, TickerItem):
            return self._ticker(item)
        if not isinstance(item, ArticleItem):
            return item
        done = self._fingerprint(item)
        if done is False:
            return item
        profile, text_key = done
        remote = []
        if self.mongo_ok:
            # on this (the recording) thread: the memory index is not read from the worker
            common = self.index.memory.common_keys(item.get(LSH_FIELD) or ())
            try:
                remote = await run_in_thread(self._fetch, item, common)
            except PyMongoError as exc:
                self._mongo_failed(exc)
            except _MongoUnavailable as exc:
                self._mongo_failed(exc.error)
        capped = self.index.shingle_candidates_capped
        skipped = self.index.common_keys_skipped
        match = self.index.decide(item, remote, profile)
        if self.index.shingle_candidates_capped > capped:
            self._capped(item)
        if self.index.common_keys_skipped > skipped:
            self._common_keys(item)
        item = self._apply(item, match, profile, text_key)
        if self.mongo_ok and self.memory_entries and len(self.index) > self.memory_entries:
            self.stats.inc_value(STATS_PREFIX + "memory_evicted", self.index.memory.evict_oldest(self.memory_entries))
        return item

    def _limited(self, item, stat: str, why: str, *args) -> None:
        """Count an item a dedupe limit applied to (``newscrawl/dedupe/<stat>``); the first one
        of each kind is logged at INFO with ``why`` (``%``-formatted with ``args``)."""
        self.stats.inc_value(STATS_PREFIX + stat)
        if stat not in self._limits_logged:
            self._limits_logged.add(stat)
            logger.info("Dedupe: %s " + why + ". Items where this happens are counted in %s",
                        item.get("canonical_url"), *args, STATS_PREFIX + stat)

    def _capped(self, item) -> None:
        self._limited(item, "shingle_candidates_capped",
                      "has more than %d shingle candidates (DEDUPE_MAX_SHINGLE_CANDIDATES); those sharing the most "
                      "LSH band keys with it were verified, the others not", self.max_shingle_candidates)

    def _common_keys(self, item) -> None:
        self._limited(item, "common_lsh_keys_skipped",
                      "carries a window of text that %d or more recorded articles share (DEDUPE_COMMON_KEY_ENTRIES: "
                      "site boilerplate, such as one description on every page); its LSH keys are not looked up",
                      self.common_key_entries)

    def _fetch(self, item, skip_keys=frozenset()):
        """Worker thread: the stored candidates for ``item``; the first lookups ask
        the shared probe first (no second timeout when MongoDB is down)."""
        if not self._probed:
            status = probe_status(self.crawler)
            if not status.available:
                raise _MongoUnavailable(status.error)
            self._probed = True
        return self.index.fetch(item, skip_keys)

    def _fingerprint(self, item) -> tuple[ShingleProfile | None, bytes] | Literal[False]:
        """Set the dedupe fields on ``item``; ``False`` when it has no URL at all, else
        ``(profile, text_key)``: the shingle profile of its text (``None`` when the
        shingle stage is off) and the 16-byte blake2b digest of that text."""
        raw = item.get("canonical_url") or item.get("url")
        if not raw:
            self.stats.inc_value(STATS_PREFIX + "no_url")
            logger.warning("Dedupe: article without url/canonical_url passed through unchecked: %r", item.get("title"))
            return False
        try:
            item["canonical_url"] = canonicalize(raw)
        except ValueError:
            item["canonical_url"] = raw  # relative/odd URL: keep it as the key, verbatim
        title = item.get("title_norm")
        if title is None:
            title = match_key(item.get("title") or "")
        body = item.get("body_norm")
        if body is None:
            body = "\n".join(k for k in (match_key(p) for p in item.get("body") or []) if k)
        item["content_hash"] = content_hash(title, body)
        text = fingerprint_text(item)
        text_key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        same = self.index.reusable(item["content_hash"], text_key)
        if same is not None:
            return self._reuse(item, same), text_key
        feats = features(text)
        if len(feats) >= max(1, self.min_tokens):
            fp = simhash64_features(feats)
            item["simhash"] = to_signed64(fp)
            item["simhash_bands"] = list(bands(fp))
            for name, b in zip(BAND_FIELDS, item["simhash_bands"]):
                item[name] = b
        else:
            item["simhash"] = None
            item["simhash_bands"] = None
            for name in BAND_FIELDS:
                item[name] = None
        profile = shingle_profile(text) if self.shingle_enabled else None
        item[LSH_FIELD] = profile.keys if profile is not None and profile.keys else None
        return profile, text_key

    def _reuse(self, item, entry) -> ShingleProfile | None:
        """Set the fingerprint fields of ``item`` from ``entry``, an item recorded in
        this crawl with the same fingerprint text (:meth:`MemoryDedupeIndex.reusable`),
        and return its shingle profile: what :meth:`_fingerprint` would compute."""
        self.stats.inc_value(STATS_PREFIX + "fingerprints_reused")
        fp = entry.simhash
        item["simhash"] = None if fp is None else to_signed64(fp)
        item["simhash_bands"] = None if fp is None else list(bands(fp))
        for name, b in zip(BAND_FIELDS, item["simhash_bands"] or (None,) * len(BAND_FIELDS)):
            item[name] = b
        if not self.shingle_enabled:
            item[LSH_FIELD] = None
            return None
        if entry.lsh_keys is None or entry.tokens is None:  # under MIN_SHINGLE_TOKENS: cheap to compute
            profile = shingle_profile(fingerprint_text(item))
        else:
            profile = ShingleProfile(entry.shingles, entry.lsh_keys.tolist(), entry.tokens)
        item[LSH_FIELD] = profile.keys or None
        return profile

    def _apply(self, item, match: Match | None, profile: ShingleProfile | None = None, text_key: bytes | None = None):
        url = item["canonical_url"]
        if match is None:
            item["duplicate_of"] = None
            item["duplicate_kind"] = None
            item["duplicate_relation"] = None
            item["duplicate_similarity"] = None
            self.index.record(item, profile, text_key=text_key)
            return item
        if match.kind == "url":
            self.stats.inc_value(STATS_PREFIX + "url")
            # keep what the stored copy knew: the storage $set must not erase it
            item["duplicate_of"] = match.entry.duplicate_of if match.entry.duplicate_of != url else None
            item["duplicate_kind"] = match.entry.duplicate_kind if item["duplicate_of"] else None
            item["duplicate_relation"] = (match.entry.duplicate_relation or "copy") if item["duplicate_of"] else None
            item["duplicate_similarity"] = None
            self.index.record(item, profile, text_key=text_key)
            return item
        site = item.get("site")
        first = match.first_seen_url
        same = (site is not None and match.site == site) or same_site(first, url)
        item["duplicate_relation"] = match.relation
        item["duplicate_similarity"] = None if match.similarity is None else round(match.similarity, 4)
        if same:
            stat = f"same_site_{match.kind}"
            self.stats.inc_value(STATS_PREFIX + stat)
            if self.same_site == "drop" and match.relation == "copy":
                item["duplicate_of"] = first
                item["duplicate_kind"] = match.kind
                logger.info(
                    "Dedupe: %s: %s is a same-site %s copy of %s (distance %d, %s)",
                    stat, url, match.kind, match.canonical_url, match.distance, match.source,
                )
                # not dropped here: the storage adds the URL to the stored story's ``aliases``
                # (so incremental crawls never fetch it again), then DropSameSiteCopiesPipeline
                # drops it, so each story reaches the feed once
                item["alias_of"] = match.canonical_url
                return item
        else:
            self.stats.inc_value(STATS_PREFIX + f"{match.kind}_cross_site")
        item["duplicate_of"] = first if first != url else None
        item["duplicate_kind"] = match.kind if item["duplicate_of"] else None
        if item["duplicate_of"]:
            self.stats.inc_value(STATS_PREFIX + f"relation/{match.relation}")
        else:
            item["duplicate_relation"] = item["duplicate_similarity"] = None
        logger.debug("Dedupe: %s is a %s %s of %s (distance %d, similarity %s)",
                     url, match.kind, match.relation, first, match.distance, match.similarity)
        self.index.record(item, profile, text_key=text_key)
        return item

    def _ticker(self, item):
        site = item.get("site") or ""
        key = item.get("headline_norm")
        if key is None:  # normalization pipeline not run: the storage needs the key too
            key = item["headline_norm"] = match_key(item.get("headline") or "")
        if not key:
            return item
        if (site, key) in self._tickers:
            self.stats.inc_value(STATS_PREFIX + "ticker_repeat")
            raise DropItem(f"ticker headline already seen in this crawl ({site}): {item.get('headline')!r}")
        self._tickers.add((site, key))
        return item

    def _mongo_failed(self, exc: BaseException) -> None:
        """Switch to the in-memory index for the rest of the crawl; report once."""
        self.mongo_ok = False
        if isinstance(self.index, MongoDedupeIndex):
            self.index = self.index.memory
        if self._mongo_reported:
            return
        self._mongo_reported = True
        self.stats.inc_value(STATS_PREFIX + "mongo_unavailable")
        message = redact(str(exc), self.mongo_config.uri)
        if is_config_error(exc):  # the storage pipeline reports it (ERROR) and stops the crawl
            logger.debug("Dedupe: MongoDB at %s not usable as configured (%s: %s); in-memory index for this crawl",
                         self.mongo_config.masked_uri, type(exc).__name__, message[:300])
            return
        logger.warning(  # routine downtime, not a configuration error: the crawl goes on
            "Dedupe: MongoDB at %s unavailable (%s: %s); using the in-memory index for the rest of this crawl "
            "(copies of articles stored by earlier crawls are not detected)",
            self.mongo_config.masked_uri, type(exc).__name__, message[:300],
        )


class DropSameSiteCopiesPipeline:
    """Drops same-site copies (items with ``alias_of``) once the storage pipeline has
    recorded their URL as an alias, so each story reaches the feed once.

    Runs after :class:`newscrawl.pipelines.mongo.MongoPipeline` (``ITEM_PIPELINES``
    order 400).  The dropped item still carries ``canonical_url``, ``alias_of``,
    ``duplicate_of`` and ``duplicate_kind`` for ``item_dropped`` handlers (the
    incremental crawl records its URL).  Counted as ``newscrawl/dedupe/same_site_*``.
    """

    def process_item(self, item, spider=None):
        alias_of = item.get("alias_of") if isinstance(item, ArticleItem) else None
        if alias_of:
            raise DropItem(f"same-site {item.get('duplicate_kind')} duplicate: {item.get('canonical_url')} of {alias_of}")
        return item
