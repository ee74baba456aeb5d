"""LBCI (lbcgroup.tv), Beirut, Arabic edition.  Markup: :mod:`newscrawl.extractors.sites.lbci`."""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.lbci import LbciArticlePage
from newscrawl.spiders.base import NewsSpider


class LbciSpider(NewsSpider):
    name = "lbci"
    allowed_domains = ["lbcgroup.tv"]
    start_urls = ["https://www.lbcgroup.tv/news/ar"]
    timezone = "Asia/Beirut"
    article_pages = (LbciArticlePage,)
    fallback_page = GenericArticlePage
    # Arabic article URLs: /news/<section>/<id>/<slug>/ar
    article_link_css = 'a[href*="/news/"][href$="/ar"]:not([href*="/category/"])'
    listing_link_css = 'a[href*="/news/category/"][href$="/ar"]'
