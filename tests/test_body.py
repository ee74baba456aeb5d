"""Issue 11 item 5: what is body text -- read-also lines, signatures, <br> inside <p>
(real saved pages first, one synthetic rule beside them)."""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from lxml import html as lxml_html

from newscrawl.extractors.boilerplate import is_boilerplate, is_read_also_element, is_signature_line
from newscrawl.extractors.html import text_blocks
from newscrawl.extractors.jannah import JannahArticlePage
from tests.helpers import page, response_for
from tests.test_sites import norm


def test_eyethunews_read_also_paragraphs_br_and_house_note_through_the_jannah_parser():
    """Four «<strong>FUNDA OLUNYE UDABA LAPHA |</strong> <a>…</a>» paragraphs are not body, a <br>
    inside a <p> is a line break of that paragraph, the theme's «At Caxton …» note after the
    below-content ad slot is not body: 14 paragraphs = the oracle's 14 <p>."""
    response, oracle = page("eyethunews.co.za")
    body = JannahArticlePage(response, site="t").body()
    assert len(body) == oracle["paragraph_count"] == 14
    assert body[0].startswith(norm(oracle["body_first_sentence"]))
    assert body[-1].endswith(norm(oracle["body_last_sentence"]))
    text = "\n".join(body)
    assert "FUNDA OLUNYE" not in text and "At Caxton" not in text
    assert "olwedlule.Ngokuthola" not in text and "olwedlule. Ngokuthola" in body[0]


@pytest.mark.parametrize("line", [
    "اقرأ أيضاً: الحكومة تعلن خطة لدعم المزارعين",
    "إقرأ أيضا | ارتفاع أسعار الذهب",
    "شاهد أيضا: فيديو الحادث",
    "تابعونا على فيسبوك وتويتر",
    "تابعوا آخر الأخبار عبر تطبيق الهاتف",
    "Read also: Police raise alarm after spike in attacks",
    "اقرأ أيضاً",
])
def test_read_also_and_follow_us_lines_are_boilerplate(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "قال الوزير إن الحكومة تعلن خطة لدعم المزارعين.",
    "تابع الرئيس حديثه قائلا إن الأزمة ستنتهي قريبا.",
    "وأضاف: اقرأ التقرير كاملا لتعرف الأرقام.",
])
def test_body_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize("fragment,expected", [
    ('<p><strong>FUNDA OLUNYE UDABA LAPHA |</strong><a href="/x"> Uboshiwe osolwa</a></p>', True),
    ('<p>اقرأ أيضاً: <a href="/x">ارتفاع أسعار الذهب</a></p>', True),
    ('<p><b>ذات صلة</b> <a href="/x">عنوان آخر</a></p>', True),
    ('<p>قال الوزير في <a href="/x">مؤتمر صحفي</a> إن الخطة ستنفذ العام المقبل في كل المحافظات.</p>', False),
    ('<p><strong>القاهرة</strong> - قال الوزير في <a href="/x">مؤتمر</a> إن الخطة جديدة</p>', False),
    ('<p><strong>روابط:</strong> <a href="/a">أ</a> و <a href="/b">ب</a></p>', False),
])
def test_read_also_paragraph_is_a_label_plus_one_link(fragment, expected):
    assert is_read_also_element(lxml_html.fragment_fromstring(fragment)) is expected


def test_text_blocks_drops_read_also_paragraphs_and_keeps_sentences_apart():
    sel = response_for(
        "<div id='b'><p>الفقرة الأولى.<br>جملة ثانية في الفقرة نفسها.</p>"
        "<p><strong>اقرأ أيضاً:</strong> <a href='/x'>خبر آخر</a></p>"
        "<p><strong>*سؤال المحاور؟</strong><br>-جواب الضيف.</p><p>سطر<br><br>فقرة بعد سطر فارغ</p></div>".encode(),
        "https://news.example/a").css("#b")[0]
    assert text_blocks(sel, split_br_in_p=False) == [
        "الفقرة الأولى. جملة ثانية في الفقرة نفسها.", "*سؤال المحاور؟", "-جواب الضيف.", "سطر", "فقرة بعد سطر فارغ"]
    # default (non-WordPress CMSs write paragraphs as <br>-separated text): every <br> splits
    assert text_blocks(sel)[:2] == ["الفقرة الأولى.", "جملة ثانية في الفقرة نفسها."]


@pytest.mark.parametrize("line,expected", [
    ("(Ed de Leon)", True), ("(أ ف ب)", True), ("[رويترز]", True),
    ("(قال الرئيس إن الحكومة ستعمل على خطة جديدة للأعوام المقبلة)", False),
    ("Ganyan lang ang buhay.", False),
])
def test_signature_line(line, expected):
    assert is_signature_line(line) is expected


def test_generic_reader_on_eyethunews_subtitle_read_also_and_br_parts():
    """trafilatura keeps the h2.entry-sub-title standfirst (= the description), the read-also lines and
    splits each <p> at its <br>; the generic reader gives the oracle's 14 paragraphs."""
    from newscrawl.extractors.generic import GenericArticlePage

    response, oracle = page("eyethunews.co.za")
    body = GenericArticlePage(response, site="generic").body()
    assert len(body) == oracle["paragraph_count"] == 14
    assert body[0].startswith(norm(oracle["body_first_sentence"]))
    assert body[-1].endswith(norm(oracle["body_last_sentence"]))
    assert not any("FUNDA OLUNYE" in p for p in body)
    assert "olwedlule. Ngokuthola" in body[0]


