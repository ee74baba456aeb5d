"""Youm7 (اليوم السابع, Cairo) -- ASP.NET MVC pages.

Markup (``tests/fixtures/pages/youm7.com``, a 2020 article page):

* ``div.articleHeader``: breadcrumb ``div.breadcumb a`` (home, section), ``h1`` (the
  og:title / ``<title>`` carry the suffix « - اليوم السابع»), ``span.newsStoryDate``
  «الإثنين، 24 أغسطس 2020 09:23 ص» (ص = AM, م = PM), Cairo wall-clock time;
* ``span.writeBy`` «كتبت أسماء نصار» (the verb «كتب/كتبت» is dropped);
* ``div#articleBody``: a few ``<p>``, the rest of the text separated by ``<br>``;
* ``div.tags h3 a`` tags; ``div.img-cont img`` + ``span.img-cap`` (caption, no ``<figure>``);
* breaking-news strip ``div.ticker ul#nt-title li a``; the ``a.tickersIco`` (youm7 plus
  banner) and ``a.rssIco`` links in the same box are not headlines.

**Date trap.**  ``article:published_time`` is «2020-08-24T09:23:13Z», but its clock
equals the local Cairo time printed on the page (09:23 ص).  Egypt was on UTC+2 (no
DST in 2020), so read as UTC it would be 11:23 in Cairo -- two hours late.  The
visible date is therefore preferred; when it is missing, the meta clock is read as
Cairo wall-clock time (the ``Z`` is ignored), which is what the CMS actually writes.
"""

from __future__ import annotations

import re

from newscrawl.text.dates import parse_date, parse_machine_date, read_machine_date
from newscrawl.extractors.base import ArticlePage, TickerStrip
from newscrawl.extractors.html import first_text
from newscrawl.extractors.sites import without_home



class Youm7ArticlePage(ArticlePage):
    parser_name = "youm7"
    #: the story header or the body: a page whose body container changed still routes here (then to the fallback)
    ARTICLE_CSS = "div.articleHeader h1, div#articleBody"
    TITLE_CSS = "div.articleHeader h1"
    BODY_CSS = "div#articleBody"
    BODY_DROP_CSS = "div[id^='div-gpt-ad'], center, .NEwShare_Icons, .tags"
    DATE_CSS = "div.articleHeader span.newsStoryDate"
    AUTHOR_CSS = "span.writeBy"
    LEAD_CSS = "div.articleHeader h3.subTitle"
    CATEGORY_CSS = "div.articleHeader div.breadcumb a"
    TAG_CSS = "div.tags h3 a"

    def published(self):
        raw = self.visible_date()
        if raw:
            dt = parse_date(raw, tz=self.tz, now=self.now, day_first=self.day_first)
            if dt is not None:
                return dt, raw
        # no visible date: the meta clock is Cairo wall-clock time despite its "Z" (see module doc)
        raw = self.meta.meta("article:published_time")
        if raw:
            return parse_machine_date(re.sub(r"(?:Z|[+-]00:?00)$", "", raw.strip()), tz=self.tz), raw
        return super().published()

    def modified(self):
        # the same CMS clock as published: Cairo wall-clock time behind a wrong "Z"
        raw = self.meta.meta("article:modified_time")
        if raw:
            r = read_machine_date(re.sub(r"(?:Z|[+-]00:?00)$", "", raw.strip()), tz=self.tz)
            if r is None:
                return None
            self._precisions["modified"] = (raw, r.precision)
            return r.value
        return super().modified()

    def categories(self):
        return without_home(super().categories())

    def images(self):
        out = []
        for box in self.sel.css("div.img-cont"):
            src = box.css("img::attr(data-src), img::attr(src)").get()
            if src:
                out.append({"url": self.response.urljoin(src), "caption": first_text(box, "span.img-cap")})
        return out or super().images()


class Youm7Ticker(TickerStrip):
    TICKER_CSS = "div.ticker ul#nt-title li a"

