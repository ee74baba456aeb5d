"""The dedupe index: "have we already got this article?"  Storage-agnostic.

Two implementations with one interface:

* :class:`MemoryDedupeIndex` -- dicts; what this crawl has recorded.
* :class:`MongoDedupeIndex` -- a :class:`MemoryDedupeIndex` in front of the MongoDB
  articles collection.  MongoDB is **read-only** here: :meth:`~MongoDedupeIndex.record`
  writes to the memory index only, because the storage pipeline writes the documents
  (with the ``canonical_url``/``content_hash``/``simhash``/``sh0``-``sh3``/``duplicate_of``
  fields the dedupe pipeline puts on the item) and may not have flushed them yet.

Interface (both classes)::

    lookup(item)  -> Match | None      # blocking for Mongo: network I/O
    record(item)  -> None              # memory only, O(1)
    fetch(item)   -> list[Entry]       # Mongo only: the network part of lookup, thread-safe
    decide(item, remote) -> Match | None   # memory part + choice, no I/O

``lookup(item) == decide(item, fetch(item))``.  The pipeline runs ``fetch`` in a worker
thread and ``decide`` + ``record`` on the reactor thread, so deciding and recording an
item is atomic with respect to other items of the same crawl.

``item`` is anything with ``.get()`` (a Scrapy item or dict) carrying ``canonical_url``,
``site``, ``content_hash``, ``simhash`` (signed int64 or None), ``lsh_keys`` (list of
signed int64 or None; its text in ``body_norm``/``lead_norm``) and optionally
``duplicate_of`` / ``duplicate_kind`` / ``duplicate_relation``.  ``decide``/``lookup``/
``record`` take an optional ``profile`` (:class:`~newscrawl.dedupe.fingerprints.ShingleProfile`
of the item's text) so the shingles are not computed twice.

Matching, in order (first stage with a candidate wins):

1. ``url``   -- same ``canonical_url``.
2. ``exact`` -- same ``content_hash``.
3. ``near``  -- a stored fingerprint that shares one of the four 16-bit bands
   (``sh0``..``sh3``, an indexed equality query) and is within ``near_distance`` bits
   (exact Hamming check).  Manku, Jain, Das Sarma, WWW 2007: with 4 bands every pair
   within 3 bits shares a band, so this finds all of them without scanning.
4. ``shingle`` -- a stored article sharing one of the item's MinHash LSH band keys
   (``lsh_keys``, one multikey index, an ``$in`` query), verified on the real word
   3-shingles of both texts by :func:`newscrawl.dedupe.fingerprints.shingle_relation`: a
   ``copy``, an ``excerpt`` (the new text is a cut-down copy) or ``extended`` (the new
   text contains the stored one).  Finds short items (no SimHash under 20 content
   words) and partial edits SimHash misses (a dateline, a weekday, a cut sentence, an
   inserted ad or «اقرأ أيضاً» line, ~5% of the words changed).

Every match carries a ``relation``: ``copy`` for stages 1-3, the verified one for 4.

Within a stage, a candidate from the item's own ``site`` is preferred (so a same-site
copy is recognised even when another site's copy exists), then the smallest distance
(stage 4: a ``copy`` before the partial relations, then the highest similarity), then the
first recorded.  A match reports the first-seen article as
``Match.first_seen_url`` (the candidate's own ``duplicate_of`` if it is itself a copy).
"""

from __future__ import annotations

import itertools
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
from pymongo import ASCENDING, IndexModel

from newscrawl.dedupe.fingerprints import (
    NEAR_DISTANCE,
    ShingleProfile,
    bands,
    fingerprint_text,
    from_signed64,
    relation_of_counts,
    shingle_hashes,
)

__all__ = [
    "BAND_FIELDS",
    "LSH_FIELD",
    "DEDUPE_INDEXES",
    "DEFAULT_MAX_SHINGLE_CANDIDATES",
    "Entry",
    "Fetched",
    "Match",
    "MemoryDedupeIndex",
    "MongoDedupeIndex",
]

BAND_FIELDS = ("sh0", "sh1", "sh2", "sh3")
"""Item / document fields holding the four 16-bit SimHash bands, high bits first."""

LSH_FIELD = "lsh_keys"
"""Item / document field holding the MinHash LSH band keys (list of signed int64)."""

DEDUPE_INDEXES = [
    IndexModel([("canonical_url", ASCENDING)], unique=True),
    IndexModel([("content_hash", ASCENDING)]),
    *(IndexModel([(f, ASCENDING)]) for f in BAND_FIELDS),
    IndexModel([(LSH_FIELD, ASCENDING)]),
]
"""Indexes the articles collection needs for :class:`MongoDedupeIndex` lookups (default
MongoDB index names): ``canonical_url`` unique, ``content_hash``, ``sh0``..``sh3``,
``lsh_keys`` (multikey: one index entry per band key)."""

