"""``scrapy crawl generic -a url=URL[,URL...] [-a tz=Asia/Damascus]``: one or more pages, any site.

No site parser: metadata (JSON-LD, OpenGraph, ``<time>``) plus trafilatura for
the body.  Links are not followed.
"""

from urllib.parse import urlsplit

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.spiders.base import NewsSpider


class GenericSpider(NewsSpider):
    name = "generic"
    article_pages = (GenericArticlePage,)
    article_link_css = ""

    def __init__(self, *args, url: str | None = None, tz: str | None = None, **kwargs):
        super().__init__(*args, start_url=url or kwargs.pop("start_url", None), **kwargs)
        if tz:
            self.timezone = tz
        self.allowed_domains = sorted({urlsplit(u).hostname for u in self.start_urls if urlsplit(u).hostname})

    def follow_links(self, response):
        return iter(())
