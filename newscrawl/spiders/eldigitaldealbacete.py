"""El Digital de Albacete (Spain): a live WordPress + Jannah site, in Spanish.

It is the one real Jannah *article* page in the fixtures, so it keeps the
Jannah article parser honest (full-width title outside ``article#the-post``,
Ad Inserter blocks, duplicated share bars).  The «/Redacción/» newsroom credit
that opens the body is the agency credit, not text.
"""

import re

from newscrawl.extractors.jannah import JannahArticlePage
from newscrawl.spiders.jannah import JannahSpider

_CREDIT = re.compile(r"^/\s*(Redacción|Redaccion)\s*/$", re.IGNORECASE)


class ElDigitalArticlePage(JannahArticlePage):
    parser_name = "eldigitaldealbacete"

    def body(self):
        return [b for b in super().body() if not _CREDIT.match(b)]

    def agency(self):
        for b in super().body()[:2]:
            m = _CREDIT.match(b)
            if m:
                return "Redacción"
        return None

    def author(self):
        # the only author signals are the publisher's own name (twitter:data1, JSON-LD Person)
        return None


class ElDigitalDeAlbaceteSpider(JannahSpider):
    name = "eldigitaldealbacete"
    allowed_domains = ["eldigitaldealbacete.com"]
    start_urls = ["https://www.eldigitaldealbacete.com/"]
    timezone = "Europe/Madrid"
    language = "es"
    article_pages = (ElDigitalArticlePage,)
