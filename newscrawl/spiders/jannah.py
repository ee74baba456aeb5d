"""Reusable base for WordPress sites on the Jannah theme (TieLabs).

Another Jannah site is a few lines::

    class MySiteSpider(JannahSpider):
        name = "mysite"
        allowed_domains = ["mysite.example"]
        start_urls = ["https://mysite.example/"]
        timezone = "Asia/Damascus"

Markup it relies on is documented in :mod:`newscrawl.extractors.jannah`.
"""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.jannah import JannahArticlePage, JannahTicker
from newscrawl.spiders.base import NewsSpider


class JannahSpider(NewsSpider):
    article_pages = (JannahArticlePage,)
    fallback_page = GenericArticlePage
    ticker_class = JannahTicker
    # listings: post cards (titles and thumbnails), slider / grid headlines (h2.thumb-title),
    # the breaking-news strip itself
    article_link_css = (".post-title a, a.post-title, .thumb-title a, a.post-thumb, ul#breaking-news-in-header li.news-item a, "
                        "ul.breaking-news li.news-item a, .more-link")
    # category pages from the post cards and the main menu
    listing_link_css = 'a.post-cat, #main-nav a[href*="category/"]'
    pagination_css = ".pages-nav a, a.next.page-numbers, .pages-numbers a, li.the-next-page a"
    # WordPress discovery: RSS and the core / Yoast sitemaps (404s are counted, not errors)
    discovery_paths = ("feed/", "wp-sitemap.xml", "sitemap_index.xml")
