"""Content fingerprints for dedupe: an exact hash and a 64-bit SimHash.

* :func:`content_hash` -- exact-copy key: SHA-1 of the match keys of title and body.
* :func:`simhash64` -- near-copy key: Charikar's SimHash (M. Charikar, "Similarity
  estimation techniques from rounding algorithms", STOC 2002) over the content words of
  the body, 64 bits, computed with the ``simhash`` package (leonsim/simhash 2.1, MD5 per
  feature, features given by us).
* :func:`bands` -- the 4 x 16-bit split used to find near copies with exact-match index
  lookups (G. S. Manku, A. Jain, A. Das Sarma, "Detecting near-duplicates for web
  crawling", WWW 2007): two fingerprints at Hamming distance <= 3 agree on at least one
  of 4 disjoint 16-bit bands (pigeonhole), so "same value in band i" is an exact,
  indexable query that cannot miss a pair within the threshold.
* :func:`to_signed64` / :func:`from_signed64` -- BSON has no unsigned 64-bit integer;
  fingerprints are stored as signed int64.

Threshold (:data:`NEAR_DISTANCE` = 3) and features were chosen on the labelled set in
``tests/test_fingerprints.py`` (bodies of the real fixture pages and variants of them).
Measured there, at distance <= 3: precision 1.0; every cosmetic variant (tashkeel,
kashida, presentation forms, new headline) is found (they have identical match keys);
heavier edits are found only in part (see the test module docstring for figures).
Unrelated bodies were never closer than 13 bits.  3 is also the largest distance the
4-band index is guaranteed to find.

Features: every token of :func:`newscrawl.text.arabic.tokens` (the match key: tashkeel
removed, letters folded, digits ASCII) that has 3 or more characters or is a number,
each occurrence counted (term-frequency weight): word shingles of width 1.  Measured
alternatives on the same set: width-3 shingles find almost none of the 5%-word-edit
copies (one changed word breaks 3 shingles); all unigrams including the 1-2 letter
particles (في من عن ما لا ...) make long unrelated Arabic texts drift towards the same
"function-word profile" (unrelated pairs as close as 6 bits).

Second stage (near copies SimHash cannot see: short items, partial edits, excerpts):

* :func:`shingle_profile` -- the word 3-shingles of a text (32-bit hashes, sorted, unique)
  and its MinHash LSH band keys (A. Z. Broder, "On the resemblance and containment of
  documents", 1997; banding: Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets*,
  ch. 3.4).  MinHash signatures are datasketch's ``MinHash`` (affine32, seed 1), computed
  with numpy here (:func:`_window_minhashes`; equal values, tested).  Band keys are
  taken over *windows* of :data:`WINDOW_TOKENS` tokens that start at paragraph starts
  (the first :data:`MAX_WINDOWS` of them), so a text that shares a stretch of paragraphs
  with another -- a cut-down copy (the first paragraphs only), a long story containing a
  short wire item whole, a copy with an ad paragraph inserted -- shares the band keys of
  the windows at those paragraphs, whatever the length of the rest.
* :func:`shingle_relation` -- the verification: real containment and Jaccard resemblance
  of two shingle sets, giving ``"copy"``, ``"excerpt"`` or ``"extended"``.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from simhash import Simhash

from newscrawl.text.arabic import match_key, tokens

__all__ = [
    "NEAR_DISTANCE",
    "MIN_FEATURES",
    "content_hash",
    "features",
    "simhash64",
    "simhash64_features",
    "to_signed64",
    "from_signed64",
    "bands",
    "hamming",
    "fingerprint_text",
    "SHINGLE_WORDS",
    "WINDOW_TOKENS",
    "MAX_WINDOWS",
    "MIN_SHINGLE_TOKENS",
    "LSH_BANDS",
    "LSH_ROWS",
    "CONTAINMENT_MIN",
    "LENGTH_RATIO",
    "ShingleProfile",
    "shingle_hashes",
    "shingle_profile",
    "shingle_relation",
    "relation_of_counts",
    "MIN_SHINGLE_SET",
]

NEAR_DISTANCE = 3
"""Default maximum Hamming distance for a near copy (bits out of 64)."""

MIN_FEATURES = 20
"""Fewer content words than this and a text gets no SimHash (the pipeline stores None):
a two-line video caption or a boilerplate stub would otherwise "near-match" every other
page with the same stub.  Exact (content hash) matching still applies to them."""

_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63


def content_hash(title_norm: str, body_norm: str) -> str:
    """Exact-copy key of an article: 40-char lower-case hex SHA-1.

    Inputs are *match keys* (``title_norm``, ``body_norm`` from the normalization
    pipeline, i.e. :func:`newscrawl.text.arabic.match_key` output).  Runs of whitespace
    (including the ``"\\n"`` between paragraphs) are collapsed to one space first, so
    the same text split into paragraphs differently hashes the same.  Title and body
    are joined with U+001F so ``("a b", "c")`` and ``("a", "b c")`` differ.  ``None`` is
    treated as ``""``.
    """
    title = " ".join((title_norm or "").split())
    body = " ".join((body_norm or "").split())
    return hashlib.sha1(f"{title}\x1f{body}".encode("utf-8")).hexdigest()


def features(text_norm: str) -> list[str]:
    """The SimHash features of ``text_norm``: tokens of :func:`newscrawl.text.arabic.tokens`
    with 3+ characters or all digits, in text order, duplicates kept."""
    return [t for t in tokens(text_norm or "") if len(t) > 2 or t.isdigit()]


def simhash64_features(feats: list[str]) -> int:
    """64-bit SimHash (unsigned, ``0 <= value < 2**64``) of a list of feature strings,
    each occurrence weighted 1.  ``0`` for an empty list.

    Bit ``i`` is set when more than half of the features have bit ``i`` set in their
    hash (the last 8 bytes of MD5 of the UTF-8 feature), as in Charikar's construction.
    The features are hashed as UTF-8 strings, so Arabic is handled like any script: we
    never hand text to the library's own tokenizer.

    The features go to the library as ``{feature: count}`` (its weighted form: the
    same bit sums, one MD5 per distinct feature instead of one per occurrence) and the
    MD5 digests of recent features are cached (:func:`_md5`, 64k entries: news text is
    Zipfian, most words of a page were hashed on earlier pages) -- the same value as
    ``Simhash(list(feats))``, checked on the labelled set in ``tests/test_fingerprints.py``.
    """
    if not feats:
        return 0
    return Simhash(Counter(feats), f=64, hashfunc=_md5).value


@lru_cache(maxsize=65536)
def _md5(feature: bytes) -> bytes:
    """MD5 digest of a UTF-8 feature (the ``simhash`` package's own hash), cached."""
    return hashlib.md5(feature).digest()


def simhash64(text_norm: str) -> int:
    """64-bit SimHash (unsigned int) of a match-key text: ``simhash64_features(features(text_norm))``.
    ``0`` when the text has no content words."""
    return simhash64_features(features(text_norm))


def to_signed64(fp: int) -> int:
    """Unsigned 64-bit value -> the signed int64 with the same bits (two's complement),
    for BSON.  Raises ``ValueError`` outside ``0 <= fp < 2**64``."""
    if not 0 <= fp <= _MASK64:
        raise ValueError(f"not an unsigned 64-bit value: {fp}")
    return fp - (1 << 64) if fp & _SIGN64 else fp


def from_signed64(value: int) -> int:
    """Signed int64 (as stored in BSON) -> unsigned 64-bit value.  Raises ``ValueError``
    outside ``-2**63 <= value < 2**63``."""
    if not -_SIGN64 <= value < _SIGN64:
        raise ValueError(f"not a signed 64-bit value: {value}")
    return value & _MASK64


def bands(fp: int) -> tuple[int, int, int, int]:
    """Four 16-bit bands of a fingerprint, high bits first: ``(bits 63-48, 47-32,
    31-16, 15-0)``, each ``0 <= b < 65536``.  ``fp`` may be unsigned or signed int64."""
    if fp < 0:
        fp = from_signed64(fp)
    elif fp > _MASK64:
        raise ValueError(f"not a 64-bit value: {fp}")
    return ((fp >> 48) & 0xFFFF, (fp >> 32) & 0xFFFF, (fp >> 16) & 0xFFFF, fp & 0xFFFF)


def hamming(a: int, b: int) -> int:
    """Number of differing bits (0..64) between two 64-bit fingerprints, each unsigned
    or signed int64 (both forms of one fingerprint compare equal)."""
    return ((a & _MASK64) ^ (b & _MASK64)).bit_count()


def fingerprint_text(item) -> str:
    """The text the fingerprints are computed from: ``body_norm``, preceded by
    ``lead_norm`` when the body does not already contain it (some extractors keep the
    standfirst apart, others in the first paragraph).  Falls back to :func:`match_key`
    of the display fields when the ``*_norm`` fields are missing.  ``item``: anything
    with ``.get()`` (an item or a stored document).  Paragraphs are ``"\\n"``-separated."""
    body = item.get("body_norm")
    if body is None:
        body = "\n".join(k for k in (match_key(p) for p in item.get("body") or []) if k)
    lead = item.get("lead_norm")
    if lead is None and item.get("lead"):
        lead = match_key(item["lead"])
    if lead and lead not in body:
        return f"{lead}\n{body}" if body else lead
    return body


# --- second stage: shingles, MinHash LSH band keys, verification ------------------------

SHINGLE_WORDS = 3
"""Shingle width in tokens (all tokens of the match key, particles included: a shingle
is a phrase, and phrases of unrelated stories on one topic rarely coincide).  Chosen on
the labelled set (``tests/dedupe_corpus.py``): the gap between the lowest containment
of a must-match pair and the highest of a must-not-match pair is widest at 3 --
width 1: 0.949 vs 0.483, 2: 0.900 vs 0.138, 3: 0.853 vs 0.062, 4: 0.802 vs 0.032."""

WINDOW_TOKENS = 40
"""Tokens per LSH window: about the size of a short agency item (25-40 words)."""

MAX_WINDOWS = 8
"""At most this many windows (at the first paragraph starts) get band keys."""

MIN_SHINGLE_TOKENS = 20
"""A text with fewer tokens gets no band keys (a video caption or a stub would match
every page carrying the same stub), and a window starts only where at least this many
tokens remain (a short boilerplate last paragraph starts no window)."""

LSH_BANDS = 16
LSH_ROWS = 3
"""16 bands of 3 MinHash values (48 permutations): a window pair at Jaccard 0.5 shares
a band with probability 1 - (1 - 0.5**3)**16 = 0.88, at 0.7: 0.9999, at 0.1: 0.016."""

CONTAINMENT_MIN = 0.5
"""Verified containment |A & B| / |A| of the smaller shingle set A at or above which two
texts are linked.  Chosen on the labelled set (``tests/dedupe_corpus.py``): unrelated
pairs, including two passages of one story (same ministry, same people), reach 0.06 at
most; copies, excerpts and extended copies reach 0.85 at least; 0.5 is about midway."""

LENGTH_RATIO = 0.8
"""Two linked texts whose shingle counts are within this ratio (shorter / longer) are a
``"copy"``; a shorter new text is an ``"excerpt"``, a longer one ``"extended"``."""

_MINHASH_SEED = 1
_MASK32 = 0xFFFFFFFF


def _identity(x):
    return x


# MinHash permutations h -> a * h + b (mod 2**32), a odd: datasketch 1.7's "affine32" scheme
# for seed 1, drawn the way it draws them (numpy RandomState), so the band keys equal those of
# datasketch.MinHash(num_perm=48, seed=1).update_batch (tests/test_fingerprints.py compares them
# through _band_keys).  Computed here rather than imported: `import datasketch` also imports
# scipy (datasketch.lsh), 63 MB of RSS and 0.3 s of start-up in every crawl for 96 numbers;
# and keys stored in MongoDB must not change with a library's default.
_PERM_RNG = np.random.RandomState(_MINHASH_SEED)
_PERM_A = _PERM_RNG.randint(0, 1 << 31, LSH_BANDS * LSH_ROWS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_PERM_B = _PERM_RNG.randint(0, 1 << 32, LSH_BANDS * LSH_ROWS, dtype=np.uint32)
del _PERM_RNG


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (fmix32, A. Appleby, MurmurHash3.cpp), element-wise on
    ``uint32`` (multiplication wraps mod 2**32): datasketch's pre-mix before the permutations."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


_BAND_PREFIX = [struct.pack("<B", b) for b in range(LSH_BANDS)]


def _hash32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "little")


def _shingles(toks: list[str]) -> list[int]:
    """32-bit hashes of the ``SHINGLE_WORDS``-token shingles of ``toks`` in order (one
    shingle of all tokens when there are fewer)."""
    k = SHINGLE_WORDS
    if not toks:
        return []
    if len(toks) <= k:
        return [_hash32(" ".join(toks))]
    return [_hash32(" ".join(toks[i : i + k])) for i in range(len(toks) - k + 1)]


def _paragraph_tokens(text_norm: str) -> tuple[list[str], list[int]]:
    """All tokens of ``text_norm`` and the token offsets where its paragraphs start."""
    toks: list[str] = []
    starts: list[int] = []
    for line in (text_norm or "").split("\n"):
        t = tokens(line)
        if t:
            starts.append(len(toks))
            toks += t
    return toks, starts


def shingle_hashes(text_norm: str) -> array:
    """Sorted unique 32-bit shingle hashes (``array('I')``) of a match-key text."""
    toks, _ = _paragraph_tokens(text_norm)
    return array("I", sorted(set(_shingles(toks))))


@dataclass(frozen=True, slots=True)
class ShingleProfile:
    """``shingles``: sorted unique 32-bit shingle hashes of the whole text;
    ``keys``: sorted unique LSH band keys (signed int64, BSON-safe), empty when the text
    has fewer than :data:`MIN_SHINGLE_TOKENS` tokens; ``tokens``: token count."""

    shingles: array
    keys: list[int]
    tokens: int


def _band_keys(window_shingles: list[int]) -> set[int]:
    """Band keys of one window through ``datasketch.MinHash.update_batch`` (the
    definition; :func:`shingle_profile` computes the same keys for all windows at once
    with :func:`_window_minhashes`).  For tests and benchmarks: datasketch is a test
    dependency, imported here only."""
    from datasketch import MinHash

    m = MinHash(num_perm=LSH_BANDS * LSH_ROWS, seed=_MINHASH_SEED, hashfunc=_identity)
    if m.scheme != "affine32":  # pragma: no cover - a datasketch upgrade changed its default
        raise RuntimeError(f"datasketch MinHash scheme is {m.scheme!r}, not 'affine32'")
    m.update_batch(window_shingles)
    return _keys_of_minhash(np.asarray(m.hashvalues, dtype=np.uint32))


def _keys_of_minhash(hashvalues: np.ndarray) -> set[int]:
    """The ``LSH_BANDS`` band keys of one MinHash signature (``uint32[LSH_BANDS * LSH_ROWS]``):
    ``blake2b-64(<B band><LSH_ROWS x uint32 little-endian>)`` as signed int64."""
    raw = hashvalues.astype("<u4").tobytes()
    width = 4 * LSH_ROWS
    return {
        int.from_bytes(hashlib.blake2b(_BAND_PREFIX[b] + raw[b * width : (b + 1) * width], digest_size=8).digest(),
                       "little", signed=True)
        for b in range(LSH_BANDS)
    }


def _window_minhashes(hashes: np.ndarray, spans: list[tuple[int, int]]) -> list[np.ndarray]:
    """MinHash signatures (``uint32[48]`` each) of the shingle windows ``hashes[lo:hi]``
    for each ``(lo, hi)`` in ``spans`` -- the arithmetic of ``datasketch.MinHash.update_batch``
    (scheme ``affine32``: MurmurHash3 finalizer, then ``a * h + b mod 2**32`` with the
    permutations ``_PERM_A``/``_PERM_B``, minimum per permutation), applied once to every shingle
    position instead of once per window it falls in.  Same values as
    :func:`_band_keys` (``tests/test_fingerprints.py`` compares them on real texts)."""
    end = max(hi for _, hi in spans)
    hv = _fmix32(hashes[:end].reshape(-1, 1))
    phv = hv * _PERM_A + _PERM_B  # uint32, wraps mod 2**32 like the library
    return [phv[lo:hi].min(axis=0) for lo, hi in spans]


def shingle_profile(text_norm: str) -> ShingleProfile:
    """Shingles and LSH band keys of a match-key text (paragraphs ``"\\n"``-separated).

    Windows: for each paragraph start ``s`` (in order, at most :data:`MAX_WINDOWS`) with
    at least :data:`MIN_SHINGLE_TOKENS` tokens from ``s`` to the end, the tokens
    ``[s, s + WINDOW_TOKENS)``.  Each window's shingle set gets a MinHash of
    ``LSH_BANDS * LSH_ROWS`` permutations; band ``b`` of it gives the key
    ``blake2b-64(b, its LSH_ROWS values)``.  Keys of all windows share one space, so
    the opening window of a short item meets the window at the same paragraph of a
    longer story.
    """
    toks, starts = _paragraph_tokens(text_norm)
    positional = _shingles(toks)  # shingle i = tokens [i, i + SHINGLE_WORDS)
    shingles = array("I", sorted(set(positional)))
    keys: set[int] = set()
    if len(toks) >= MIN_SHINGLE_TOKENS:
        windows = [s for s in starts if len(toks) - s >= MIN_SHINGLE_TOKENS][:MAX_WINDOWS]
        # the shingles of the window tokens [s, s + WINDOW_TOKENS) are the positional
        # shingles s .. (window end - SHINGLE_WORDS): a window has >= 20 > SHINGLE_WORDS tokens
        last = len(toks) - SHINGLE_WORDS + 1
        spans = [(s, min(s + WINDOW_TOKENS - SHINGLE_WORDS + 1, last)) for s in windows]
        hashes = np.array(positional, dtype=np.uint32)
        for sig in _window_minhashes(hashes, spans):
            keys |= _keys_of_minhash(sig)
    return ShingleProfile(shingles, sorted(keys), len(toks))


def shingle_relation(new, stored) -> tuple[str, float] | None:
    """How a new text relates to a stored one, from their shingle sets (iterables of
    shingle hashes, e.g. :attr:`ShingleProfile.shingles`).

    Linked when the smaller set has at least ``MIN_SHINGLE_TOKENS - SHINGLE_WORDS + 1``
    shingles and at least :data:`CONTAINMENT_MIN` of it is in the other.  Then, by
    size: within :data:`LENGTH_RATIO` -> ``("copy", jaccard)``; the new text shorter ->
    ``("excerpt", containment of the new set)`` (a cut-down copy); longer ->
    ``("extended", containment of the stored set)`` (it contains the stored text).
    Scores are in 0..1.  ``None`` when not linked.
    """
    a, b = set(new), set(stored)
    if min(len(a), len(b)) < MIN_SHINGLE_SET:
        return None
    return relation_of_counts(len(a), len(b), len(a & b))


MIN_SHINGLE_SET = MIN_SHINGLE_TOKENS - SHINGLE_WORDS + 1
"""Fewest shingles the smaller of two texts needs for :func:`shingle_relation` to link them."""


def relation_of_counts(new: int, stored: int, common: int) -> tuple[str, float] | None:
    """:func:`shingle_relation` from the sizes of the two shingle sets and of their
    intersection (``0 <= common <= min(new, stored)``), so a caller that verifies many
    candidates can count the intersection its own way (the dedupe index: one numpy
    ``intersect1d`` of two sorted unique arrays per candidate) instead of building sets."""
    small = min(new, stored)
    if small < MIN_SHINGLE_SET:
        return None
    if common / small < CONTAINMENT_MIN:
        return None
    if small / max(new, stored) >= LENGTH_RATIO:
        return "copy", common / (new + stored - common)
    if new < stored:
        return "excerpt", common / new
    return "extended", common / stored
