"""Alyaum (اليوم), Dammam, Saudi Arabia.  Markup: :mod:`newscrawl.extractors.sites.alyaum`."""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.alyaum import AlyaumArticlePage
from newscrawl.spiders.base import NewsSpider


class AlyaumSpider(NewsSpider):
    name = "alyaum"
    allowed_domains = ["alyaum.com"]
    start_urls = ["https://www.alyaum.com/"]
    timezone = "Asia/Riyadh"
    article_pages = (AlyaumArticlePage,)
    fallback_page = GenericArticlePage
    article_link_css = 'a[href*="/articles/"]'
    listing_link_css = 'a[href*="/morearticles/"]'
