"""Reusable base for WordPress sites on the Sahifa theme (TieLabs, Jannah's predecessor).

Another Sahifa site is a few lines::

    class MySiteSpider(SahifaSpider):
        name = "mysite"
        allowed_domains = ["mysite.example"]
        start_urls = ["https://mysite.example/"]
        timezone = "Asia/Manila"

Markup it relies on is documented in :mod:`newscrawl.extractors.sahifa`.
"""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sahifa import SahifaArticlePage, SahifaTicker
from newscrawl.spiders.base import NewsSpider


class SahifaSpider(NewsSpider):
    article_pages = (SahifaArticlePage,)
    fallback_page = GenericArticlePage
    ticker_class = SahifaTicker
    # listings: post-box titles and thumbnails (home blocks, category loops), related posts,
    # the breaking-news strip itself
    article_link_css = ".post-box-title a, .post-thumbnail a, #related_posts .related-item h3 a, div.breaking-news li a"
    # category pages from the post meta and the main menu
    listing_link_css = 'p.post-meta a[rel~="category"], #main-nav a[href*="category/"]'
    pagination_css = "div.pagination a, #tie-next-page a, a.next.page-numbers"
    # WordPress discovery: RSS and the core / Yoast sitemaps (404s are counted, not errors)
    discovery_paths = ("feed/", "wp-sitemap.xml", "sitemap_index.xml")
