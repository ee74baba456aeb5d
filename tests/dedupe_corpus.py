"""Labelled near-duplicate set built from the real saved pages in tests/fixtures/pages/.

Originals: the article bodies of the 7 real Arabic article pages (the Jannah demo is a
homepage with no body) plus the Spanish eldigitaldealbacete.com article as an unrelated
control.  Bodies are read with parsel from the container each sidecar's notes name, cut
at the sidecar's ``body_first_sentence`` / ``body_last_sentence`` and cleaned of blocks
the notes call "not body" (read-also blocks, injects, image credits).

Variants of each Arabic original that MUST match it (label 1):

* ``diacritics``    -- tashkeel added to about half of the letters (deterministic seed)
* ``kashida``       -- tatweel (U+0640) stretches inside longer words
* ``presentation``  -- every Arabic letter replaced by its contextual presentation form
                       (U+FE70-U+FEFF: isolated / initial / medial / final, lam-alef
                       ligatures), the table built from ``unicodedata`` decompositions
* ``ad``            -- a real unrelated line (a Youm7 ticker headline; Al Bayan's
                       "follow us on Google News" line for the Youm7 body) inserted as a
                       paragraph in the middle
* ``words5``        -- 5% of the words replaced by words from the other bodies (seeded)
* ``headline``      -- same body under another headline

Every variant paired with every *other* original, and the originals with each other,
MUST NOT match (label 0).

Syndication kinds (:func:`syndication_pairs`, issue 18), from the same real bodies:

* ``dateline``      -- an agency dateline put before the first paragraph and the weekday
                       after the first «اليوم» added (or removed when the page has one)
* ``cut``           -- one sentence (or, in a one-sentence paragraph, that paragraph) cut
                       from the middle
* ``readalso``      -- an «اقرأ أيضاً» line with another page's real title inserted in the
                       middle
* ``marks``         -- tanween, shadda and tatweel only (no other tashkeel)
* ``short_weekday`` -- a short agency item (the first 25-40 words of the story, cut at a
                       sentence end when one falls in that range) and its copy with a
                       dateline and the weekday edit; ``short_marks``: the same item with
                       tanween/shadda/tatweel only
* ``excerpt``       -- the first half of the paragraphs (a cut-down copy); relation
                       ``excerpt``
* ``extended``      -- the short agency item, then the whole story that contains it;
                       relation ``extended``

Negatives added: every short item against the other stories and their short items, and
the *same-topic* pairs: the short item from the start of a story against a second short
item (25-40 words) taken from a later, non-overlapping paragraph of the same story (same
ministry, same people, a different passage).

Run ``python -m tests.dedupe_corpus`` for the precision / recall table by threshold.
"""

from __future__ import annotations

import json
import random
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import parsel

PAGES = Path(__file__).parent / "fixtures" / "pages"

# container of the body, from each sidecar's notes
BODY_SELECTORS = {
    "albayan.ae": "#articledetails > p",
    "alyaum.com": "div.aksa-articleBody",
    "arabic.sputniknews.com": "div.b-article__lead > p, div.b-article__text > p",
    "assabah.com.tn": "div.field-name-body div.field-item",  # <p>s hold several <br>-separated paragraphs
    "elbaladtv.net": "div.content-inner > p",
    "lbcgroup.tv": "div.LongDesc",
    "youm7.com": "#articleBody",
    "eldigitaldealbacete.com": "div.entry-content > p",
}
_NOT_BODY = (
    "ancestor::script or ancestor::style or ancestor::figure"
    " or ancestor::*[contains(@class,'b-inject') or contains(@class,'jeg_postblock')"
    " or contains(@class,'code-block')]"
)
CONTROL = "eldigitaldealbacete.com"
VARIANT_KINDS = ("diacritics", "kashida", "presentation", "ad", "words5", "headline")


@dataclass
class Doc:
    site: str
    title: str
    paragraphs: list[str]
    kind: str = "original"
    origin: str = field(default="")

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def _sidecar(site: str) -> tuple[Path, dict]:
    html = next(PAGES.glob(f"{site}/*.html"))
    return html, json.loads(html.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))