_PROJECTION = {
    "_id": 0,
    "canonical_url": 1,
    "site": 1,
    "content_hash": 1,
    "simhash": 1,
    "duplicate_of": 1,
    "duplicate_kind": 1,
    "duplicate_relation": 1,
}
_LSH_PROJECTION = {**_PROJECTION, "body_norm": 1, "lead_norm": 1, LSH_FIELD: 1}

DEFAULT_COMMON_KEY_ENTRIES = 50
"""An LSH band key shared by this many recorded entries is not looked up
(``DEDUPE_COMMON_KEY_ENTRIES``, :meth:`MemoryDedupeIndex.common_keys`): a window of text that
many articles carry is a site's boilerplate, not a story.  The price: a story that more than
50 of the last ``DEDUPE_MEMORY_ENTRIES`` articles copied whole is linked by stage 4 only
through its other windows (its exact and near copies are found by stages 2-3 anyway)."""

DEFAULT_MAX_SHINGLE_CANDIDATES = 128
"""Stage-4 candidates verified per item (``DEDUPE_MAX_SHINGLE_CANDIDATES``): half of them
those sharing the most LSH band keys with the item, the other half those sharing the
largest part of the shorter text's keys (:func:`_top`, :func:`_share`).  A copy, excerpt
or extended copy shares the band keys of every window it has in common with the item (at
Jaccard >= 0.7 a window shares each of its 16 band keys with probability >= 0.34 and at
least one with 0.9999), while a story that only repeats a sentence or two shares a key
of one window now and then, so the links the cap can lose are those found through one
or two keys.  Why 128: ``benchmarks/bench_dedupe.py --pipeline`` (400 stories
recombining shared real paragraphs: 52 candidates per stage-4 item, up to 174, growing
with the crawl) keeps 400/400 decisions of the uncapped index at 128 (12 items capped),
395/400 at 64, 381/400 at 32; a verification costs ~6 us, so 128 bound the stage at
~0.8 ms per item whatever the size of the crawl."""

