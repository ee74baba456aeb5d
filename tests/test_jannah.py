"""The Jannah family (thiqa, jannah_demo, eldigitaldealbacete) on real saved pages."""

import json
from datetime import datetime, timezone

import pytest

from newscrawl.text.arabic import display_text
from newscrawl.items import ArticleItem, TickerItem
from newscrawl.spiders.eldigitaldealbacete import ElDigitalDeAlbaceteSpider
from newscrawl.spiders.jannah_demo import JannahDemoSpider
from newscrawl.spiders.thiqa import ThiqaSpider
from tests.helpers import FIXTURES, page, split_output


def test_demo_home_ticker_matches_oracle_in_order():
    response, oracle = page("jannah.tielabs.com")
    items, requests = split_output(JannahDemoSpider().parse(response))
    tickers = [i for i in items if isinstance(i, TickerItem)]
    assert [t["headline"] for t in tickers] == oracle["ticker_headlines"]
    assert [t["position"] for t in tickers] == list(range(7))
    # relative hrefs resolved against the page URL
    assert tickers[0]["url"].startswith("https://jannah.tielabs.com/rtl/2016/10/28/%d9%84%d8%a7-")
    assert all(t["page_url"] == "https://jannah.tielabs.com/rtl/" and t["site"] == "jannah_demo" for t in tickers)
    assert all(t["seen_at"].tzinfo is timezone.utc for t in tickers)
    # a home page is not an article
    assert not [i for i in items if isinstance(i, ArticleItem)]
    # it is a listing: article links and category pages are followed, within the site
    urls = [r.url for r in requests]
    assert any("/rtl/2016/10/03/" in u for u in urls)
    assert any("/rtl/category/" in u for u in urls)
    assert all(u.startswith("https://jannah.tielabs.com/") for u in urls)


def test_ticker_once_per_crawl_per_headline():
    response, oracle = page("jannah.tielabs.com")
    spider = JannahDemoSpider()
    first, _ = split_output(spider.parse(response))
    second, _ = split_output(spider.parse(response))
    assert len([i for i in first if isinstance(i, TickerItem)]) == 7
    assert [i for i in second if isinstance(i, TickerItem)] == []


def test_thiqa_spider_reads_the_same_ticker_markup():
    response, oracle = page("jannah.tielabs.com")
    items, _ = split_output(ThiqaSpider(start_url="https://jannah.tielabs.com/rtl/").parse(response))
    assert [i["headline"] for i in items if isinstance(i, TickerItem)] == oracle["ticker_headlines"]


def test_max_articles_limits_followed_article_links():
    response, _ = page("jannah.tielabs.com")
    spider = JannahDemoSpider(max_articles=3, max_listing_pages=0)
    _, requests = split_output(spider.parse(response))
    assert len([r for r in requests if r.meta["page_kind"] == "article"]) == 3
    assert [r for r in requests if r.meta["page_kind"] == "listing"] == []


def test_jannah_article_on_real_page_matches_oracle():
    response, oracle = page("eldigitaldealbacete.com")
    items, requests = split_output(ElDigitalDeAlbaceteSpider().parse(response))
    assert requests == []
    (item,) = items
    assert item["title"] == oracle["title"]  # h1 outside article#the-post (post-layout-4)
    assert item["published"] == datetime(2020, 3, 20, 9, 0, 3, tzinfo=timezone.utc)
    assert item["published_raw"] == "2020-03-20T09:00:03+00:00"
    assert item["modified"] == datetime(2020, 3, 20, 11, 29, 52, tzinfo=timezone.utc)
    assert item["author"] is None and item["agency"] == "Redacción"
    assert len(item["body"]) == oracle["paragraph_count"] == 6
    assert item["body"][0].startswith(oracle["body_first_sentence"])
    assert item["body"][-1].endswith(oracle["body_last_sentence"])
    assert item["categories"] == oracle["categories"] and item["tags"] == oracle["tags"]
    assert item["language"] == "es"
    assert item["extraction"] == "site:eldigitaldealbacete"
    assert item["canonical_url"] == oracle["url"]
    assert item["images"][0]["url"].endswith("/2020/03/Centro-de-la-Mujer-2.jpg")
    text = "\n".join(item["body"])
    for trap in ("/Redacción/", "TOyota", "Facebook", "WhatsApp", "Compartir", "Botón volver arriba", "\u00a0"):
        assert trap not in text


def test_thiqa_seed_text_survives_display_cleaning_unchanged():
    """The seed is the visible text of a real Thiqa page: display cleaning must not rewrite a word."""
    seed = json.loads((FIXTURES / "seed" / "thiqa-page-visible-text.expected.json").read_text(encoding="utf-8"))
    for s in seed["ticker_headlines"] + seed["body_paragraphs"] + [seed["title"], seed["agency"]]:
        assert display_text(s) == s
    assert len(seed["ticker_headlines"]) == 15 and len(seed["body_paragraphs"]) == 7


def test_thiqa_seed_split_is_what_the_ticker_and_body_rules_give():
    """The seed text dump runs the 15 headlines together; the spider reads them as separate <li> items,
    keeps the agency credit out of the author, and the back-to-top text out of the body."""
    from newscrawl.extractors.boilerplate import is_boilerplate
    from newscrawl.spiders.thiqa import ThiqaArticlePage

    seed = json.loads((FIXTURES / "seed" / "thiqa-page-visible-text.expected.json").read_text(encoding="utf-8"))
    raw = (FIXTURES / "seed" / "thiqa-page-visible-text.txt").read_text(encoding="utf-8")
    first_line = raw.splitlines()[0]
    assert first_line == "".join(seed["ticker_headlines"])  # the dump is the strip's items in order
    for line in seed["boilerplate_not_in_body"]:
        assert is_boilerplate(line)
    assert not any(is_boilerplate(p) for p in seed["body_paragraphs"])
    assert seed["agency"] in ThiqaArticlePage.AGENCY_NAMES


@pytest.mark.parametrize("raw,expected", [
    ("كتبت أسماء نصار", "أسماء نصار"),  # youm7: «كتبت» must win over «كتب»
    ("كتب ضحى عرفة", "ضحى عرفة"),
    ("حوار: آسيا العتروس", "آسيا العتروس"),
    ("(أبوظبي - البيان)", "أبوظبي - البيان"),
    ("كتبي محمد", "كتبي محمد"),  # a name that starts like the verb is not cut
])
def test_clean_byline(raw, expected):
    from newscrawl.extractors.base import clean_byline

    assert clean_byline(raw) == expected


def test_links_per_page_are_capped_and_the_rest_counted():
    from scrapy.utils.test import get_crawler

    response, _ = page("jannah.tielabs.com")
    crawler = get_crawler(JannahDemoSpider, {"NEWSCRAWL_MAX_LINKS_PER_PAGE": 5})
    crawler._apply_settings()
    crawler.stats.open_spider()
    spider = JannahDemoSpider.from_crawler(crawler)
    _, requests = split_output(spider.parse(response))
    _, all_requests = split_output(JannahDemoSpider().parse(response))  # default cap (1000): every link
    assert len(requests) == 5 and len(all_requests) > 40
    assert [r.url for r in requests] == [r.url for r in all_requests[:5]]
    assert crawler.stats.get_value("newscrawl/links/over_page_limit") == len(all_requests) - 5