def extract_body(site: str) -> list[str]:
    """Paragraph texts (whitespace collapsed) of the fixture page of ``site``."""
    html, exp = _sidecar(site)
    sel = parsel.Selector(text=html.read_text("utf-8"))
    blocks: list[str] = []
    for node in sel.css(BODY_SELECTORS[site]):
        if node.root.tag == "p":
            texts = ["".join(node.xpath(f".//text()[not({_NOT_BODY})]").getall())]
        else:  # text separated by <br>: every text node is a block
            texts = node.xpath(f".//text()[not({_NOT_BODY})]").getall()
        blocks += [" ".join(t.split()) for t in texts if t.strip()]
    first = " ".join(exp["body_first_sentence"].split())
    last = " ".join(exp["body_last_sentence"].split())
    i = next(k for k, b in enumerate(blocks) if b.startswith(first))
    j = max(k for k, b in enumerate(blocks) if b.endswith(last))
    # subheadings and credits are short; body paragraphs have 4+ words
    return [b for b in blocks[i : j + 1] if len(b.split()) >= 4]


@lru_cache(maxsize=None)
def originals() -> dict[str, Doc]:
    out = {}
    for site in BODY_SELECTORS:
        _, exp = _sidecar(site)
        out[site] = Doc(site, exp["title"], extract_body(site), origin=site)
    return out


# --- variant generators ------------------------------------------------------------

HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]
TATWEEL = "\u0640"
# letters that never join the following letter (right-joining / non-joining)
_NO_FORWARD_JOIN = set("اأإآٱدذرزوؤةىء")


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a" or "\u0671" <= ch <= "\u06d3"


