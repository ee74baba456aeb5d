"""Youm7 (اليوم السابع), Cairo.  Markup and the date trap: :mod:`newscrawl.extractors.sites.youm7`."""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.youm7 import Youm7ArticlePage, Youm7Ticker
from newscrawl.spiders.base import NewsSpider


class Youm7Spider(NewsSpider):
    name = "youm7"
    allowed_domains = ["youm7.com"]
    start_urls = ["https://www.youm7.com/"]
    timezone = "Africa/Cairo"
    article_pages = (Youm7ArticlePage,)
    fallback_page = GenericArticlePage
    ticker_class = Youm7Ticker
    article_link_css = 'a[href*="/story/"]'
    listing_link_css = 'a[href*="/Section/"]'
    pagination_css = 'a[rel="next"], ul.pagination a'
