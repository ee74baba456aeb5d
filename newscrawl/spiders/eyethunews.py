"""Eyethu News (Caxton Local Media, South Africa): WordPress + Jannah, in isiZulu.

Two traps (``tests/fixtures/pages/eyethunews.co.za``): ``<html lang="en-GB">`` although
the articles are isiZulu, so the language comes from the spider; and ``nav#top-nav``
carries ``has-breaking-news`` while the strip is switched off (no
``ul#breaking-news-in-header``): the page has no ticker, and the generic ticker
fallback does not take the class for a strip either.
"""

from newscrawl.extractors.jannah import JannahArticlePage
from newscrawl.spiders.jannah import JannahSpider


class EyethuNewsArticlePage(JannahArticlePage):
    parser_name = "eyethunews"

    def language(self) -> str:
        # the theme writes the WordPress locale (en-GB), not the articles' language
        return self.default_language


class EyethuNewsSpider(JannahSpider):
    name = "eyethunews"
    allowed_domains = ["eyethunews.co.za"]
    start_urls = ["https://eyethunews.co.za/"]
    timezone = "Africa/Johannesburg"
    language = "zu"
    article_pages = (EyethuNewsArticlePage,)
