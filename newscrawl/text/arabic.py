"""Arabic text normalisation: a *display* form and a *match key*.

Two forms, never mixed up:

``display_text(s)``
    What a reader sees, cleaned of encoding noise but not folded.  Stored in
    items (title, body, ticker headlines).  It never rewrites a word or a
    punctuation mark: two strings that look the same on screen become the same
    code points, nothing more.

``match_key(s)``
    A lossy key for search, dedupe and SimHash shingles: diacritics removed,
    letter variants folded (alef/yeh/teh marbuta), digits to ASCII, Latin
    case-folded, punctuation turned into spaces.  Never shown to a reader.

``strip_tashkeel(s)`` is the documented intermediate (display form minus
diacritics and tatweel, letters unfolded) and ``tokens(s)`` splits a match key
into words.

Sources for the rules (cited again on each function):

* Unicode Standard, chapter 9 "Middle East-I", section 9.2 Arabic (tatweel,
  harakat, superscript alef, the presentation-form blocks and why they should
  not be used in interchange) and chapter 23 (format characters: ZWNJ, ZWJ,
  bidi controls).
* UAX #15 "Unicode Normalization Forms" (NFC, NFKC).
* Apache Lucene ``org.apache.lucene.analysis.ar.ArabicNormalizer`` (alef
  hamza/madda -> bare alef, alef maksura -> yeh, teh marbuta -> heh, harakat
  FATHATAN..SUKUN and tatweel removed; hamza on waw/yeh is *not* folded),
  ``org.apache.lucene.analysis.fa.PersianNormalizer`` (farsi yeh, yeh barree
  -> yeh; keheh -> kaf; heh goal, heh with yeh above -> heh) and
  ``org.apache.lucene.analysis.fa.PersianCharFilter`` (ZWNJ -> space).

pyarabic is deliberately not used: its alef folding also turns alef maksura
into alef (إلى -> الا, handed case BR-03).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_text", "strip_tashkeel", "match_key", "display_and_key", "tokens"]


# ---------------------------------------------------------------------------
# Character tables, computed once at import time from the Unicode database
# ---------------------------------------------------------------------------

def _ranges_to_class(codepoints) -> str:
    """Compress code points into a regex character-class body (a-b ranges)."""
    cps = sorted(set(codepoints))
    out = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = cps[i], cps[j]
        out.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
        i = j + 1
    return "".join(out)


_category = unicodedata.category
_BMP = range(0x10000)
_ARABIC_BLOCKS = [(0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x089F), (0x08A0, 0x08FF)]

#: Every non-spacing mark (General_Category Mn) in the Arabic blocks: the
#: harakat U+064B-U+0652, the extended marks U+0653-U+065F (maddah, hamza
#: above/below when not composed, ...), superscript (dagger) alef U+0670, the
#: Quranic annotation marks U+0610-U+061A and U+06D6-U+06ED, and the Arabic
#: Extended-A/B marks.  Spacing Quranic signs (U+06DE rub el hizb, U+06E9
#: sajdah, both So) are symbols, not marks, and are kept.
_ARABIC_MARKS = [
    cp for a, b in _ARABIC_BLOCKS for cp in range(a, b + 1) if _category(chr(cp)) == "Mn"
]
#: Arabic letters (Lo) - the neighbours that make a tatweel a kashida.
_ARABIC_LETTERS = [
    cp for a, b in _ARABIC_BLOCKS for cp in range(a, b + 1) if _category(chr(cp)) == "Lo"
]

TATWEEL = "\u0640"
ZWNJ = "\u200c"

#: Invisible characters removed from the display form.  The bidi marks and
#: embeddings/overrides/isolates, ZWSP, the BOM and the Arabic letter mark are
#: the list of handed case BR-06; U+2060 WORD JOINER, U+00AD SOFT HYPHEN and the
#: deprecated Arabic shaping/digit-shape controls U+206A-U+206F are likewise
#: zero-width and carry nothing a reader sees.  ZWNJ U+200C and ZWJ U+200D are
#: NOT removed: ZWNJ is orthographic in Persian (BR-06: «می‌خواهیم»), ZWJ
#: shapes emoji sequences and forced joining forms.
_DISPLAY_REMOVE = (
    [0x200B, 0x200E, 0x200F, 0x061C, 0xFEFF, 0x2060, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x2070))
)
_REMOVE_RE = re.compile("[" + _ranges_to_class(_DISPLAY_REMOVE) + "]+")

#: Arabic presentation forms that display_text folds with NFKC: Presentation
#: Forms-A U+FB50-U+FDEF (contextual letter forms, lam-alef and two-/three-
#: letter ligatures; the ornate parentheses have no decomposition and pass
#: unchanged) and Presentation Forms-B U+FE70-U+FEFE.  The *word* ligatures
#: U+FDF0-U+FDFF (ﷲ ﷺ ﷻ ﷼ ﷽ ...) are excluded on purpose, see display_text.
_PRES_RE = re.compile("[\uFB50-\uFDEF\uFE70-\uFEFE]+")
#: Word ligatures expanded in the match key: U+FDF0-U+FDFC by their
#: compatibility decomposition, and ﷽ U+FDFD (no decomposition in Unicode) by
#: the phrase it stands for, for the same reason as ﷺ (issue 19, finding 4).
_WORD_LIG_RE = re.compile("[\uFDF0-\uFDFD]+")
_BASMALA = "\u0628\u0633\u0645 \u0627\u0644\u0644\u0647 \u0627\u0644\u0631\u062D\u0645\u0646 \u0627\u0644\u0631\u062D\u064A\u0645"

#: Presentation forms whose compatibility decomposition starts with a SPACE
#: before a mark: the isolated harakat U+FE70, FE72, FE74, FE76, FE78, FE7A,
#: FE7C, FE7E and the shadda ligatures U+FC5E-U+FC63.  NFKC would split the
#: word they sit in («ﺩﺭﹶﺱ» -> «در َس»); they map to the bare mark(s) instead
#: (issue 19, finding 1).
_SPACED_MARK_FORMS = {
    cp: unicodedata.normalize("NFKC", chr(cp)).lstrip(" ")
    for cp in [*range(0xFE70, 0xFE7F, 2), *range(0xFC5E, 0xFC64)]
    if unicodedata.normalize("NFKC", chr(cp)).startswith(" ")
}

#: A tatweel run followed by an Arabic letter; the callback also requires an
#: Arabic letter (or a mark on one) before it.  Only such a run is kashida.
_LETTER_OR_MARK = frozenset(map(chr, _ARABIC_LETTERS + _ARABIC_MARKS))
_TATWEEL_RUN_RE = re.compile(TATWEEL + "+(?=[" + _ranges_to_class(_ARABIC_LETTERS) + "])")

#: Single-character letter folds of the match key.
_LETTER_FOLDS = {
    # Lucene ArabicNormalizer: hamza/madda on alef -> bare alef ...
    0x0623: "\u0627",  # أ
    0x0625: "\u0627",  # إ
    0x0622: "\u0627",  # آ
    0x0671: "\u0627",  # ٱ alef wasla (not in Lucene; Quranic spelling of the same alef)
    0x0649: "\u064A",  # ى alef maksura -> yeh (Lucene DOTLESS_YEH -> YEH; BR-03)
    0x0629: "\u0647",  # ة teh marbuta -> heh
    # Lucene PersianNormalizer: letters Arabic text borrows from Persian/Urdu
    # keyboards and quotations.
    0x06CC: "\u064A",  # ی farsi yeh
    0x06D2: "\u064A",  # ے yeh barree
    0x06A9: "\u0643",  # ک keheh -> kaf
    0x06C1: "\u0647",  # ہ heh goal
    0x06C0: "\u0647",  # ۀ heh with yeh above
    # the same letters as NFC composes them with hamza above (issue 19, finding 3)
    0x06C2: "\u0647",  # ۂ heh goal with hamza above
    0x06D3: "\u064A",  # ۓ yeh barree with hamza above
    # cheap folds of letters used for foreign sounds / legacy decoders (issue 19, finding 4)
    0x06A4: "\u0641",  # ڤ veh -> feh
    0x06A8: "\u0642",  # ڨ qaf with three dots (Maghrebi «g») -> qaf
    0x06BE: "\u0647",  # ھ heh doachashmee -> heh (Python's cp1256 decodes byte 0xAA to it)
}
# ؤ (U+0624) and ئ (U+0626) are NOT folded: Lucene's ArabicNormalizer folds only
# the hamza *on alef*; folding ئ->ي would merge e.g. رئيس with ريس.


def _build_tables():
    """str.translate tables for the BMP, as lists indexed by code point.

    A list lookup is about twice as fast as a dict in ``str.translate`` (no
    KeyError per unmapped character).  Code points above U+FFFF raise
    IndexError (a LookupError), which translate treats as "unchanged": emoji
    and historic scripts pass through the key as they are (no Arabic,
    Persian or common punctuation character lives outside the BMP).
    """
    identity = list(_BMP)
    strip = identity.copy()  # strip_tashkeel: marks and tatweel only
    for cp in _ARABIC_MARKS:
        strip[cp] = None
    strip[0x0640] = None
    strip[0x06E5] = strip[0x06E6] = None  # Quranic small waw / small yeh (issue 19, finding 2)

    nofold = identity.copy()  # match_key(fold_letters=False)
    for cp in _BMP:
        c = chr(cp)
        cat = _category(c)
        if cat == "Cf":
            nofold[cp] = None  # ZWJ, Arabic number signs, ... (ZWNJ: below)
        elif cat[0] == "P":
            nofold[cp] = " "  # every punctuation character -> space
        else:
            f = c.casefold()
            if f != c:
                nofold[cp] = f
    for cp in _ARABIC_MARKS:
        nofold[cp] = None
    nofold[0x0640] = None
    nofold[0x200C] = " "  # ZWNJ -> space (Lucene PersianCharFilter)
    for cp in _BMP:  # decimal digits of every script (Arabic-Indic, Persian, Devanagari ...) -> ASCII
        if _category(chr(cp)) == "Nd":
            nofold[cp] = str(unicodedata.decimal(chr(cp)))
    # Quranic small waw / small yeh U+06E5, U+06E6 are letters by category (Lm)
    # but annotation marks in use, inside the U+06D6-U+06ED range removed above
    for cp in (0x06E5, 0x06E6):
        nofold[cp] = None

    fold = nofold.copy()
    for cp, target in _LETTER_FOLDS.items():
        fold[cp] = target
    return strip, nofold, fold


_STRIP_TABLE, _KEY_TABLE_NOFOLD, _KEY_TABLE = _build_tables()

_BMP_MARKS = [cp for cp in _BMP if _category(chr(cp))[0] == "M"]
#: A token is a maximal run of letters, digits and (BMP) combining marks.
_TOKEN_RE = re.compile(r"(?:[^\W_]|[" + _ranges_to_class(_BMP_MARKS) + "])+")
del _BMP_MARKS

_is_normalized = unicodedata.is_normalized
_normalize = unicodedata.normalize


def _nfkc_match(m: re.Match) -> str:
    return _normalize("NFKC", m.group().translate(_SPACED_MARK_FORMS).replace("\uFDFD", _BASMALA))


def _maybe_fxxx(s: str) -> bool:
    """Cheap pre-check before a regex scan for U+FB50-U+FEFF: every code point
    in U+F000-U+FFFF starts with byte 0xEF in UTF-8, and UTF-8 encoding plus a
    byte search is several times faster than a regex character-class scan."""
    try:
        return b"\xef" in s.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return True


def _kashida(m: re.Match) -> str:
    i = m.start()
    if i and m.string[i - 1] in _LETTER_OR_MARK:
        return ""
    return m.group()


def _nfc(s: str) -> str:
    """NFC of ``s``, normalising only the chunks that need it.

    Real Arabic text is almost always NFC except for a few words typed with
    shadda before the vowel (canonical order puts the vowel first).  Whole-
    string NFC costs as much as NFKC, so long strings are halved at a space
    (U+0020 is a starter that never composes with its neighbours, so
    normalising the halves separately gives exactly the same result) and only
    the halves that fail the fast quick check are normalised.
    """
    if _is_normalized("NFC", s):
        return s
    if len(s) < 4096:
        return _normalize("NFC", s)
    mid = s.find(" ", len(s) // 2)
    if mid <= 0:
        return _normalize("NFC", s)
    return _nfc(s[:mid]) + _nfc(s[mid:])


def _require_str(s, fn: str) -> None:
    if not isinstance(s, str):
        raise TypeError(f"{fn}() expects str, got {type(s).__name__}")


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def display_text(s: str) -> str:
    """Clean ``s`` into the form a reader sees; nothing is folded.

    Input: one field or paragraph (``str``).  Output: ``str``, single-line
    (every run of whitespace, including newlines, becomes one ASCII space),
    stripped at both ends.  Idempotent: ``display_text(display_text(s)) ==
    display_text(s)``.

    Steps, in order:

    1. **Arabic presentation forms** (U+FB50-U+FDEF, U+FE70-U+FEFE) are
       replaced by their NFKC compatibility decomposition (UAX #15; the Unicode
       Standard ch. 9.2 says these blocks exist only for legacy rendering and
       should not appear in interchange).  Lam-alef ligatures become the two
       letters: U+FEFB -> «لا», U+FEF7 -> «لأ», U+FEF9 -> «لإ», U+FEF5 -> «لآ»,
       exactly what typing the two letters gives (BR-04).  The isolated
       harakat forms U+FE70-U+FE7E (even code points) and the shadda ligatures
       U+FC5E-U+FC63, whose NFKC form is a space plus the mark, become the bare
       mark, so they never split a word («ﺩﺭﹶﺱ» -> «درَس»).  NFKC is applied
       **only to these runs**, not to the whole string: full NFKC would also
       rewrite what a reader sees elsewhere (``…`` -> ``...``, ``℃`` -> ``°C``,
       ``²`` -> ``2``, full-width forms, ``ﬁ``), and display cleaning must not
       change words or punctuation (Thiqa seed fixture).
    2. **Word ligatures are kept**: U+FDF0-U+FDFF (ﷲ, ﷺ, ﷻ, the rial sign ﷼,
       ﷽ ...) are single symbols for a whole word or phrase that the writer
       chose deliberately, like an emblem.  NFKC would expand ﷺ into the four
       words «صلى الله عليه وسلم» that the page did not show as text (changing
       word counts and snippets), and the newer honorific ligatures
       (U+FD40-U+FD4F, U+FDCF, U+FDFE, U+FDFF) have no decomposition at all,
       so expanding only the old ones would be inconsistent.  ``match_key``
       does expand U+FDF0-U+FDFC so that ﷺ and the spelled-out phrase match.
    3. **Invisible controls removed**: U+200B ZWSP, U+200E LRM, U+200F RLM,
       U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates, U+061C
       Arabic letter mark, U+FEFF BOM (BR-06), plus U+2060 word joiner, U+00AD
       soft hyphen and the deprecated U+206A-U+206F.  **ZWNJ U+200C is kept**
       (orthographic in Persian, BR-06) and so is ZWJ U+200D.
    4. **Kashida removed, other tatweel kept**: a run of U+0640 between two
       Arabic letters is justification stretching (Unicode ch. 9.2) and is
       removed (``الحكـــومة`` -> ``الحكومة``).  A tatweel that is not
       followed by a letter is written on purpose and kept: the detached
       prefix before a quote or foreign name («لـ”الشرق الأوسط”», «بـ2020»)
       and the abbreviations «هـ»/«م» for Hijri/Gregorian years.
    5. **NFC** (UAX #15) when the text is not already NFC: canonically
       equivalent sequences look identical, so composing e.g. alef + U+0654
       into «أ» changes nothing a reader sees but makes exact hashes agree.
    6. **Whitespace**: every ``str.isspace()`` character (NBSP, thin space,
       the other Zs spaces, tabs, newlines, U+2028/U+2029) and every run of
       them becomes one ASCII space; ends are stripped.

    Diacritics (tashkeel) are kept; Arabic-Indic digits are kept; punctuation
    is never touched.

    Raises ``TypeError`` for anything that is not a ``str`` (including
    ``None``): the item loaders decide what a missing field is, this function
    does not invent an empty string.
    """
    _require_str(s, "display_text")
    if not _is_normalized("NFKC", s) and _maybe_fxxx(s) and _PRES_RE.search(s) is not None:
        s = _PRES_RE.sub(_nfkc_match, s)
    printable = s.isprintable()  # False if any control, format char or non-ASCII space
    if not printable:
        s = _REMOVE_RE.sub("", s)
    if TATWEEL in s:
        s = _TATWEEL_RUN_RE.sub(_kashida, s)
    if not _is_normalized("NFC", s):
        s = _nfc(s)
    if not printable or "  " in s or s[:1] == " " or s[-1:] == " ":
        s = " ".join(s.split())
    return s


def strip_tashkeel(s: str) -> str:
    """Display form with diacritics and tatweel removed, letters unfolded.

    ``display_text(s)``, then every Arabic non-spacing mark (General_Category
    Mn in the Arabic blocks: harakat U+064B-U+0652 as in Lucene's
    ArabicNormalizer, U+0653-U+065F, superscript alef U+0670, Quranic marks
    U+0610-U+061A and U+06D6-U+06ED, Arabic Extended-A marks) and every
    tatweel U+0640 is deleted, and so are the Quranic small waw/yeh U+06E5/U+06E6
    (letters by category, annotation marks in use).  Nothing else changes: hamza forms, alef
    maksura, teh marbuta, digits, punctuation and spacing stay as displayed.

    BR-05: ``strip_tashkeel('أعلنـــت الحُكُومَةُ هٰذا القـرارَ')`` ==
    ``'أعلنت الحكومة هذا القرار'``.  The superscript alef is removed, not
    turned into a full alef (هٰذا is spelled هذا in ordinary text).

    Raises ``TypeError`` for non-``str`` input.
    """
    _require_str(s, "strip_tashkeel")
    d = display_text(s).translate(_STRIP_TABLE)
    # A mark that stood alone between spaces leaves two spaces behind.
    return " ".join(d.split()) if "  " in d or d[:1] == " " or d[-1:] == " " else d


def _key_from_display(d: str, fold_letters: bool = True) -> str:
    if fold_letters:
        if (not _is_normalized("NFKC", d) or "\uFDFD" in d) and _maybe_fxxx(d) and _WORD_LIG_RE.search(d) is not None:
            d = _WORD_LIG_RE.sub(_nfkc_match, d)
        d = d.translate(_KEY_TABLE)
    else:
        d = d.translate(_KEY_TABLE_NOFOLD)
    if "  " in d or d[:1] == " " or d[-1:] == " ":
        return " ".join(d.split())
    return d


def match_key(s: str, *, fold_letters: bool = True) -> str:
    """Lossy search / dedupe key of ``s``.  Never shown to readers.

    Input ``str``; output ``str`` of space-separated words (single ASCII
    spaces, no leading/trailing space; ``""`` if nothing is left).
    Idempotent.  Raises ``TypeError`` for non-``str`` input.

    Starting from ``display_text(s)``:

    1. Word ligatures U+FDF0-U+FDFC are expanded by NFKC (UAX #15):
       ``ﷺ`` -> «صلى الله عليه وسلم» (then folded like any text), ``ﷲ`` ->
       «الله»; ``﷽`` U+FDFD (no Unicode decomposition) -> «بسم الله الرحمن
       الرحيم».  (Only with ``fold_letters``.)
    2. Removed: every Arabic non-spacing mark (harakat U+064B-U+0652 per
       Lucene ArabicNormalizer; also U+0653-U+065F, superscript alef U+0670
       (BR-05, camel_tools #114), Quranic marks U+0610-U+061A and
       U+06D6-U+06ED (including small waw/yeh U+06E5/U+06E6, which are Lm by
       category), Arabic Extended-A marks), every tatweel U+0640 (Lucene),
       and every format character (Cf: ZWJ, Arabic number signs, ...) except
       ZWNJ.
    3. Letter folding (Lucene ArabicNormalizer; skipped when
       ``fold_letters=False``): أ إ آ -> ا, and ٱ (alef wasla) -> ا; ى -> ي
       (alef maksura to yeh, never to alef: BR-03); ة -> ه.  Hamza on waw/yeh
       (ؤ ئ) and bare hamza ء are **not** folded, as in Lucene.  From Lucene
       PersianNormalizer: ی ے -> ي, ک -> ك, ہ ۀ -> ه; the same letters as NFC
       composes them with hamza, ۂ -> ه, ۓ -> ي; and ڤ -> ف, ڨ -> ق, ھ -> ه
       (veh, Maghrebi qaf, heh doachashmee: foreign sounds and the cp1256
       decoder's byte 0xAA).
    4. Digits: every decimal digit (General_Category Nd: Arabic-Indic
       U+0660-U+0669, Extended (Persian) U+06F0-U+06F9, Devanagari, full-width
       ...) -> ASCII 0-9.
    5. ZWNJ U+200C -> space (Lucene PersianCharFilter), so keys and tokens
       never contain ZWNJ: «می‌خواهیم» gives the two words «مي خواهيم».
    6. ``str.casefold()`` (Latin, Greek, Cyrillic; Arabic has no case).
    7. Punctuation rule: **every character of General_Category P*** (Pc Pd Ps
       Pe Pi Pf Po, all planes) becomes a space.  This covers ASCII
       punctuation, the Arabic comma/semicolon/question mark ، ؛ ؟ (so they
       key exactly like , ; ?), the Arabic percent/decimal/thousands signs
       ٪ ٫ ٬, «» “” ‘’ quotes, dashes, ellipsis and hyphens («كوفيد-19» ->
       «كوفيد 19»).  Symbols (S*: $ € + = ° ℃ emoji) are kept.
    8. Whitespace collapsed to single spaces, ends stripped.

    Steps 2, 6 and 7 cover the Basic Multilingual Plane (one ``str.translate``
    table); characters above U+FFFF (emoji, historic scripts) pass through
    unchanged.  No Arabic, Persian or common punctuation character lives
    there.  ``fold_letters=False`` skips steps 1 and 3 only.

    BR-03: ``match_key('إِلَىٰ') == match_key('إلى') == 'الي'``;
    ``match_key('توجه الوفد إلى المستشفى') == 'توجه الوفد الي المستشفي'``.
    """
    _require_str(s, "match_key")
    return _key_from_display(display_text(s), fold_letters)


def display_and_key(s: str) -> tuple[str, str]:
    """``(display_text(s), match_key(s))`` computed with a single display pass.

    The pipeline needs both forms of every field; this avoids cleaning the
    text twice.  Raises ``TypeError`` for non-``str`` input.
    """
    d = display_text(s)
    return d, _key_from_display(d)


def tokens(s: str) -> list[str]:
    """Word tokens of ``match_key(s)``, in order, duplicates kept.

    A token is a maximal run of Unicode letters, digits and combining marks
    (``[^\\W_]`` in Python's Unicode ``re`` plus General_Category M*), so
    Arabic, Persian, Latin and digits all tokenise; symbols (``$``, ``℃``,
    emoji) are separators.  Tokens never contain ZWNJ: ``match_key`` turns it
    into a space (Lucene PersianCharFilter).  Used for SimHash shingles.
    Raises ``TypeError`` for non-``str`` input.
    """
    _require_str(s, "tokens")
    return _TOKEN_RE.findall(match_key(s))