def add_diacritics(text: str, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(ch + rng.choice(HARAKAT) if _is_arabic_letter(ch) and rng.random() < 0.5 else ch for ch in text)


def add_kashida(text: str, seed: int) -> str:
    rng = random.Random(seed)
    words = []
    for w in text.split(" "):
        slots = [
            k for k in range(len(w) - 1)
            if _is_arabic_letter(w[k]) and _is_arabic_letter(w[k + 1]) and w[k] not in _NO_FORWARD_JOIN
        ]
        if len(w) >= 4 and slots and rng.random() < 0.6:
            k = rng.choice(slots)
            w = w[: k + 1] + TATWEEL * rng.randint(1, 3) + w[k + 1 :]
        words.append(w)
    return " ".join(words)


@lru_cache(maxsize=None)
def _presentation_table() -> dict[tuple[str, str], str]:
    """(letter or lam-alef pair, form) -> presentation-form code point, from the
    <isolated>/<initial>/<medial>/<final> decompositions of U+FE70-U+FEFF."""
    table = {}
    for cp in range(0xFE70, 0xFEFF):
        ch = chr(cp)
        dec = unicodedata.decomposition(ch)
        if not dec.startswith("<"):
            continue
        tag, *codes = dec.split()
        base = "".join(chr(int(c, 16)) for c in codes)
        base = unicodedata.normalize("NFC", base)
        table[(base, tag.strip("<>"))] = ch
    return table


def to_presentation_forms(text: str) -> str:
    """Shape ``text`` the way legacy PDF/OCR exports do: one presentation-form code
    point per glyph, lam+alef as a ligature.  Combining marks stay as they are."""
    table = _presentation_table()
    out = []
    chars = list(text)
    n = len(chars)

    def neighbour(i: int, step: int) -> str:
        i += step
        while 0 <= i < n and unicodedata.category(chars[i]) == "Mn":
            i += step
        return chars[i] if 0 <= i < n else ""

    i = 0
    while i < n:
        ch = chars[i]
        if not _is_arabic_letter(ch):
            out.append(ch)
            i += 1
            continue
        prev = neighbour(i, -1)
        joins_prev = bool(prev) and _is_arabic_letter(prev) and prev not in _NO_FORWARD_JOIN
        nxt = neighbour(i, +1)
        if ch == "ل" and nxt in "اأإآ" and nxt:
            lig = table.get(("ل" + nxt, "final" if joins_prev else "isolated"))
            if lig:
                out.append(lig)
                # skip to the alef (marks between lam and alef are dropped; rare)
                i += 1
                while chars[i] != nxt:
                    i += 1
                i += 1
                continue
        joins_next = bool(nxt) and _is_arabic_letter(nxt) and ch not in _NO_FORWARD_JOIN
        form = {
            (False, False): "isolated",
            (False, True): "initial",
            (True, True): "medial",
            (True, False): "final",
        }[(joins_prev, joins_next)]
        out.append(table.get((ch, form)) or table.get((ch, "final" if joins_prev else "isolated")) or ch)
        i += 1
    return "".join(out)


def _seed(site: str, kind: str) -> int:
    return zlib.crc32(f"{site}/{kind}".encode())


@lru_cache(maxsize=None)
def _ad_lines() -> tuple[str, str]:
    _, youm7 = _sidecar("youm7.com")
    # Al Bayan's own boilerplate line under its article (see its sidecar notes)
    return youm7["ticker_headlines"][0], "تابعوا أخبار الإمارات من البيان عبر غوغل نيوز"


def change_words(paragraphs: list[str], fraction: float, seed: int, vocabulary: list[str]) -> list[str]:
    rng = random.Random(seed)
    positions = [(i, j) for i, p in enumerate(paragraphs) for j, _ in enumerate(p.split())]
    picked = set(rng.sample(positions, max(1, round(len(positions) * fraction))))
    return [
        " ".join(rng.choice(vocabulary) if (i, j) in picked else w for j, w in enumerate(p.split()))
        for i, p in enumerate(paragraphs)
    ]


def variants(site: str) -> list[Doc]:
    docs = originals()
    doc = docs[site]
    vocab = sorted({w for s, d in docs.items() if s not in (site, CONTROL) for p in d.paragraphs for w in p.split()})
    ad = _ad_lines()[1] if site == "youm7.com" else _ad_lines()[0]
    mid = len(doc.paragraphs) // 2
    other_title = docs["youm7.com" if site != "youm7.com" else "albayan.ae"].title
    out = {
        "diacritics": Doc(site, add_diacritics(doc.title, _seed(site, "dt")),
                          [add_diacritics(p, _seed(site, f"d{k}")) for k, p in enumerate(doc.paragraphs)]),
        "kashida": Doc(site, add_kashida(doc.title, _seed(site, "kt")),
                       [add_kashida(p, _seed(site, f"k{k}")) for k, p in enumerate(doc.paragraphs)]),
        "presentation": Doc(site, to_presentation_forms(doc.title), [to_presentation_forms(p) for p in doc.paragraphs]),
        "ad": Doc(site, doc.title, doc.paragraphs[:mid] + [ad] + doc.paragraphs[mid:]),
        "words5": Doc(site, doc.title, change_words(doc.paragraphs, 0.05, _seed(site, "w"), vocab)),
        "headline": Doc(site, other_title, list(doc.paragraphs)),
    }
    for kind, d in out.items():
        d.kind = kind
        d.origin = site
    return [out[k] for k in VARIANT_KINDS]


def labelled_pairs() -> list[tuple[Doc, Doc, int]]:
    """``(a, b, label)``: 42 positives (7 Arabic originals x 6 variants), 322 negatives."""
    docs = originals()
    arabic = [s for s in docs if s != CONTROL]
    pairs = []
    for site in arabic:
        for v in variants(site):
            pairs.append((docs[site], v, 1))
            pairs += [(docs[o], v, 0) for o in docs if o != site]
    sites = list(docs)
    pairs += [(docs[a], docs[b], 0) for k, a in enumerate(sites) for b in sites[k + 1 :]]
    return pairs

# --- syndication kinds (issue 18) ----------------------------------------------------

SYNDICATION_KINDS = ("dateline", "cut", "readalso", "marks", "short_weekday", "short_marks", "excerpt", "extended")
EXPECTED_RELATION = {"excerpt": "excerpt", "extended": "extended"}
"""Kinds whose positive pairs must be linked with this relation (others: any)."""

WEEKDAYS = ("السبت", "الأحد", "الإثنين", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة")
DATELINES = ("(وكالات) -", "- واس -", "(الأناضول) -", "(بترا) -", "دمشق - سانا -")
TANWEEN_SHADDA = ("\u064b", "\u064c", "\u064d", "\u0651")


def weekday_edit(paragraphs: list[str]) -> list[str]:
    """The weekday after the first «اليوم» removed when present, else added («الثلاثاء»);
    paragraphs without «اليوم» unchanged."""
    out = list(paragraphs)
    for i, p in enumerate(out):
        words = p.split(" ")
        for j, w in enumerate(words):
            if w.strip("،,.") == "اليوم":
                nxt = words[j + 1].strip("،,.") if j + 1 < len(words) else ""
                if nxt in WEEKDAYS:
                    words[j] = words[j].rstrip("،,.") + words[j + 1][len(nxt):]
                    del words[j + 1]
                else:
                    words[j] = "اليوم الثلاثاء" + w[len("اليوم"):]
                out[i] = " ".join(words)
                return out
    return out


def with_dateline(paragraphs: list[str], seed: int) -> list[str]:
    dateline = DATELINES[seed % len(DATELINES)]
    return [f"{dateline} {paragraphs[0]}"] + list(paragraphs[1:])


def add_marks(text: str, seed: int) -> str:
    """Tanween / shadda on about a fifth of the letters and tatweel: the edits a copy
    desk makes without changing a word."""
    rng = random.Random(seed)
    marked = "".join(ch + rng.choice(TANWEEN_SHADDA) if _is_arabic_letter(ch) and rng.random() < 0.2 else ch
                     for ch in text)
    return add_kashida(marked, seed)


def _sentences(paragraph: str) -> list[str]:
    parts, cur = [], []
    for w in paragraph.split(" "):
        cur.append(w)
        if w.endswith((".", "؟", "!")):
            parts.append(" ".join(cur))
            cur = []
    if cur:
        parts.append(" ".join(cur))
    return parts


def cut_sentence(paragraphs: list[str]) -> list[str]:
    """One sentence cut from the middle: from the longest paragraph when it has two or
    more sentences, else that paragraph cut whole."""
    k = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i].split()))
    sents = _sentences(paragraphs[k])
    out = list(paragraphs)
    if len(sents) >= 2:
        del sents[len(sents) // 2]
        out[k] = " ".join(sents)
    else:
        del out[k]
    return out


def short_item(paragraphs: list[str], start: int = 0) -> list[str] | None:
    """A 25-40-word agency item: the words from paragraph ``start`` on, cut at the last
    sentence end between 25 and 40 words, else after 35 words.  One paragraph.  ``None``
    when fewer than 25 words are left."""
    words = " ".join(paragraphs[start:]).split()
    if len(words) < 25:
        return None
    ends = [n for n in range(25, min(40, len(words)) + 1) if words[n - 1].endswith((".", "؟", "!"))]
    n = ends[-1] if ends else min(35, len(words))
    return [" ".join(words[:n])]


def _second_short(paragraphs: list[str]) -> list[str] | None:
    """A short item from a later paragraph that does not overlap the first one."""
    first = len(short_item(paragraphs)[0].split())
    seen = 0
    for i, p in enumerate(paragraphs):
        if seen >= first:
            return short_item(paragraphs, i)
        seen += len(p.split())
    return None


def syndication_variants(site: str) -> list[Doc]:
    """The syndication kinds of one Arabic original (see the module docstring)."""
    docs = originals()
    doc = docs[site]
    seed = _seed(site, "syn")
    mid = max(1, len(doc.paragraphs) // 2)
    other_title = docs["youm7.com" if site != "youm7.com" else "albayan.ae"].title
    short = short_item(doc.paragraphs)
    out = {
        "dateline": Doc(site, doc.title, with_dateline(weekday_edit(doc.paragraphs), seed)),
        "cut": Doc(site, doc.title, cut_sentence(doc.paragraphs)),
        "readalso": Doc(site, doc.title, doc.paragraphs[:mid] + [f"اقرأ أيضاً: {other_title}"] + doc.paragraphs[mid:]),
        "marks": Doc(site, add_marks(doc.title, seed), [add_marks(p, seed + k) for k, p in enumerate(doc.paragraphs)]),
        "short_weekday": Doc(site, doc.title, with_dateline(weekday_edit(short), seed + 1)),
        "short_marks": Doc(site, doc.title, [add_marks(short[0], seed + 2)]),
        "excerpt": Doc(site, doc.title, doc.paragraphs[: (len(doc.paragraphs) + 1) // 2]),
        "extended": Doc(site, doc.title, list(doc.paragraphs)),
    }
    for kind, d in out.items():
        d.kind = kind
        d.origin = site
    return [out[k] for k in SYNDICATION_KINDS]


def short_original(site: str) -> Doc:
    doc = originals()[site]
    return Doc(site, doc.title, short_item(doc.paragraphs), kind="short", origin=site)


def syndication_pairs() -> list[tuple[Doc, Doc, int]]:
    """``(stored, new, label)`` for the syndication kinds: per Arabic original one
    positive per kind (the ``short_*`` kinds and ``extended`` are paired with the short
    item, the others with the original), each variant against the other stories
    (label 0), the short items against each other and the other stories (label 0), and
    the same-topic pairs (label 0, kind ``same_topic``)."""
    docs = originals()
    arabic = [s for s in docs if s != CONTROL]
    shorts = {s: short_original(s) for s in arabic}
    pairs = []
    for site in arabic:
        for v in syndication_variants(site):
            base = shorts[site] if v.kind in ("short_weekday", "short_marks", "extended") else docs[site]
            pairs.append((base, v, 1))
            pairs += [(docs[o], v, 0) for o in docs if o != site]
            pairs += [(shorts[o], v, 0) for o in arabic if o != site]
        second = _second_short(docs[site].paragraphs)
        if second is not None:
            pairs.append((shorts[site], Doc(site, docs[site].title, second, kind="same_topic", origin=site), 0))
    for k, a in enumerate(arabic):
        pairs += [(shorts[a], shorts[b], 0) for b in arabic[k + 1 :]]
        pairs += [(shorts[a], docs[o], 0) for o in docs if o != a]
    return pairs


def all_pairs() -> list[tuple[Doc, Doc, int]]:
    """:func:`labelled_pairs` followed by :func:`syndication_pairs`."""
    return labelled_pairs() + syndication_pairs()


# --- scoring through the real dedupe index -----------------------------------------------

def as_item(doc: Doc, url: str, *, shingles: bool = True) -> tuple[dict, object]:
    """``(item, profile)``: the dedupe fields of ``doc`` as the dedupe pipeline sets
    them (content hash, SimHash under the 20-feature rule, LSH keys when ``shingles``)."""
    from newscrawl.text.arabic import match_key
    from newscrawl.dedupe.fingerprints import (
        MIN_FEATURES, content_hash, features, shingle_profile, simhash64_features, to_signed64,
    )

    title = match_key(doc.title)
    body = "\n".join(k for k in (match_key(p) for p in doc.paragraphs) if k)
    feats = features(body)
    profile = shingle_profile(body) if shingles else None
    item = {
        "canonical_url": url,
        "site": url.split("/")[2],
        "title_norm": title,
        "body_norm": body,
        "content_hash": content_hash(title, body),
        "simhash": to_signed64(simhash64_features(feats)) if len(feats) >= MIN_FEATURES else None,
        "lsh_keys": (profile.keys or None) if profile is not None else None,
    }
    return item, profile


def score(pairs, *, shingles: bool = True) -> list[tuple[int, str, object]]:
    """``(label, kind of the new doc, Match or None)`` per pair: the stored doc recorded
    in a fresh :class:`~newscrawl.dedupe.index.MemoryDedupeIndex` (on site a.example), the new
    one looked up (site b.example).  ``shingles=False``: SimHash and exact only (the
    dedupe as it was before the MinHash stage)."""
    from newscrawl.dedupe.index import MemoryDedupeIndex

    rows = []
    for a, b, label in pairs:
        idx = MemoryDedupeIndex()
        item_a, prof_a = as_item(a, "https://a.example/1", shingles=shingles)
        idx.record(item_a, prof_a)
        item_b, prof_b = as_item(b, "https://b.example/1", shingles=shingles)
        rows.append((label, b.kind, idx.decide(item_b, (), prof_b)))
    return rows


def table(rows) -> dict[str, tuple[int, int]]:
    """Per kind of positive: ``(found, total)``; key ``"negatives"``: ``(linked, total)``."""
    out: dict[str, list[int]] = {}
    for label, kind, match in rows:
        key = kind if label else "negatives"
        cell = out.setdefault(key, [0, 0])
        cell[0] += match is not None
        cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


if __name__ == "__main__":  # pragma: no cover - report helper
    from newscrawl.text.arabic import match_key
    from newscrawl.dedupe.fingerprints import MIN_FEATURES, content_hash, features, hamming, simhash64_features

    def fp(d: Doc):
        title, body = match_key(d.title), "\n".join(match_key(p) for p in d.paragraphs)
        f = features(body)
        return content_hash(title, body), (simhash64_features(f) if len(f) >= MIN_FEATURES else None)

    rows = [(fp(a), fp(b), label, b.kind) for a, b, label in labelled_pairs()]
    print("threshold  precision  recall   (per kind found / 7)")
    for k in range(0, 13):
        tp = fp_ = 0
        per = {}
        for (ha, sa), (hb, sb), label, kind in rows:
            hit = ha == hb or (sa is not None and sb is not None and hamming(sa, sb) <= k)
            tp += hit and label
            fp_ += hit and not label
            if label:
                per[kind] = per.get(kind, 0) + hit
        pos = sum(r[2] for r in rows)
        prec = tp / (tp + fp_) if tp + fp_ else 1.0
        print(f"{k:9d}  {prec:9.3f}  {tp / pos:6.3f}   {per}")
    neg = [hamming(sa, sb) for (ha, sa), (hb, sb), label, _ in rows if not label and sa is not None and sb is not None]
    print("closest unrelated pair:", min(neg), "bits")
    print()
    both, simhash_only = table(score(all_pairs())), table(score(all_pairs(), shingles=False))
    print(f"{'kind':<15}{'SimHash only':>14}{'+ MinHash LSH':>15}")
    for kind in both:
        print(f"{kind:<15}{'%d/%d' % simhash_only[kind]:>14}{'%d/%d' % both[kind]:>15}")
