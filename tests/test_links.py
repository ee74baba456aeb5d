"""Issue 11 item 1: every article link of a selector group is followed (real saved pages).

``css + "::attr(href)"`` binds ``::attr`` to the group's last alternative only; the spiders
now select elements and read ``@href`` (:func:`newscrawl.spiders.base.link_hrefs`).  The
expected sets here are derived independently of the spiders' CSS, with lxml, from what a
reader sees: headline links, title links and the breaking-news strip.
"""

import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from newscrawl.spiders.base import NewsSpider, link_hrefs
from newscrawl.spiders.jannah import JannahSpider
from newscrawl.spiders.jannah_demo import JannahDemoSpider
from newscrawl.spiders.jnews import JNewsSpider
from newscrawl.spiders.sputnik import SputnikArabicSpider
from tests.helpers import page, response_for, split_output


def _article_requests(spider, response):
    _, requests = split_output(spider.parse(response))
    return [r.url for r in requests if r.meta["page_kind"] == "article"]


def _reader_headline_links(response) -> set[str]:
    """Links a reader sees as stories: anchors inside h1-h4, anchors whose class names a
    title (``a.post-title``) or a story picture (``a.post-thumb``: photo-only widgets), and the items of the breaking-news strip -- same host only, not
    author / category / tag archives (an author box heading links its author page)."""
    doc = lxml_html.fromstring(response.body)
    anchors = doc.xpath(
        "//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
        " | //a[@href][contains(concat(' ', normalize-space(@class), ' '), ' post-title ')]"
        " | //*[contains(concat(' ', normalize-space(@class), ' '), ' breaking-news ')]//li//a[@href]"
        " | //a[@href][contains(@class, 'thumb')]"
    )
    host = urlsplit(response.url).hostname
    urls = {urljoin(response.url, a.get("href").strip()) for a in anchors}
    return {u for u in urls if urlsplit(u).hostname == host and not re.search(r"/(?:author|category|tag)/", u)}


def test_jannah_demo_home_follows_every_headline_a_reader_sees():
    response, _ = page("jannah.tielabs.com")
    followed = _article_requests(JannahDemoSpider(max_listing_pages=0), response)
    expected = _reader_headline_links(response)
    # 25 URLs in post cards / widgets / the strip (of which the old ::attr selector followed 10),
    # plus 8 stories only in the main sliders (h2.thumb-title)
    assert len(expected) == 33
    assert set(followed) == expected
    assert len(followed) == len(set(followed))  # thumbnail + title of one card: one request


def test_old_attr_selector_really_lost_links_on_the_demo_home():
    """The regression itself, on the real page: the group with ``::attr`` glued on gives 10 URLs."""
    response, _ = page("jannah.tielabs.com")
    css = ".post-title a, a.post-thumb, ul#breaking-news-in-header li.news-item a, .more-link"
    glued = response.css(f"{css}::attr(href)").getall()
    assert len({h for h in glued if "<" not in h}) == 10
    assert len({response.urljoin(h) for h in link_hrefs(response, css)}) == 25


def test_max_articles_counts_distinct_urls():
    response, _ = page("jannah.tielabs.com")
    followed = _article_requests(JannahDemoSpider(max_articles=5, max_listing_pages=0), response)
    assert len(followed) == len(set(followed)) == 5


def test_sputnik_article_page_every_dated_link_in_both_url_styles():
    """Both alternatives of the Sputnik group (2020 ``.../`` and 2021 ``.html`` URLs) give hrefs."""
    response, _ = page("arabic.sputniknews.com")
    doc = lxml_html.fromstring(response.body)
    expected = {h for h in doc.xpath("//a/@href") if "/20" in h and (h.endswith("/") or h.endswith(".html"))}
    got = link_hrefs(response, SputnikArabicSpider.article_link_css)
    assert set(got) == expected and len(expected) == 20
    assert not any("<" in h for h in got)


def test_jnews_article_page_related_post_cards():
    """elbaladtv.net (JNews): every related-post card's title and thumbnail link, no markup."""
    response, _ = page("elbaladtv.net")
    doc = lxml_html.fromstring(response.body)
    expected = set(doc.xpath("//*[contains(@class, 'jeg_post_title')]//a/@href | //*[contains(@class, 'jeg_thumb')]//a/@href"))
    got = link_hrefs(response, JNewsSpider.article_link_css)
    assert set(got) == expected and len(expected) == 12  # 3 cards have class=".jeg_post_title"


def test_jannah_article_page_related_posts():
    """thenassauguardian.com (Jannah): related / widget posts on an article page, all as URLs."""
    response, _ = page("thenassauguardian.com")
    got = {response.urljoin(h) for h in link_hrefs(response, JannahSpider.article_link_css)}
    assert not any("<" in h for h in got)
    assert got == _reader_headline_links(response)
    assert len(got) == 28


def test_base_default_group_on_a_synthetic_listing():
    """The base default group: every alternative gives its links."""
    body = ("<html><body><article><h2><a href='/a1'>A1</a></h2></article><article><h3><a href='/a2'>A2</a></h3></article>"
            "<h2 class='post-title'><a href='/a3'>A3</a></h2><h3 class='post-title'><a href='/a4'>A4</a></h3>"
            "<h2 class='entry-title'><a href='/a5'>A5</a></h2><h3 class='entry-title'><a href='/a6'>A6</a></h3>"
            "</body></html>").encode()
    response = response_for(body, "https://news.example/")
    spider = NewsSpider(name="x", max_listing_pages=0)
    spider.allowed_domains = ["news.example"]
    assert _article_requests(spider, response) == [f"https://news.example/a{i}" for i in range(1, 7)]


def test_element_without_href_gives_its_first_link_and_empty_css_nothing():
    body = b"<html><body><li class='card'><span>x</span><a href='/s/1'>one</a><a href='/s/2'>two</a></li><li class='card'>no link</li></body></html>"
    response = response_for(body, "https://news.example/")
    assert link_hrefs(response, "li.card") == ["/s/1"]
    assert link_hrefs(response, "") == []
