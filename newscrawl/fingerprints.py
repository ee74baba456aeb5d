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

Features: every token of :func:`newscrawl.arabic.tokens` (the match key: tashkeel
removed, letters folded, digits ASCII) that has 3 or more characters or is a number,
each occurrence counted (term-frequency weight): word shingles of width 1.  Measured
alternatives on the same set: width-3 shingles find almost none of the 5%-word-edit
copies (one changed word breaks 3 shingles); all unigrams including the 1-2 letter
particles (في من عن ما لا ...) make long unrelated Arabic texts drift towards the same
"function-word profile" (unrelated pairs as close as 6 bits).
"""

from __future__ import annotations

import hashlib

from simhash import Simhash

from newscrawl.arabic import tokens

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
    pipeline, i.e. :func:`newscrawl.arabic.match_key` output).  Runs of whitespace
    (including the ``"\\n"`` between paragraphs) are collapsed to one space first, so
    the same text split into paragraphs differently hashes the same.  Title and body
    are joined with U+001F so ``("a b", "c")`` and ``("a", "b c")`` differ.  ``None`` is
    treated as ``""``.
    """
    title = " ".join((title_norm or "").split())
    body = " ".join((body_norm or "").split())
    return hashlib.sha1(f"{title}\x1f{body}".encode("utf-8")).hexdigest()


def features(text_norm: str) -> list[str]:
    """The SimHash features of ``text_norm``: tokens of :func:`newscrawl.arabic.tokens`
    with 3+ characters or all digits, in text order, duplicates kept."""
    return [t for t in tokens(text_norm or "") if len(t) > 2 or t.isdigit()]


def simhash64_features(feats: list[str]) -> int:
    """64-bit SimHash (unsigned, ``0 <= value < 2**64``) of a list of feature strings,
    each occurrence weighted 1.  ``0`` for an empty list.

    Bit ``i`` is set when more than half of the features have bit ``i`` set in their
    hash (the last 8 bytes of MD5 of the UTF-8 feature), as in Charikar's construction.
    The features are hashed as UTF-8 strings, so Arabic is handled like any script: we
    never hand text to the library's own tokenizer.
    """
    if not feats:
        return 0
    return Simhash(list(feats), f=64).value


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
