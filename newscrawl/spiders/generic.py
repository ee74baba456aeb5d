"""``scrapy crawl generic -a url=URL[,URL...] [-a tz=Asia/Damascus]``: one or more pages, any site.

No site parser: metadata (JSON-LD, OpenGraph, ``<time>``) plus trafilatura for
the body; the breaking-news strip, where the page has one, by
:class:`~newscrawl.extractors.ticker.GenericTicker`.  Links are not followed.
"""

import logging
from urllib.parse import urlsplit

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.ticker import GenericTicker
from newscrawl.spiders.base import NewsSpider, _tz_arg

logger = logging.getLogger(__name__)


class GenericSpider(NewsSpider):
    name = "generic"
    article_pages = (GenericArticlePage,)
    #: no site CSS: the breaking-news strip is found by :class:`GenericTicker`'s scoring
    ticker_class = GenericTicker
    article_link_css = ""

    def __init__(self, *args, url: str | None = None, tz: str | None = None, **kwargs):
        super().__init__(*args, start_url=url or kwargs.pop("start_url", None), **kwargs)
        if tz:
            self.timezone = _tz_arg("tz", tz)
        self.allowed_domains = sorted({urlsplit(u).hostname for u in self.start_urls if urlsplit(u).hostname})

    def article_page(self, response, now):
        """The URLs were given as articles: read one even without article markup if it has
        main text; otherwise say so (``newscrawl/dropped/not_an_article``) instead of staying silent."""
        page = super().article_page(response, now)
        if page is not None:
            return page
        page = GenericArticlePage(response, site=self.name, tz=self.timezone, language=self.language, now=now,
                                  day_first=self.date_day_first)
        og_type = (page.meta.meta("og:type") or "").lower()
        if og_type not in ("website", "profile", "video.other") and response.css("h1") and page._body_cached:
            return page
        self._inc("newscrawl/dropped/not_an_article")
        logger.warning("not an article (no main text found): %s", response.url)
        return None

    def follow_links(self, response):
        return iter(())
