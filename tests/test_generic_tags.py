"""The generic reader's last source of tags: a visible tag block (label + links).

The real case is arabic.sputniknews.com («الكلمات الدلالية:» + two links; checked by
tests/test_sites.py::test_generic_fallback_matches_oracle_except_known); these snippets pin the
rule's edges."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

from newscrawl.extractors.generic import GenericArticlePage


def tags_of(body: str) -> list[str]:
    url = "https://news.example/a/1"
    html = f"<html><head><title>t</title></head><body><h1>t</h1>{body}</body></html>"
    page = GenericArticlePage(HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url)), site="g")
    return page.tags()


def test_label_and_its_links():
    assert tags_of('<div><span>الوسوم:</span> <a href="/t/1">مصر</a> <a href="/t/2">كورونا</a></div>') == ["مصر", "كورونا"]
    assert tags_of('<p><b>Tags:</b> <a href="/t/1">Gaza</a></p>') == ["Gaza"]


def test_a_label_word_inside_a_sentence_is_no_tag_block():
    assert tags_of('<p>اطلع على الوسوم <a href="/t/1">هنا</a> للمزيد</p>') == []


def test_a_label_in_a_sidebar_or_menu_is_not_the_articles():
    assert tags_of('<aside><div><span>الوسوم</span><a href="/t/1">رياضة</a></div></aside>') == []
    assert tags_of('<div class="menu"><span>Tags</span><a href="/t/1">World</a></div>') == []
