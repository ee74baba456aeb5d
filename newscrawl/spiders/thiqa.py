"""Thiqa Agency (وكالة ثقة), a Syrian news agency on WordPress + Jannah.

The start URL (and with it the domain) is configurable, because the spider is
only as good as the address it is given::

    scrapy crawl thiqa -a start_url=https://<thiqa home page>/
    THIQA_START_URL=https://... scrapy crawl thiqa      # or -s THIQA_START_URL=...

Bylines equal to the agency's own name («وكالة ثقة», shown under the title)
are reported as ``agency``, not ``author``.
"""

import os

from newscrawl.extractors.jannah import JannahArticlePage
from newscrawl.spiders.jannah import JannahSpider

DEFAULT_START_URL = os.environ.get("THIQA_START_URL", "https://thiqa-agency.com/")


class ThiqaArticlePage(JannahArticlePage):
    parser_name = "thiqa"
    AGENCY_NAMES = ("وكالة ثقة", "ثقة")


class ThiqaSpider(JannahSpider):
    name = "thiqa"
    timezone = "Asia/Damascus"
    publisher_name = "وكالة ثقة"
    language = "ar"
    start_urls = [DEFAULT_START_URL]
    allowed_domains = [DEFAULT_START_URL.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")]
    article_pages = (ThiqaArticlePage,)
