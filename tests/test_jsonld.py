"""Issue 11 item 3 (last bullet): JSON-LD that is not strict JSON is still read.

Each variant wraps the REAL NewsArticle block of the saved albayan.ae page the way real CMSs
and plugins do, and puts it back into that page; the page's headline and date must come out.
"""

import re

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.extractors.metadata import MAX_JSONLD_DEPTH, JsonLdTooDeep, PageMetadata, parse_jsonld
from newscrawl.spiders.generic import GenericSpider
from tests.helpers import page, response_for, split_output

HEADLINE = "القائم بأعمال السفارة الأفغانية يثمّن جهود الإمارات"
PUBLISHED = "2020-06-03T03:01+0400"
_SCRIPT = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)


def _albayan():
    response, oracle = page("albayan.ae")
    html = response.text
    m = _SCRIPT.search(html)
    assert m, "the saved albayan.ae page has one JSON-LD block"
    return response, html, m


def _with_block(text: str):
    """The real albayan.ae page with its JSON-LD block's text replaced by ``text(original)``."""
    response, html, m = _albayan()
    body = html[: m.start(2)] + text(m.group(2).strip()) + html[m.end(2):]
    return response_for(body.encode("utf-8"), response.url)


def _meta(text) -> PageMetadata:
    return PageMetadata(_with_block(text).selector)


def test_real_block_is_strict_json_and_read():
    meta = _meta(lambda b: b)
    assert meta.ld("headline") == HEADLINE and meta.ld("datePublished") == PUBLISHED
    assert not meta.dropped


@pytest.mark.parametrize("wrap", [
    pytest.param(lambda b: f"<!--\n{b}\n-->", id="html-comment"),
    pytest.param(lambda b: f"\n// <![CDATA[\n{b}\n// ]]>\n", id="cdata-js-comments"),
    pytest.param(lambda b: f"<!--\n//<![CDATA[\n{b}\n//]]>\n-->", id="comment-and-cdata"),
    pytest.param(lambda b: f"// Schema by an SEO plugin\n// generated\n{b}", id="leading-line-comments"),
    pytest.param(lambda b: f"{b};", id="trailing-semicolon"),
    pytest.param(lambda b: f"/* schema */ {b} ;\n", id="block-comment-and-semicolon"),
    pytest.param(lambda b: b.replace(HEADLINE, HEADLINE.replace(" ", "\n", 1), 1), id="raw-newline-in-string"),
])
def test_lenient_variants_read_the_real_block(wrap):
    meta = _meta(wrap)
    assert not meta.dropped
    assert meta.ld("datePublished") == PUBLISHED
    assert meta.ld("headline").replace("\n", " ") == HEADLINE


def test_raw_tab_and_newline_inside_strings():
    assert parse_jsonld('{"headline": "سطر\tأول\nسطر ثان"}') == [{"headline": "سطر\tأول\nسطر ثان"}]


def test_several_objects_in_one_script_are_all_read():
    meta = _meta(lambda b: '{"@type": "BreadcrumbList", "itemListElement": []}\n' + b + ";\n"
                           '{"@type": "Organization", "name": "البيان"}')
    types = [n.get("@type") for n in meta.jsonld]
    assert types[0] == "BreadcrumbList" and types[-1] == "Organization"
    assert meta.ld("headline") == HEADLINE  # the article is found among them


def test_graph_is_flattened():
    meta = _meta(lambda b: '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "x"}, ' + b + "]}")
    assert meta.ld("headline") == HEADLINE and meta.ld("datePublished") == PUBLISHED


def test_comments_and_trailing_commas_inside_the_object_json5():
    text = ('{\n  // the article\n  "@type": "NewsArticle",\n  "headline": "عنوان",  /* seo */\n'
            '  "datePublished": "2024-03-14T10:00:00+03:00",\n  "keywords": ["a", "b",],\n}')
    assert parse_jsonld(text) == [{"@type": "NewsArticle", "headline": "عنوان",
                                   "datePublished": "2024-03-14T10:00:00+03:00", "keywords": ["a", "b"]}]


def test_uppercase_or_parametrized_script_type_is_read():
    response, html, m = _albayan()
    body = html[: m.start(1)] + '<script type="Application/LD+JSON; charset=utf-8">' + html[m.end(1):]
    meta = PageMetadata(response_for(body.encode(), response.url).selector)
    assert meta.ld("headline") == HEADLINE


@pytest.mark.parametrize("deep", [
    pytest.param("[" * 100_000 + "]" * 100_000, id="past-recursion-limit"),
    pytest.param('{"a":' * (MAX_JSONLD_DEPTH + 1) + "1" + "}" * (MAX_JSONLD_DEPTH + 1), id="past-depth-limit"),
])
def test_absurd_nesting_raises_too_deep_never_recursion_error(deep):
    with pytest.raises(JsonLdTooDeep):
        parse_jsonld(deep)


def test_unreadable_text_raises_value_error():
    with pytest.raises(ValueError):
        parse_jsonld("{headline: عنوان بلا علامات")


def test_deep_block_is_a_counted_drop_and_the_page_survives():
    """A second, absurdly deep block beside the real one: that block is dropped and counted,
    the article (title, date from the real block) is extracted."""
    deep = "[" * 100_000 + "]" * 100_000
    response, html, m = _albayan()
    body = html[: m.end(3)] + f'<script type="application/ld+json">{deep}</script>' + \
        '<script type="application/ld+json">{"@type": broken</script>' + html[m.end(3):]
    response = response_for(body.encode("utf-8"), response.url)
    crawler = get_crawler(GenericSpider, {})
    crawler._apply_settings()
    crawler.stats.open_spider()
    spider = GenericSpider.from_crawler(crawler, url=response.url, tz="Asia/Dubai")
    items, _ = split_output(spider.parse(response))
    (item,) = items
    assert item["title"] == HEADLINE
    assert item["published_raw"] == PUBLISHED
    assert crawler.stats.get_value("newscrawl/jsonld/dropped/too_deep") == 1
    assert crawler.stats.get_value("newscrawl/jsonld/dropped/unparseable") == 1
