"""Bylines, agency credits and datelines (newscrawl.extractors.credits), on the credit strings
real pages print and through the page objects on the saved pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from newscrawl.extractors.credits import Credit, agency_name, is_placeholder, opening_credit, parse_credit, publisher_keys
from newscrawl.extractors.generic import GenericArticlePage

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize("text, expected", [
    # the saved pages' own credit strings
    ("(أبوظبي - البيان)", Credit(agency="البيان", dateline="أبوظبي")),
    ("حسام أبو العلا - القاهرة", Credit(author="حسام أبو العلا", dateline="القاهرة")),
    ("كتبت أسماء نصار", Credit(author="أسماء نصار")),
    ("حوار: آسيا العتروس", Credit(author="آسيا العتروس")),
    ("كتب ضحى عرفة", Credit(author="ضحى عرفة")),
    ("وكالة ثقة", Credit(agency="وكالة ثقة")),
    # agency credits as Arabic papers print them
    ("أ ف ب", Credit(agency="فرانس برس")),
    ("(أ.ف.ب)", Credit(agency="فرانس برس")),
    ("ا ف ب", Credit(agency="فرانس برس")),
    ("AFP", Credit(agency="فرانس برس")),
    ("دمشق-سانا", Credit(agency="سانا", dateline="دمشق")),
    ("دمشق (سانا)", Credit(agency="سانا", dateline="دمشق")),
    ("الرياض - واس", Credit(agency="واس", dateline="الرياض")),
    ("القاهرة - أ ش أ", Credit(agency="أ ش أ", dateline="القاهرة")),
    ("عمان - بترا", Credit(agency="بترا", dateline="عمان")),
    ("برلين - د ب أ", Credit(agency="د ب أ", dateline="برلين")),
    ("رام الله - وفا", Credit(agency="وفا", dateline="رام الله")),
    ("أنقرة - الأناضول", Credit(agency="الأناضول", dateline="أنقرة")),
    ("المصدر: وكالات", Credit(agency="وكالات")),
    ("وكالة الأنباء الليبية", Credit(agency="وال")),
    ("وكالة الأنباء الموريتانية", Credit(agency="وكالة الأنباء الموريتانية")),  # any «وكالة …» credit
    ("رويترز", Credit(agency="رويترز")),
    # a reporter and an agency
    ("محمد علي - رويترز", Credit(author="محمد علي", agency="رويترز")),
    ("الفجيرة - وام", Credit(agency="وام", dateline="الفجيرة")),  # a one-word place not in the list
    ("ياسر حسن (أ ف ب)", Credit(author="ياسر حسن", agency="فرانس برس")),
    # a city first, then a person
    ("بيروت - محمد علي", Credit(author="محمد علي", dateline="بيروت")),
    # placeholders name nobody
    ("المحرر", Credit()),
    ("هيئة التحرير", Credit()),
    ("admin", Credit()),
    ("Online News Editor", Credit()),
    ("By Web Desk", Credit()),
    # a name that merely contains an agency's word is a name
    ("أحمد رويترز الخطيب", Credit(author="أحمد رويترز الخطيب")),
    ("By Jane Doe", Credit(author="Jane Doe")),
    # not a byline
    ("https://www.facebook.com/someone", Credit()),
    ("", Credit()),
    (None, Credit()),
])
def test_parse_credit(text, expected):
    assert parse_credit(text) == expected


def test_publisher_name_is_never_an_author():
    pubs = publisher_keys("LBCI Lebanon", "قناة صدى البلد", host="www.lbcgroup.tv")
    assert parse_credit("LBCI", publishers=pubs) == Credit()
    assert parse_credit("lbcgroup", publishers=pubs) == Credit()
    assert parse_credit("قناة صدى البلد", publishers=pubs) == Credit()
    # beside a dateline it is the paper's own desk; beside a reporter's name it is dropped
    assert parse_credit("بيروت - LBCI", publishers=pubs) == Credit(agency="LBCI", dateline="بيروت")
    pubs = publisher_keys("اليوم السابع")
    assert parse_credit("محمد علي | اليوم السابع", publishers=pubs) == Credit(author="محمد علي")


def test_agency_and_placeholder_tables():
    assert agency_name("الفرنسية") == "فرانس برس"
    assert agency_name("د.ب.أ") == "د ب أ"
    assert agency_name("كونا") == "كونا"
    assert agency_name("محمد") is None
    assert is_placeholder("فريق التحرير") and is_placeholder("Staff Writer")
    assert not is_placeholder("محمد علي")


@pytest.mark.parametrize("paragraph, expected", [
    ("دمشق-سانا أعلنت وزارة الصحة اليوم تسجيل إصابات جديدة", Credit(agency="سانا", dateline="دمشق")),
    ("القاهرة (رويترز) - قال مسؤولون إن الحكومة ستعلن", Credit(agency="رويترز", dateline="القاهرة")),
    ("الرياض - واس: أعلنت المملكة", Credit(agency="واس", dateline="الرياض")),
    # an ordinary sentence with a dash is no credit
    ("قال الوزير - في مؤتمر صحفي - إن الحكومة", Credit()),
    ("شهد الدكتور محمد عبد العاطي وزير الموارد المائية", Credit()),
])
def test_opening_credit(paragraph, expected):
    assert opening_credit(paragraph) == expected


def _page(host: str, mutate=None):
    oracle_path = next((PAGES / host).glob("*.expected.json"))
    oracle = json.loads(oracle_path.read_text(encoding="utf-8"))
    html = oracle_path.with_name(oracle_path.name.removesuffix(".expected.json") + ".html").read_bytes()
    if mutate:
        html = mutate(html)
    return GenericArticlePage(HtmlResponse(oracle["url"], body=html, request=Request(oracle["url"])), site="generic")


def test_jannah_byline_wrapper_with_a_mail_link_gives_the_name_only():
    # thenassauguardian.com: span.meta-author-wrapper holds the name link and «Send an email»
    page = _page("thenassauguardian.com")
    assert page.author() == "Paige McCartney"
    assert page.publisher() == "The Nassau Guardian"


def test_placeholder_byline_gives_way_to_the_real_one():
    # youm7: the same real page with its JSON-LD/meta author replaced by a CMS placeholder;
    # the visible span.writeBy «كتبت أسماء نصار» is still found
    def placeholder(html: bytes) -> bytes:
        return html.replace('content="اليوم السابع"'.encode(), 'content="المحرر"'.encode())

    page = _page("youm7.com", placeholder)
    assert page.author() == "أسماء نصار"


def test_city_paper_credit_is_split_into_dateline_and_agency():
    page = _page("albayan.ae")
    assert (page.author(), page.agency(), page.dateline()) == (None, "البيان", "أبوظبي")


def test_publisher_meta_author_is_not_an_author():
    page = _page("lbcgroup.tv")  # <meta name=author content="LBCI">, og:site_name «LBCI Lebanon»-like
    assert page.author() is None and page.agency() is None


# ---- lead: a standfirst, never a copy of the body's opening ----------------------------------

from newscrawl.extractors.base import lead_or_none  # noqa: E402


def test_lead_that_copies_the_body_opening_is_dropped():
    body = ["ثمّن أحمد ساير داودزي جهود الإمارات في تقديم المساعدات للدول في العالم.",
            "ودعا داودزي أبناء الجالية الأفغانية في الدولة إلى الالتزام بالإجراءات."]
    # og:description as albayan.ae prints it: paragraphs glued, cut mid-word
    lead = "ثمّن أحمد ساير داودزي جهود الإمارات في تقديم المساعدات للدول في العالم.ودعا داودزي أبناء الجالية الأفغانية في ال"
    assert lead_or_none(lead, body) is None
    assert lead_or_none("ثمن احمد ساير داودزي جهود الامارات في تقديم المساعدات...", body) is None  # tashkeel/hamza only
    standfirst = "السفير يشيد بالتسهيلات المقدمة للجالية خلال الأزمة"
    assert lead_or_none(standfirst, body) == standfirst
    assert lead_or_none(None, body) is None


@pytest.mark.parametrize("host, lead", [
    ("albayan.ae", None),        # og:description: the first 300 characters of the text
    ("youm7.com", None),         # description = first paragraph («والري» vs «والرى»)
    ("alyaum.com", None),        # first paragraph cut with «...»
    ("assabah.com.tn", "- الجيل الذي سعى النظام لتدجينه طوال 3 عقود"),  # a real standfirst: kept
])
def test_lead_on_real_pages(host, lead):
    from tests.test_sites import ARTICLES, the_article

    path = next(p for p in ARTICLES if p.parent.name == host)
    _oracle, _spider, item = the_article(path)
    if lead is None:
        assert item["lead"] is None
    else:
        assert item["lead"].startswith(lead)


def test_yoast_graph_author_reference_is_resolved():
    # Yoast SEO's @graph: the Article names its author by @id only; the Person node has the name
    html = """<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"NewsArticle","@id":"https://news.example/a/#article","headline":"عنوان الخبر",
       "author":{"@id":"https://news.example/#/schema/person/1"},
       "publisher":{"@id":"https://news.example/#organization"}},
      {"@type":"Organization","@id":"https://news.example/#organization","name":"أخبار المثال"},
      {"@type":"Person","@id":"https://news.example/#/schema/person/1","name":"سارة الأحمد"}]}</script>
      </head><body><h1>عنوان الخبر</h1><p>نص</p></body></html>"""
    url = "https://news.example/a/"
    page = GenericArticlePage(HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url)), site="generic")
    assert page.author() == "سارة الأحمد"
    assert page.publisher() == "أخبار المثال"
