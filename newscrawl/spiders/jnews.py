"""Reusable base for WordPress sites on the JNews theme (Jegtheme).

Another JNews site is a few lines::

    class MySiteSpider(JNewsSpider):
        name = "mysite"
        allowed_domains = ["mysite.example"]
        start_urls = ["https://mysite.example/"]
        timezone = "Africa/Cairo"

Markup it relies on is documented in :mod:`newscrawl.extractors.jnews`.
"""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.jnews import JNewsArticlePage, JNewsTicker
from newscrawl.spiders.base import NewsSpider


class JNewsSpider(NewsSpider):
    article_pages = (JNewsArticlePage,)
    fallback_page = GenericArticlePage
    ticker_class = JNewsTicker
    # post cards (title links, thumbnails) and the ticker itself; the title class is matched as a
    # substring because real cards carry it mangled (elbaladtv.net: class=".jeg_pl_sm .jeg_post_title")
    article_link_css = '[class*="jeg_post_title"] a, .jeg_thumb a, div.jeg_news_ticker_item a'
    listing_link_css = 'a[href*="/category/"]'
    pagination_css = ".jeg_navigation a.page_number, .jeg_navigation a.next, a.next.page-numbers"
    # WordPress discovery: RSS and the core / Yoast / Rank Math sitemaps (404s are counted, not errors)
    discovery_paths = ("feed/", "wp-sitemap.xml", "sitemap_index.xml")
