"""Assabah (الصباح), Tunis: Drupal 7.  Markup: :mod:`newscrawl.extractors.sites.assabah`."""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.assabah import AssabahArticlePage
from newscrawl.spiders.base import NewsSpider


class AssabahSpider(NewsSpider):
    name = "assabah"
    allowed_domains = ["assabah.com.tn"]
    start_urls = ["http://www.assabah.com.tn/"]
    timezone = "Africa/Tunis"
    article_pages = (AssabahArticlePage,)
    fallback_page = GenericArticlePage
    article_link_css = 'a[href*="/article/"]'
    # section pages and the daily print-edition pages (/content/جريدة-الصباح-بتاريخ-YYYYMMDD)
    listing_link_css = 'a[href*="/sections/"], a[href*="/content/"]'
    pagination_css = "li.pager-next a, a[rel=next]"
