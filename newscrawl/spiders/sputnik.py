"""Sputnik Arabic (سبوتنيك عربي).

Two parser versions, newest first (see :mod:`newscrawl.extractors.sites.sputnik`):
the page class whose own markup is on the page reads it.

Time zone: the site prints its times in GMT («GMT 17:27 17.03.2020», and a naive
``datetime="2020-03-17T17:27"``), not Moscow time, so wall-clock strings are read in UTC.
"""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.sputnik import SputnikPage2020, SputnikPage2021, SputnikTicker
from newscrawl.spiders.base import NewsSpider


class SputnikArabicSpider(NewsSpider):
    name = "sputnik_ar"
    allowed_domains = ["arabic.sputniknews.com", "sputnikarabic.ae"]
    start_urls = ["https://arabic.sputniknews.com/"]
    timezone = "UTC"
    article_pages = (SputnikPage2021, SputnikPage2020)
    fallback_page = GenericArticlePage
    ticker_class = SputnikTicker
    # article URLs: 2020 /<section>/<YYYYMMDD><id>-<slug>/ ; 2021 /<YYYYMMDD>/<slug>-<id>.html ;
    # section pages have no date in the path
    article_link_css = 'a[href*="/20"][href$="/"], a[href*="/20"][href$=".html"]'
    listing_link_css = "ul.b-mainnav__list a, .cell-list__more a"
    pagination_css = 'a[rel="next"], .b-plainlist__more a, .list__more'