_MASK64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored article as the index sees it.  ``simhash`` is unsigned (or None);
    ``shingles``: sorted unique 32-bit shingle hashes when the article has LSH keys
    (needed to verify a stage-4 candidate), else None."""

    canonical_url: str
    site: str | None = None
    content_hash: str | None = None
    simhash: int | None = None
    duplicate_of: str | None = None
    duplicate_kind: str | None = None
    seq: int = 0  # recording order (memory) / result order (Mongo), for ties
    duplicate_relation: str | None = None
    shingles: array | None = field(default=None, compare=False, repr=False)
    # LSH band keys (array('q'), ~1 KB for an article's 128 keys): the number a candidate
    # shares with an item ranks it for verification; a memory entry also lends them,
    # with its shingles and token count, to a later item with the same text
    lsh_keys: array | None = field(default=None, compare=False, repr=False)
    tokens: int | None = field(default=None, compare=False, repr=False)
    # 16-byte blake2b digest of the fingerprint text (set by the dedupe pipeline): an
    # item with the same digest has the same text, so the same fingerprints
    text_key: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def first_seen_url(self) -> str:
        return self.duplicate_of or self.canonical_url

    @classmethod
    def from_item(cls, item: Any, seq: int = 0, shingles: array | None = None, *,
                  profile: ShingleProfile | None = None, text_key: bytes | None = None) -> "Entry":
        fp = item.get("simhash")
        return cls._of(item, seq, shingles, None if fp is None else fp & _MASK64,
                       tokens=profile.tokens if profile is not None else None, text_key=text_key)

    @classmethod
    def from_document(cls, doc: dict, seq: int = 0, shingles: array | None = None) -> "Entry":
        """From a stored document: its ``simhash`` must be a signed int64 (``ValueError`` otherwise)."""
        fp = doc.get("simhash")
        return cls._of(doc, seq, shingles, None if fp is None else from_signed64(int(fp)))

    @classmethod
    def _of(cls, source, seq: int, shingles: array | None, simhash: int | None, **extra) -> "Entry":
        keys = source.get(LSH_FIELD)
        return cls(
            canonical_url=source.get("canonical_url"),
            site=source.get("site"),
            content_hash=source.get("content_hash"),
            simhash=simhash,
            duplicate_of=source.get("duplicate_of"),
            duplicate_kind=source.get("duplicate_kind"),
            seq=seq,
            duplicate_relation=source.get("duplicate_relation"),
            shingles=shingles,
            lsh_keys=array("q", keys) if keys and shingles is not None else None,
            **extra,
        )


class Fetched(list):
    """What :meth:`MongoDedupeIndex.fetch` returns: a ``list`` of :class:`Entry`, plus
    ``shingle_cut``, the number of stage-4 documents it left unverified (beyond
    ``max_shingle_candidates``, those sharing the fewest band keys with the item)."""

    shingle_cut: int = 0


@dataclass(frozen=True)
class Match:
    """Result of a lookup.

    ``kind``: ``"url"``, ``"exact"``, ``"near"`` or ``"shingle"``; ``entry``: the stored
    article that matched; ``distance``: Hamming distance in bits (0 for url/exact/
    shingle); ``source``: ``"memory"`` or ``"mongo"``; ``relation``: ``"copy"``,
    ``"excerpt"`` (the item is a cut-down copy of the entry) or ``"extended"`` (the item
    contains the entry); ``similarity``: 0..1, the verified shingle Jaccard (copy) or
    containment of the smaller text (excerpt/extended), 1.0 for url/exact, None for near.
    """

    kind: str
    entry: Entry
    distance: int = 0
    source: str = "memory"
    relation: str = "copy"
    similarity: float | None = None

    @property
    def canonical_url(self) -> str:
        return self.entry.canonical_url

    @property
    def site(self) -> str | None:
        return self.entry.site

    @property
    def first_seen_url(self) -> str:
        return self.entry.first_seen_url


def _probe_bands(item: Any) -> tuple[int, int, int, int] | None:
    fp = item.get("simhash")
    return None if fp is None else bands(fp & _MASK64)


def _choose(item: Any, kind: str, scored: Iterable[tuple[Entry, int, str]]) -> Match | None:
    site = item.get("site")
    best = min(scored, key=lambda c: (c[0].site != site, c[1], c[2] != "memory", c[0].seq), default=None)
    if best is None:
        return None
    return Match(kind, best[0], best[1], best[2], "copy", None if kind == "near" else 1.0)


def _choose_shingle(item: Any, scored: Iterable[tuple[Entry, tuple[str, float], str]]) -> Match | None:
    site = item.get("site")
    best = min(
        scored,
        key=lambda c: (c[0].site != site, c[1][0] != "copy", -c[1][1], c[2] != "memory", c[0].seq),
        default=None,
    )
    return None if best is None else Match("shingle", best[0], 0, best[2], best[1][0], best[1][1])


def _item_shingles(item: Any, profile: ShingleProfile | None) -> array:
    return profile.shingles if profile is not None else shingle_hashes(fingerprint_text(item))


class _Top(list):
    cut = 0


def _top(ranked: list[tuple], cap: int) -> "_Top":
    """The ``cap`` candidates to verify out of ``ranked`` (tuples ``(-shared keys, source,
    order, -share, ...)``): the first half of the cap (rounded up) by the number of band
    keys shared (a long copy of the item), the rest by :func:`_share` (a short stored item
    contained whole in the item, or the long story containing a short item).  ``.cut``:
    how many were left out."""
    out = _Top()
    if len(ranked) <= cap:
        out.extend(sorted(ranked, key=lambda c: c[:3]))
        return out
    ranked.sort(key=lambda c: c[:3])
    head = (cap + 1) // 2
    out.extend(ranked[:head])
    out.extend(sorted(ranked[head:], key=lambda c: (c[3], *c[:3]))[: cap - head])
    out.cut = len(ranked) - cap
    return out


def _share(shared: int, mine: int, theirs) -> float:
    """Rank of a stage-4 candidate: the band keys it shares with the item over the key
    count of the shorter of the two (1.0: every key of the shorter text is shared, as for
    a short item contained whole in a long story, whichever of the two is stored)."""
    return shared / max(1, min(mine, len(theirs) if theirs is not None else mine))


def _sorted_unique_array(shingles) -> array:
    """``shingles`` itself when it is a sorted unique ``array('I')`` (as
    :class:`ShingleProfile` and :func:`shingle_hashes` make them), else such a copy."""
    if isinstance(shingles, array) and shingles.typecode == "I":
        a = np.frombuffer(shingles, dtype=np.uint32)
        if len(a) < 2 or bool((a[1:] > a[:-1]).all()):
            return shingles
    return array("I", np.unique(np.fromiter(shingles, dtype=np.uint32)).tobytes())


def _as_sorted_unique(shingles) -> np.ndarray:
    """``uint32`` numpy array of sorted unique shingle hashes (a view when ``shingles``
    is already a sorted unique ``array('I')``, as :class:`ShingleProfile` keeps them)."""
    if isinstance(shingles, array) and shingles.typecode == "I":
        a = np.frombuffer(shingles, dtype=np.uint32)
        if len(a) < 2 or bool((a[1:] > a[:-1]).all()):
            return a
        return np.unique(a)
    return np.unique(np.fromiter(shingles, dtype=np.uint32))


_MAX_RUN = 64
_RUN_STEPS = np.arange(_MAX_RUN, dtype=np.int64)


class _KeyTable:
    """LSH band key -> canonical URLs, compact: a sorted ``int64`` numpy array of keys
    with the aligned ``int32`` ids of their URLs, plus a dict of the keys added since the
    last merge.  The dict is merged in when it holds more than ``max(65536, n / 8)``
    keys (``n``: keys in the array), by one ``searchsorted`` + ``insert`` (linear in
    ``n``, so O(1) amortised per key).  About 12 bytes per stored key instead of ~100
    for a dict of lists: 100k articles x 128 keys fit in ~160 MB.  The sorted array is
    bucketed by the top ``bits`` bits of the key (``bits = log2(n) - 3``: ~8 keys per
    bucket, an ``int64`` offsets table of ``2**bits + 1``), so a lookup reads one offset
    pair and one short run per probe key -- two or three cache misses, whatever ``n``
    (a plain binary search over 12M keys costs ~14 misses per key).  Runs longer than
    :data:`_MAX_RUN` (a band key shared by very many articles) fall back to
    ``searchsorted``.  Removed URLs are tombstoned and dropped at the next merge."""

    def __init__(self):
        self._keys = np.empty(0, dtype=np.int64)
        self._ids = np.empty(0, dtype=np.int32)
        self._bits = 0
        self._offsets = np.zeros(2, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}
        self._recent_n = 0
        self._id_of: dict[str, int] = {}
        self._url_of: list[str | None] = []

    def add(self, url: str, keys: Iterable[int]) -> None:
        self.remove(url)
        uid = len(self._url_of)
        self._url_of.append(url)
        self._id_of[url] = uid
        for key in keys:
            bucket = self._recent.get(key)
            if bucket is None:
                self._recent[key] = [uid]
            else:
                bucket.append(uid)
            self._recent_n += 1
        if self._recent_n > max(65536, len(self._keys) // 8):
            self._merge()

    def remove(self, url: str) -> None:
        uid = self._id_of.pop(url, None)
        if uid is not None:
            self._url_of[uid] = None  # tombstone

    def _merge(self) -> None:
        live = [(k, i) for k, ids in self._recent.items() for i in ids if self._url_of[i] is not None]
        new_keys = np.fromiter((k for k, _ in live), dtype=np.int64, count=len(live))
        new_ids = np.fromiter((i for _, i in live), dtype=np.int32, count=len(live))
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_ids = new_keys[order], new_ids[order]
        alive = np.fromiter((u is not None for u in self._url_of), dtype=bool, count=len(self._url_of))
        keep = alive[self._ids]
        keys, ids = self._keys[keep], self._ids[keep]
        pos = np.searchsorted(keys, new_keys, side="right")
        self._keys = np.insert(keys, pos, new_keys)
        self._ids = np.insert(ids, pos, new_ids)
        self._recent, self._recent_n = {}, 0
        self._bits = max(1, int(len(self._keys)).bit_length() - 3)
        buckets = self._bucket(self._keys)
        self._offsets = np.zeros((1 << self._bits) + 1, dtype=np.int64)
        np.cumsum(np.bincount(buckets, minlength=1 << self._bits), out=self._offsets[1:])

    def _bucket(self, keys: np.ndarray) -> np.ndarray:
        """Top ``_bits`` bits of the keys in unsigned order (sign bit flipped)."""
        unsigned = keys.view(np.uint64) ^ np.uint64(1 << 63)
        return (unsigned >> np.uint64(64 - self._bits)).astype(np.int64)

    def find(self, keys: Iterable[int]) -> set[str]:
        """URLs sharing at least one of ``keys``."""
        return set(self.shared(keys))

    def frequency(self, keys: Iterable[int]) -> dict[int, int]:
        """``{key: entries recorded with it}`` for each distinct key (0 when none).  Entries
        forgotten since the last merge still count: an upper bound, exact after a merge."""
        keys = list(set(keys))
        out = {k: len(self._recent.get(k, ())) for k in keys}
        if len(self._keys) and keys:
            probe = np.fromiter(keys, dtype=np.int64, count=len(keys))
            n = np.searchsorted(self._keys, probe, side="right") - np.searchsorted(self._keys, probe, side="left")
            for k, c in zip(keys, n.tolist()):
                out[k] += c
        return out

    def shared(self, keys: Iterable[int]) -> dict[str, int]:
        """``{url: how many of keys (distinct) it has}`` for the URLs having at least one."""
        keys = list(set(keys))
        counts: dict[int, int] = {}
        for key in keys:
            bucket = self._recent.get(key)
            if bucket:
                for uid in bucket:
                    counts[uid] = counts.get(uid, 0) + 1
        if len(self._keys) and keys:
            probe = np.fromiter(keys, dtype=np.int64, count=len(keys))
            b = self._bucket(probe)
            lo, hi = self._offsets[b], self._offsets[b + 1]
            run = int((hi - lo).max())
            if run <= _MAX_RUN:
                pos = lo[:, None] + _RUN_STEPS[None, :run]
                inside = pos < hi[:, None]
                pos = np.where(inside, pos, 0)
                hits = pos[inside & (self._keys[pos] == probe[:, None])]
                ids = self._ids[hits]
            else:
                lo = np.searchsorted(self._keys, probe, side="left")
                hi = np.searchsorted(self._keys, probe, side="right")
                ids = np.concatenate([self._ids[a:z] for a, z in zip(lo.tolist(), hi.tolist())])
            if len(ids):
                uids, n = np.unique(ids, return_counts=True)
                for uid, c in zip(uids.tolist(), n.tolist()):
                    counts[uid] = counts.get(uid, 0) + c
        url_of = self._url_of
        return {url_of[uid]: c for uid, c in counts.items() if url_of[uid] is not None}


class MemoryDedupeIndex:
    """In-memory index: dicts by canonical URL and content hash, and per band a table
    of 65536 slots (one per band value) holding the packed fingerprints of that slot.

    ``lookup``/``record`` cost O(1) plus the number of entries sharing a band with the
    item (about ``4 * n / 65536`` for ``n`` stored random fingerprints, i.e. 6 at 100k),
    each checked by one XOR + popcount (``benchmarks/bench_dedupe.py``: ~9-14 us per
    item, 1.3-1.4x from 1k to 100k stored).  Memory: 4 MiB of slot tables plus about
    0.75 KB per article; an article with LSH keys adds its shingles (~1.5 KB), its keys
    in the key table (12 bytes each) and on its entry (8 bytes each: ~0.8 KB for the
    ~100 keys of a news story; kept to rank candidates and to lend them to an identical
    text, :meth:`reusable`).  Not thread-safe: use it from one thread.
    """

    def __init__(self, near_distance: int = NEAR_DISTANCE, *,
                 max_shingle_candidates: int = DEFAULT_MAX_SHINGLE_CANDIDATES,
                 common_key_entries: int = DEFAULT_COMMON_KEY_ENTRIES):
        if not 0 <= near_distance <= 64:
            raise ValueError(f"near_distance must be 0..64, not {near_distance}")
        if max_shingle_candidates < 1:
            raise ValueError(f"max_shingle_candidates must be >= 1, not {max_shingle_candidates}")
        self.near_distance = near_distance
        self.max_shingle_candidates = max_shingle_candidates
        self.shingle_candidates_capped = 0  # items whose stage-4 candidates were cut
        self.common_key_entries = common_key_entries
        self.common_keys_skipped = 0  # items some of whose LSH keys were too common to look up
        self._by_url: dict[str, Entry] = {}
        self._by_hash: dict[str, list[str]] = {}  # content hash -> canonical URLs
        # per band: two 65536-slot lists indexed by the band value (a direct index, no
        # hashing): the fingerprints sharing that band value as a packed array('Q'), and
        # their canonical URLs in the same order.  A lookup reads the packed ints only
        # (no Python object per stored fingerprint is touched), so the cost per item
        # does not grow with memory latency as the index grows.  4 x 1 MiB of slots.
        self._band_fps: tuple[list[array | None], ...] = tuple([None] * 65536 for _ in range(4))
        self._band_urls: tuple[list[list[str] | None], ...] = tuple([None] * 65536 for _ in range(4))
        self._lsh = _KeyTable()  # LSH band key -> canonical URLs
        self._seq = itertools.count(1)

    def __len__(self) -> int:
        return len(self._by_url)

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self._by_url

    # -- recording -----------------------------------------------------------------
    def record(self, item: Any, profile: ShingleProfile | None = None, *, text_key: bytes | None = None) -> Entry:
        """Add (or replace, same ``canonical_url``) the item's entry.  ``text_key``: the
        digest of the item's fingerprint text, when its fingerprints (``simhash``,
        ``lsh_keys``, ``profile``) were computed from that text and may be lent to a
        later item with the same text (:meth:`reusable`).  Raises ``ValueError`` when
        the item has no ``canonical_url``."""
        keys = item.get(LSH_FIELD) or ()
        shingles = _sorted_unique_array(_item_shingles(item, profile)) if keys else None
        entry = Entry.from_item(item, next(self._seq), shingles, profile=profile, text_key=text_key)
        if not entry.canonical_url:
            raise ValueError("cannot record an item without canonical_url")
        self._remove(entry.canonical_url)
        url = entry.canonical_url
        self._by_url[url] = entry
        if keys:
            self._lsh.add(url, keys)
        if entry.content_hash:
            urls = self._by_hash.get(entry.content_hash)
            if urls is None:
                self._by_hash[entry.content_hash] = [url]
            else:
                urls.append(url)
        if entry.simhash is not None:
            for fps, urls, b in zip(self._band_fps, self._band_urls, bands(entry.simhash)):
                if fps[b] is None:
                    fps[b] = array("Q", (entry.simhash,))
                    urls[b] = [url]
                else:
                    fps[b].append(entry.simhash)
                    urls[b].append(url)
        return entry

    def _remove(self, url: str) -> None:
        old = self._by_url.pop(url, None)
        if old is None:
            return
        if old.content_hash:
            urls = self._by_hash.get(old.content_hash)
            if urls is not None and url in urls:
                urls.remove(url)
                if not urls:
                    del self._by_hash[old.content_hash]
        self._lsh.remove(url)
        if old.simhash is not None:
            for fps, urls, b in zip(self._band_fps, self._band_urls, bands(old.simhash)):
                bucket = urls[b]
                if bucket is not None and url in bucket:
                    k = bucket.index(url)
                    del bucket[k]
                    del fps[b][k]
                    if not bucket:
                        fps[b] = urls[b] = None

    def evict_oldest(self, keep: int) -> int:
        """Forget the oldest-recorded entries until at most ``keep`` remain; returns how many
        were forgotten.  For a memory index in front of a store that already holds them
        (:class:`MongoDedupeIndex`): the crawl's memory stays bounded."""
        evicted = 0
        while len(self._by_url) > max(0, keep):
            self._remove(next(iter(self._by_url)))  # dicts keep insertion order: record() re-inserts
            evicted += 1
        return evicted

    def reusable(self, content_hash: str | None, text_key: bytes) -> Entry | None:
        """A recorded entry with this content hash whose fingerprints were computed
        from the text with digest ``text_key`` (see :meth:`record`), or ``None``.  Its
        ``simhash``, ``lsh_keys``, ``shingles`` and ``tokens`` are those of any text
        with that digest."""
        for u in self._by_hash.get(content_hash, ()) if content_hash else ():
            e = self._by_url[u]
            if e.text_key == text_key:
                return e
        return None

    # -- lookup -------------------------------------------------------------------------
    def _near(self, url: str | None, fp: int) -> list[tuple[Entry, int]]:
        """Memory entries sharing a band with ``fp`` (unsigned) and within distance."""
        limit = self.near_distance
        found: dict[str, int] = {}
        keys = ((fp >> 48) & 0xFFFF, (fp >> 32) & 0xFFFF, (fp >> 16) & 0xFFFF, fp & 0xFFFF)
        for fps, urls, b in zip(self._band_fps, self._band_urls, keys):
            bucket = fps[b]
            if bucket is not None:
                for k, sh in enumerate(bucket):
                    d = (fp ^ sh).bit_count()
                    if d <= limit:
                        e_url = urls[b][k]
                        if e_url != url:
                            found[e_url] = d
        return [(self._by_url[u], d) for u, d in found.items()]

    def common_keys(self, keys: Iterable[int]) -> frozenset[int]:
        """The LSH band keys among ``keys`` that :attr:`common_key_entries` or more recorded
        entries share: the key of a window every article of a site carries (a site-wide
        ``og:description`` standing in for the lead, a closing disclaimer).  Such a key links
        each new item to every earlier one, so looking it up made each lookup grow with the
        crawl (a 1,000-page benchmark crawl with one constant description: 2 pages/s, the
        storage server busy returning the same 1,000 documents to every lookup); it tells
        nothing about which story an item is.  Skipped, counted; the item's other keys are
        looked up as usual."""
        if self.common_key_entries <= 0:
            return frozenset()
        limit = self.common_key_entries
        return frozenset(k for k, n in self._lsh.frequency(keys).items() if n >= limit)

    def _shingle_candidates(self, url: str | None, keys: list[int], remote: list[Entry],
                            cut: int = 0) -> list[tuple[Entry, str]]:
        """Stage-4 candidates to verify: memory entries sharing at least one LSH band
        key with the item and the ``remote`` entries with shingles, ranked by the number
        of band keys shared (most first; then memory before MongoDB, then recording /
        result order) for half of the cap, by :func:`_share` for the other half (:func:`_top`), at most :attr:`max_shingle_candidates` of them.  When that cuts
        any (or ``cut``: remote ones already cut by :meth:`MongoDedupeIndex.fetch`),
        :attr:`shingle_candidates_capped` grows by one."""
        found = self._lsh.shared(keys)
        found.pop(url, None)
        wanted = set(keys)
        ranked = []
        for u, n in found.items():
            e = self._by_url[u]
            ranked.append((-n, 0, e.seq, -_share(n, len(wanted), e.lsh_keys), e, "memory"))
        for e in remote:
            if e.shingles is not None and e.canonical_url != url:
                n = len(wanted.intersection(e.lsh_keys)) if e.lsh_keys is not None else 0
                ranked.append((-n, 1, e.seq, -_share(n, len(wanted), e.lsh_keys), e, "mongo"))
        ranked = _top(ranked, self.max_shingle_candidates)
        if ranked.cut or cut:
            self.shingle_candidates_capped += 1
        return [(c[4], c[5]) for c in ranked]

    def decide(self, item: Any, remote: Iterable[Entry] = (), profile: ShingleProfile | None = None) -> Match | None:
        """Best match for ``item`` among the memory entries and ``remote`` entries
        (as returned by :meth:`MongoDedupeIndex.fetch`).  No I/O."""
        url = item.get("canonical_url")
        if url:
            by_url = self._by_url.get(url)
            if by_url is not None:
                return Match("url", by_url, 0, "memory")
        remote_in = remote
        remote = [e for e in remote if e.canonical_url not in self._by_url]  # memory is newer
        for e in remote:
            if url and e.canonical_url == url:
                return Match("url", e, 0, "mongo")
        h = item.get("content_hash")
        if h:
            scored = [(self._by_url[u], 0, "memory") for u in self._by_hash.get(h, ()) if u != url]
            scored += [(e, 0, "mongo") for e in remote if e.content_hash == h]
            if scored:
                return _choose(item, "exact", scored)
        fp = item.get("simhash")
        if fp is not None:
            fp &= _MASK64
            scored = [(e, d, "memory") for e, d in self._near(url, fp)]
            for e in remote:
                if e.simhash is not None:
                    d = (fp ^ e.simhash).bit_count()
                    if d <= self.near_distance:
                        scored.append((e, d, "mongo"))
            if scored:
                return _choose(item, "near", scored)
        keys = item.get(LSH_FIELD)
        if not keys:
            return None
        common = self.common_keys(keys)
        if common:
            self.common_keys_skipped += 1
            keys = [k for k in keys if k not in common]
            if not keys:
                return None
        candidates = self._shingle_candidates(url, keys, remote, getattr(remote_in, "shingle_cut", 0))
        if not candidates:
            return None
        # the item's shingles once per decide; a candidate's stay a sorted unique array('I'),
        # intersected with numpy (no Python set per candidate: ~6 us instead of ~25 at 300
        # shingles, benchmarks/bench_dedupe.py --pipeline)
        mine = _as_sorted_unique(_item_shingles(item, profile))
        scored = []
        for e, source in candidates:
            # memory entries were made sorted unique array('I') by record(); remote ones are checked
            theirs = np.frombuffer(e.shingles, dtype=np.uint32) if source == "memory" else _as_sorted_unique(e.shingles)
            common = len(np.intersect1d(mine, theirs, assume_unique=True))
            rel = relation_of_counts(len(mine), len(theirs), common)
            if rel is not None:
                scored.append((e, rel, source))
        return _choose_shingle(item, scored)

    def lookup(self, item: Any, profile: ShingleProfile | None = None) -> Match | None:
        """Best stored match for ``item`` (see module docstring), or ``None``."""
        return self.decide(item, (), profile)


