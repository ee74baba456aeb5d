"""Tests for newscrawl.text.arabic: the display form and the match key.

Every expected value of the handed cases BR-03..BR-06 is asserted here, plus
the Thiqa seed fixture (display cleaning never rewrites words/punctuation) and
the rules chosen for word ligatures, ZWNJ, punctuation and hamza on waw/yeh.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from newscrawl.text.arabic import display_and_key, display_text, match_key, strip_tashkeel, tokens

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed"


def _seed_strings() -> list[str]:
    d = json.loads((SEED / "thiqa-page-visible-text.expected.json").read_text(encoding="utf-8"))
    return d["ticker_headlines"] + [d["title"], d["agency"]] + d["body_paragraphs"] + d["boilerplate_not_in_body"]


def _page_texts() -> list[str]:
    """Visible text nodes of the real Arabic fixture pages (not the Spanish one)."""
    import parsel

    out = []
    for p in sorted((FIXTURES / "pages").glob("*/*.html")):
        if "eldigitaldealbacete" in str(p):
            continue
        sel = parsel.Selector(text=p.read_text(encoding="utf-8"))
        out += [t for t in sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall() if t.strip()]
    return out


PAGE_TEXTS = _page_texts()


# --------------------------------------------------------------------------- BR-03

BR03_WORDS = {"إلى": "الي", "على": "علي", "مستشفى": "مستشفي", "مستشفي": "مستشفي", "إِلَىٰ": "الي"}


@pytest.mark.parametrize("word,expected", BR03_WORDS.items())
def test_br03_alef_maksura_folds_to_yeh_not_alef(word, expected):
    assert match_key(word) == expected
    assert not match_key(word).endswith("ا")
    # inside the sentence too
    assert match_key(f"توجه الوفد {word} المستشفى").split()[2] == expected


def test_br03_sentence_and_equalities():
    assert match_key("توجه الوفد إلى المستشفى") == "توجه الوفد الي المستشفي"
    assert match_key("مستشفى") == match_key("مستشفي")
    assert match_key("إلى") == match_key("الي")
    # إلى ("to") must not collide with إلا ("except")
    assert match_key("إلى") != match_key("إلا")


# --------------------------------------------------------------------------- BR-04

BR04 = [
    ("\uFE8D\uFEFB\uFEB3\uFE98\uFEAE\uFE8D\uFE97\uFEF4\uFEA0\uFEF4\uFE94", "الاستراتيجية"),
    ("\uFEFB \uFE97\uFED4\uFE8E\uFEED\uFEBD", "لا تفاوض"),
]


def _no_presentation_forms(s: str) -> bool:
    return not any(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF for c in s)


@pytest.mark.parametrize("raw,expected", BR04)
def test_br04_presentation_forms(raw, expected):
    d = display_text(raw)
    assert d == expected
    assert _no_presentation_forms(d)
    assert match_key(raw) == match_key(expected)
    assert _no_presentation_forms(match_key(raw))


def test_br04_substring_search_works():
    assert "استراتيجية" in display_text(BR04[0][0])


@pytest.mark.parametrize("lig,two_letters", [("\uFEF7", "لأ"), ("\uFEF9", "لإ"), ("\uFEF5", "لآ"), ("\uFEFB", "لا"),
                                              ("\uFEF8", "لأ"), ("\uFEFA", "لإ"), ("\uFEF6", "لآ"), ("\uFEFC", "لا")])
def test_br04_lam_alef_ligatures_become_lam_plus_matching_alef(lig, two_letters):
    assert display_text(lig) == two_letters
    assert match_key(lig) == match_key(two_letters) == "لا"
    assert display_text(lig + "من") == display_text(two_letters + "من")


def _to_presentation_forms(text: str) -> str:
    """Re-encode ordinary Arabic as presentation forms (one isolated-form code point per letter,
    lam-alef as the single ligature), the way legacy PDF/Flash sources do."""
    iso = {}
    lam_alef = {}
    for cp in range(0xFE70, 0xFEFD):
        c = chr(cp)
        name = unicodedata.name(c, "")
        dec = unicodedata.normalize("NFKC", c)
        if name.endswith("ISOLATED FORM") and len(dec) == 1:
            iso.setdefault(dec, c)
        if name.startswith("ARABIC LIGATURE LAM WITH ALEF") and name.endswith("ISOLATED FORM"):
            lam_alef[dec] = c
    out, i = [], 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in lam_alef:
            out.append(lam_alef[pair])
            i += 2
            continue
        out.append(iso.get(text[i], text[i]))
        i += 1
    return "".join(out)


def test_br04_whole_article_typed_in_presentation_forms_hashes_equal():
    """The same article typed with presentation forms and with ordinary letters gives the same
    exact-content hash (sha256 of the display text) and the same match key."""
    body = "\n".join(_seed_strings()[15:-1])  # title + agency + body paragraphs
    legacy = _to_presentation_forms(body)
    assert legacy != body and sum(0xFE70 <= ord(c) <= 0xFEFF for c in legacy) > 500
    h = lambda s: hashlib.sha256(display_text(s).encode("utf-8")).hexdigest()  # noqa: E731
    assert h(legacy) == h(body)
    assert match_key(legacy) == match_key(body)
    assert _no_presentation_forms(display_text(legacy))


# --------------------------------------------------------------------------- BR-05

BR05 = "أعلنـــت الحُكُومَةُ ه\u0670ذا القـرارَ"


def test_br05_tatweel_and_diacritics():
    key = match_key(BR05)
    assert not any(c == "\u0640" or "\u064B" <= c <= "\u0652" or c == "\u0670" for c in key)
    assert key == match_key("أعلنت الحكومة هذا القرار")
    # without letter folding: exactly the plain spelling
    assert strip_tashkeel(BR05) == "أعلنت الحكومة هذا القرار"
    assert match_key(BR05, fold_letters=False) == "أعلنت الحكومة هذا القرار"
    # full folding: alef (BR-05) and teh marbuta -> heh (Lucene ArabicNormalizer)
    assert key == "اعلنت الحكومه هذا القرار"


def test_br05_display_keeps_diacritics_removes_only_kashida():
    assert display_text(BR05) == "أعلنت الحُكُومَةُ ه\u0670ذا القرارَ"
    assert display_text("الحكـــومة") == "الحكومة"
    assert match_key("الحكـــومة") == match_key("الحكومة")


@pytest.mark.parametrize("text", ["لـ”الشرق الأوسط”", "11 شوال 1441هـ", "بـ2020", "الـ CNN", "هـ"])
def test_tatweel_not_between_letters_is_kept_in_display(text):
    # written on purpose (detached prefix, هـ/م abbreviations): a reader sees it
    assert display_text(text) == text
    assert "\u0640" not in match_key(text)


def test_all_arabic_marks_removed_from_key_including_quranic():
    # shadda, tanween, sukun, superscript alef, small high marks, Quranic stop signs
    s = "ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَٰلَمِينَ\u06D6 قُرْءَانٌ\u0610"
    assert match_key(s) == "الحمد لله رب العلمين قرءان"


# --------------------------------------------------------------------------- BR-06

BR06_IN = "\u200f\u202bعاجل: وزير\u200b الخارجية يصل إلى\u00a0طهران\u202c\u200e ويقول: «می\u200cخواهیم گفتگو»\ufeff"
BR06_OUT = "عاجل: وزير الخارجية يصل إلى طهران ويقول: «می\u200cخواهیم گفتگو»"


def test_br06_exact():
    assert display_text(BR06_IN) == BR06_OUT
    assert "\u200c" in display_text(BR06_IN)
    assert "میخواهیم" not in display_text(BR06_IN)


@pytest.mark.parametrize("cp", [0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                0x2066, 0x2067, 0x2068, 0x2069, 0x061C, 0xFEFF, 0x2060, 0x00AD])
def test_invisible_controls_removed(cp):
    assert display_text(f"وزير{chr(cp)}ة") == "وزيرة"
    assert display_text(f"{chr(cp)}خبر {chr(cp)}") == "خبر"


@pytest.mark.parametrize("cp", [0x0009, 0x000A, 0x000D, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
                                0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029,
                                0x202F, 0x205F, 0x3000])
def test_unicode_spaces_become_one_space(cp):
    assert display_text(f"  عاجل{chr(cp)}{chr(cp)} الخبر{chr(cp)}") == "عاجل الخبر"


def test_zwnj_and_zwj_kept_in_display():
    assert display_text("می\u200cخواهیم") == "می\u200cخواهیم"
    assert display_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"


# --------------------------------------------------------------------------- word ligatures (ﷺ)

def test_word_ligatures_kept_in_display_expanded_in_key():
    assert display_text("قال النبي ﷺ") == "قال النبي ﷺ"
    assert display_text("ﷲ ﷻ ﷽ 100 ﷼") == "ﷲ ﷻ ﷽ 100 ﷼"
    assert match_key("قال النبي ﷺ") == match_key("قال النبي صلى الله عليه وسلم") == "قال النبي صلي الله عليه وسلم"
    assert match_key("ﷲ") == match_key("الله") == "الله"
    assert match_key("ﷻ") == "جل جلاله"
    assert match_key("100 ﷼") == "100 ريال"
    # no decomposition in Unicode: kept as a symbol everywhere
    assert match_key("ﷺ").count(" ") == 3 and match_key("\uFDFE") == "\uFDFE"


# --------------------------------------------------------------------------- display never rewrites

@pytest.mark.parametrize("text", ["انتظروا…", "٪٥٠", "٣٠ درجة ℃", "م²", "ＡＢＣ", "ﬁ", "“نعتقد”", "«عاجل»",
                                  "١٢٣", "۱۲۳", "مساعٍ سورية – دولية", "الخارجية، ، أوضح", "x\u0301"])
def test_display_does_not_apply_nfkc_outside_presentation_forms(text):
    expected = unicodedata.normalize("NFC", text)
    assert display_text(text) == expected


def test_thiqa_seed_strings_unchanged():
    strings = _seed_strings()
    assert len(strings) == 15 + 2 + 7 + 1
    for s in strings:
        assert display_text(s) == s


def test_thiqa_seed_text_lines_unchanged():
    lines = [line for line in (SEED / "thiqa-page-visible-text.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    assert len(lines) >= 10
    for line in lines:
        assert display_text(line) == line


def test_nfc_composes_and_orders_marks():
    assert display_text("ا\u0654مر") == "أمر"
    # shadda typed before fatha: canonical order puts fatha (ccc 30) before shadda (ccc 33)
    assert display_text("قد\u0651\u064Eر") == "قد\u064E\u0651ر"
    assert match_key("ا\u0654مر") == match_key("أمر") == "امر"
    assert match_key("و\u0654") == "ؤ"


# --------------------------------------------------------------------------- match key rules

def test_hamza_on_waw_and_yeh_not_folded():
    # Lucene ArabicNormalizer folds only hamza on alef
    assert match_key("مسؤول") == "مسؤول"
    assert match_key("رئيس") == "رئيس" != match_key("ريس")
    assert match_key("سماء") == "سماء"
    assert match_key("ٱلله") == "الله"


def test_persian_letters_fold_like_lucene_persian_normalizer():
    assert match_key("ی") == "ي"
    assert match_key("کتاب") == "كتاب"
    assert match_key("ہ ۀ ے") == "ه ه ي"


def test_digits_to_ascii_in_key_only():
    assert match_key("٢٠٢٤ ۱۴۰۳") == "2024 1403"
    assert display_text("٢٠٢٤") == "٢٠٢٤"


def test_punctuation_rule_all_p_categories_become_spaces():
    assert match_key("«عاجل»: الحكومة، تعلن؛ هل؟ …") == "عاجل الحكومه تعلن هل"
    assert match_key("أ، ب") == match_key("أ, ب") == "ا ب"
    assert match_key("هل؟") == match_key("هل?")
    assert match_key("كوفيد-19") == "كوفيد 19"
    assert match_key("٣٫٥٪") == "3 5"
    assert match_key("“الشرق”") == "الشرق"
    assert match_key("a_b (c) [d] {e} ¡f! ¿g? ‹h›") == "a b c d e f g h"
    # symbols (S*) are kept
    assert match_key("50$ +3 °C ℃") == "50$ +3 °c ℃"


def test_casefold_latin():
    assert match_key("BBC News عاجل") == "bbc news عاجل"
    assert match_key("Straße") == "strasse"


def test_zwnj_becomes_space_in_key_and_never_in_tokens():
    assert match_key("می\u200cخواهیم") == "مي خواهيم"
    toks = tokens(BR06_IN)
    assert toks == ["عاجل", "وزير", "الخارجيه", "يصل", "الي", "طهران", "ويقول", "مي", "خواهيم", "گفتگو"]
    assert all("\u200c" not in t for t in toks)


def test_format_characters_dropped_from_key():
    assert match_key("وزي\u200dر") == "وزير"
    assert match_key("\u0600١٢") == "12"


def test_tokens_unicode_aware():
    assert tokens("قال ﷺ: Hello, World! ٣ كوفيد-19 $5") == ["قال", "صلي", "الله", "عليه", "وسلم", "hello", "world", "3", "كوفيد", "19", "5"]
    assert tokens("") == []
    assert tokens("… ، «»") == []
    assert tokens("café naïve") == ["café", "naïve"]


def test_empty_and_whitespace():
    assert display_text("") == ""
    assert display_text(" \u00a0\u200f\n") == ""
    assert match_key("") == ""
    assert match_key(" … ") == ""
    assert strip_tashkeel("") == ""


@pytest.mark.parametrize("fn", [display_text, match_key, strip_tashkeel, tokens, display_and_key])
@pytest.mark.parametrize("bad", [None, b"\xd8\xa7", 5])
def test_non_str_raises_type_error(fn, bad):
    with pytest.raises(TypeError):
        fn(bad)


# --------------------------------------------------------------------------- real pages

def test_real_pages_idempotent_and_consistent():
    assert len(PAGE_TEXTS) > 1000
    for t in PAGE_TEXTS:
        d = display_text(t)
        assert display_text(d) == d
        k = match_key(t)
        assert match_key(d) == k
        assert match_key(k) == k
        assert display_and_key(t) == (d, k)
        assert "  " not in d and d == d.strip()
        assert _no_presentation_forms(k)
        assert not any("\u064B" <= c <= "\u0652" or c in "\u0640\u0670\u200c\u200f" for c in k)


def test_real_pages_display_only_changes_invisible_things():
    """Display cleaning of real page text changes only whitespace, invisible controls, kashida
    and canonical mark order: removing those from both sides gives identical strings."""
    def visible(s):
        s = unicodedata.normalize("NFC", s)
        return "".join(c for c in s if not c.isspace() and unicodedata.category(c) != "Cf" and c != "\u0640")

    changed = 0
    for t in PAGE_TEXTS:
        d = display_text(t)
        changed += d != t
        assert visible(d) == visible(t)
    assert changed > 100  # the real pages do carry NBSP/newline/RLM noise


def test_chunked_nfc_equals_whole_string_nfc():
    """display_text normalises long strings half by half (split at a space); the result must
    equal NFC of the whole string, wherever the non-NFC sequences sit."""
    base = " ".join(_seed_strings() * 8)
    assert len(base) > 4 * 4096
    words = base.split(" ")
    for step in (1, 7, 101):
        ws = list(words)
        for i in range(0, len(ws), step):
            ws[i] = ws[i] + "\u0651\u064E"  # shadda then fatha: not canonical order
        text = " ".join(ws) + " ا\u0654"  # decomposed hamza at the very end
        for shift in range(0, 40, 3):  # move the halving points across the text
            t = "ب" * shift + text
            assert not unicodedata.is_normalized("NFC", t)
            assert display_text(t) == unicodedata.normalize("NFC", t)


# --------------------------------------------------------------------------- issue 19: four findings

@pytest.mark.parametrize("cp", [0xFE70, 0xFE72, 0xFE74, 0xFE76, 0xFE78, 0xFE7A, 0xFE7C, 0xFE7E,
                                0xFC5E, 0xFC5F, 0xFC60, 0xFC61, 0xFC62, 0xFC63])
def test_isolated_vowel_forms_do_not_split_the_word(cp):
    # «درس» typed in presentation forms with the vowel as an isolated form
    word = "\uFEA9\uFEAD" + chr(cp) + "\uFEB1"
    shown = display_text(word)
    assert " " not in shown
    assert shown == "در" + unicodedata.normalize("NFKC", chr(cp)).strip() + "س"
    assert match_key(word) == "درس"


def test_isolated_fatha_example_from_the_issue():
    assert display_text("ﺩﺭﹶﺱ") == "درَس"
    assert match_key("ﺩﺭﹶﺱ") == "درس"


def test_quranic_small_waw_and_yeh_leave_the_key():
    assert match_key("إِنَّهُۥ") == "انه"
    assert match_key("فِيهِۦ") == "فيه"
    assert strip_tashkeel("إِنَّهُۥ") == "إنه"
    assert display_text("إِنَّهُۥ") == "إِنَّهُۥ"  # shown as written


@pytest.mark.parametrize("text,expected", [
    ("زادۂ", "زاده"),  # NFC: ہ + hamza above -> U+06C2
    ("زاده\u06C1\u0654", "زادهه"),  # the decomposed pair composes to U+06C2 first, then folds
    ("ۓ", "ي"),  # ے + hamza above -> U+06D3
    ("ے\u0654", "ي"),
])
def test_folded_letters_composed_with_hamza_fold_too(text, expected):
    assert match_key(text) == expected


def test_basmala_ligature_expanded_in_key_kept_in_display():
    assert match_key("﷽") == match_key("بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ") == "بسم الله الرحمن الرحيم"
    assert display_text("﷽") == "﷽"


@pytest.mark.parametrize("text,expected", [
    ("ڤيروس", "فيروس"), ("ڨال", "قال"), ("ھذا", "هذا"),
    ("\u0968\u0966\u0968\u0966", "2020"),  # Devanagari digits
    ("\uFF12\uFF10\uFF12\uFF10", "2020"),  # full-width digits
])
def test_cheap_folds_and_digits_of_every_script(text, expected):
    assert match_key(text) == expected


def test_cp1256_byte_0xaa_keys_like_heh():
    # Python's windows-1256 decoder yields U+06BE for byte 0xAA
    decoded = b"\xaa\xd0\xc7".decode("cp1256")
    assert decoded[0] == "\u06BE"
    assert match_key(decoded) == match_key("هذا")
