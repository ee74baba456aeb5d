"""Sada El Balad TV (قناة صدى البلد), Cairo: WordPress + JNews."""

from newscrawl.extractors.sites.elbaladtv import ElbaladtvArticlePage
from newscrawl.spiders.jnews import JNewsSpider


class ElbaladtvSpider(JNewsSpider):
    name = "elbaladtv"
    allowed_domains = ["elbaladtv.net"]
    start_urls = ["https://elbaladtv.net/"]
    timezone = "Africa/Cairo"
    article_pages = (ElbaladtvArticlePage,)