class MongoDedupeIndex:
    """:class:`MemoryDedupeIndex` in front of a pymongo ``Collection`` (read-only).

    ``collection`` is the articles collection written by the storage pipeline; it must
    have :data:`DEDUPE_INDEXES`.  Each :meth:`fetch` is at most seven single-field
    equality / ``$in`` queries, each served by its own index on any server:
    ``{"canonical_url": u}``, ``{"content_hash": h}``, ``{"sh0": b0}`` .. ``{"sh3": b3}``
    and ``{"lsh_keys": {"$in": keys}}`` (the multikey index).  Not ``$or``: MongoDB
    answers an ``$or`` of indexed branches from the indexes, but a compatible server may
    not (SecantusDB 0.7 scans the collection for it: 290 ms per lookup at 4,000 documents,
    so the crawl slowed quadratically), projected to the few fields the index needs (the LSH query also to
    ``body_norm``/``lead_norm``, whose shingles verify the candidate) and each capped
    at ``max_candidates`` documents.  pymongo errors (``PyMongoError``, e.g.
    ``ServerSelectionTimeoutError`` when the server is down) propagate to the caller.
    """

    def __init__(self, collection, near_distance: int = NEAR_DISTANCE, *, max_candidates: int = 1000,
                 memory: MemoryDedupeIndex | None = None):
        self.collection = collection
        self.memory = memory if memory is not None else MemoryDedupeIndex(near_distance)
        self.near_distance = self.memory.near_distance
        self.max_candidates = max_candidates

    def __len__(self) -> int:
        """Entries recorded in memory during this crawl (the collection is not counted)."""
        return len(self.memory)

    def fetch(self, item: Any, skip_keys: Iterable[int] = ()) -> list[Entry]:
        """Stored documents that may match ``item`` (network I/O; thread-safe).  ``skip_keys``:
        LSH keys not to look up (:meth:`MemoryDedupeIndex.common_keys`, computed by the caller
        on the thread that records: the memory index is not read here)."""
        docs: list[dict] = []
        queries = [{f: item.get(f)} for f in ("canonical_url", "content_hash") if item.get(f)]
        pb = _probe_bands(item)
        if pb is not None:
            queries += [{f: b} for f, b in zip(BAND_FIELDS, pb)]
        for query in queries:
            docs += self.collection.find(query, _PROJECTION).limit(self.max_candidates)
        shingled: dict[str, array] = {}
        cut = 0
        skip = set(skip_keys)
        keys = [k for k in item.get(LSH_FIELD) or () if k not in skip]
        if keys:
            # rank by band keys shared with the item and compute the shingles (tokenising
            # the stored text) of the first max_shingle_candidates only: decide() would
            # not verify the others
            wanted = set(keys)
            ranked: dict[str, tuple[float, int, int, dict]] = {}
            for k, doc in enumerate(
                    self.collection.find({LSH_FIELD: {"$in": list(keys)}}, _LSH_PROJECTION).limit(self.max_candidates)):
                url = doc.get("canonical_url")
                if url and url not in ranked:
                    theirs = doc.get(LSH_FIELD) or ()
                    n = len(wanted.intersection(theirs))
                    ranked[url] = (-n, 1, k, -_share(n, len(wanted), theirs), doc)
            best = _top(list(ranked.values()), self.memory.max_shingle_candidates)
            cut = best.cut
            for *_, doc in sorted(best, key=lambda r: r[2]):  # result order again
                shingled[doc["canonical_url"]] = shingle_hashes(fingerprint_text(doc))
                docs.append(doc)
        out, seen = Fetched(), set()
        for seq, doc in enumerate(docs):
            url = doc.get("canonical_url")
            if url and url not in seen:
                seen.add(url)
                out.append(Entry.from_document(doc, seq, shingled.get(url)))
        out.shingle_cut = cut
        return out

    def decide(self, item: Any, remote: Iterable[Entry] = (), profile: ShingleProfile | None = None) -> Match | None:
        return self.memory.decide(item, remote, profile)

    def lookup(self, item: Any, profile: ShingleProfile | None = None) -> Match | None:
        """Blocking: queries MongoDB.  Don't call it on the reactor thread."""
        return self.decide(item, self.fetch(item), profile)

    def record(self, item: Any, profile: ShingleProfile | None = None, *, text_key: bytes | None = None) -> Entry:
        """Memory only; MongoDB is written by the storage pipeline."""
        return self.memory.record(item, profile, text_key=text_key)

    def reusable(self, content_hash: str | None, text_key: bytes) -> Entry | None:
        """:meth:`MemoryDedupeIndex.reusable` (memory only: stored documents carry no text digest)."""
        return self.memory.reusable(content_hash, text_key)

    @property
    def shingle_candidates_capped(self) -> int:
        return self.memory.shingle_candidates_capped

    @property
    def common_keys_skipped(self) -> int:
        return self.memory.common_keys_skipped