def test_generic_reader_on_hatawtabloid_drops_the_signature_line():
    """Sahifa theme: five <p>, the last is «<strong>(Ed de Leon)</strong>», a signature -> 4 paragraphs."""
    from newscrawl.extractors.generic import GenericArticlePage

    response, oracle = page("hatawtabloid.com")
    body = GenericArticlePage(response, site="generic").body()
    assert len(body) == oracle["paragraph_count"] == 4
    assert body[-1] == "Ganyan lang ang buhay."
    assert " ".join(body[-2:]).endswith(oracle["body_last_sentence"])


@pytest.mark.parametrize("line", ["الكلمات الدلالية: كورونا مصر الصحة", "Tags: Business, Inflation", "انظر أيضا: مصر تحظر تصدير الكحول"])
def test_tag_list_and_see_also_lines_are_boilerplate(line):
    assert is_boilerplate(line)


def test_headline_inside_the_body_container_is_not_a_paragraph():
    """The real thenassauguardian.com article with its h1 moved into the body container."""
    response, oracle = page("thenassauguardian.com")
    h1 = '<h1 class="post-title entry-title">Super Value ‘stumped’ on when price hikes will end</h1>'
    html = response.text
    assert h1 in html
    html = html.replace('<div class="entry-content entry clearfix">', '<div class="entry-content entry clearfix">' + h1, 1)
    body = JannahArticlePage(response_for(html.encode("utf-8"), response.url), site="t").body()
    assert len(body) == oracle["paragraph_count"] == 11
    assert body[0].startswith(norm(oracle["body_first_sentence"]))


def test_read_also_line_inside_a_wordpress_paragraph_is_left_out():
    sel = response_for(
        "<div id='b'><p>قال الوزير إن الخطة ستنفذ.<br>اقرأ أيضاً: <a href='/x'>خبر آخر</a><br>وأضاف أن التمويل جاهز.</p></div>"
        .encode(), "https://news.example/a").css("#b")[0]
    assert text_blocks(sel, split_br_in_p=False) == ["قال الوزير إن الخطة ستنفذ. وأضاف أن التمويل جاهز."]


# ---- skipping CSS alternatives the page cannot match (issue 14) ----------------------------------

def _page_classes():
    import inspect

    from scrapy.utils.misc import walk_modules_iter

    from newscrawl.extractors.base import ArticlePage

    found = set()
    for module in walk_modules_iter("newscrawl.extractors"):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ArticlePage):
                found.add(cls)
    return sorted(found, key=lambda c: c.__qualname__)


_CSS_FIELDS = ("ARTICLE_CSS", "TITLE_CSS", "BODY_CSS", "BODY_DROP_CSS", "LEAD_CSS", "DATE_CSS", "AUTHOR_CSS",
               "CATEGORY_CSS", "TAG_CSS", "IMAGE_CSS")


def test_pruned_selectors_select_the_same_elements_on_every_saved_page():
    """Every CSS group of every page object, on every real saved page: the alternatives kept by
    :class:`PageTokens` select exactly what the whole group selects."""
    from newscrawl.extractors.html import PageTokens, select

    groups = {getattr(cls, f) for cls in _page_classes() for f in _CSS_FIELDS if getattr(cls, f, None)}
    assert len(groups) > 30
    pruned = compared = 0
    for path in sorted(Path(__file__).parent.joinpath("fixtures", "pages").rglob("*.html")):
        sel = HtmlResponse(url="https://example.test/", body=path.read_bytes()).selector
        present = PageTokens(sel.root)
        for css in groups:
            assert [e.root for e in select(sel, css, present)] == [e.root for e in sel.css(css)], (path.name, css)
            pruned += present.prune(css) != css
            compared += 1
    assert pruned > compared // 3  # most groups carry alternatives for other themes' markup


def test_required_tokens_of_one_selector():
    from newscrawl.extractors.html import PageTokens, required_tokens, select

    assert required_tokens("article#the-post .entry-content img") == (frozenset({"entry-content"}), frozenset({"the-post"}))
    assert required_tokens("div:not(.ad) > p.lead") == (frozenset({"lead"}), frozenset())  # :not() requires nothing
    assert required_tokens('a[href$=".pdf"], x') == (frozenset(), frozenset())
    assert required_tokens(r".a\:b") is None  # an escape: unknown, always evaluated
    sel = HtmlResponse(url="https://example.test/", body='<p class="a\xa0b c\td" id="x y">t</p>'.encode()).selector
    present = PageTokens(sel.root)
    assert present.classes == {"a", "b", "c", "d"} and present.ids == {"x y"}
    assert present.may_match("p.c.d") and not present.may_match("#x") and not present.may_match(".e")
    # «a\xa0b» is one class to XPath: ".a" is not ruled out (it runs, and matches nothing)
    assert present.may_match(".a") and select(sel, ".a", present) == [] == sel.css(".a")
