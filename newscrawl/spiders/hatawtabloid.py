"""Hataw Tabloid (Philippines): WordPress + Sahifa, in Filipino (Tagalog).

``<html lang="en-US">`` is the WordPress locale, not the articles' language, so the
language comes from the spider.  Dates: ``article:published_time`` in UTC
(«2020-02-18T00:25:09Z»); wall-clock strings are Manila time.  Markup:
:mod:`newscrawl.extractors.sahifa`.
"""

from newscrawl.extractors.sahifa import SahifaArticlePage
from newscrawl.spiders.sahifa import SahifaSpider


class HatawTabloidArticlePage(SahifaArticlePage):
    parser_name = "hatawtabloid"

    def language(self) -> str:
        # the theme writes the WordPress locale (en-US), not the articles' language
        return self.default_language


class HatawTabloidSpider(SahifaSpider):
    name = "hatawtabloid"
    allowed_domains = ["hatawtabloid.com"]
    start_urls = ["https://www.hatawtabloid.com/"]
    timezone = "Asia/Manila"
    language = "tl"
    article_pages = (HatawTabloidArticlePage,)
