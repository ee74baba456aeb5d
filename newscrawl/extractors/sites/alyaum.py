"""Alyaum (اليوم, Dammam, Saudi Arabia) -- premiumread.com CMS ("aksa" theme).

Markup (``tests/fixtures/pages/alyaum.com``):

* ``div.aksa-to1-main h1`` title (a second, AJAX copy of the h1 follows it);
* ``div.aksa-desc-o``: section ``div.aksa-section a``, byline ``a.aksa-byline``
  «حسام أبو العلا - القاهرة» (name - dateline city), date ``div.aksa-date``
  «<time>٠٢:٠٠</time>الثلاثاء ١ / ١٢ / ٢٠٢٠» in Eastern Arabic digits, KSA wall-clock time;
* JSON-LD ``NewsArticle`` ``datePublished`` «2020-12-01T02:00:00+03:00»; the plain
  ``<meta name="datePublished">`` has no offset (local KSA time, read in ``Asia/Riyadh``);
* body ``div.aksa-articleBody``: no ``<p>``, text separated by ``<br><br>``, with a GPT ad
  ``div#div-gpt-ad-*`` inline and short crossheads («انتكاسة جديدة») between paragraphs.
  Crossheads are not paragraphs (the paragraph count excludes them) and are left out;
* images ``div.noajax-box-image img`` with the caption in a ``caption`` attribute;
* sidebars carry relative («قبل 12 دقيقة») and other absolute dates: never read page-wide.
"""

from __future__ import annotations

import re

from newscrawl.extractors.base import ArticlePage, clean_byline
from newscrawl.extractors.sites import is_crosshead

#: « - القاهرة» dateline after the writer's name
_DATELINE = re.compile(r"\s+[-–—]\s+[^-–—]{2,25}$")


class AlyaumArticlePage(ArticlePage):
    parser_name = "alyaum"
    ARTICLE_CSS = "div.aksa-articleBody"
    TITLE_CSS = "div.aksa-to1-main h1, h1"
    BODY_CSS = "div.aksa-articleBody"
    BODY_DROP_CSS = "div[id^='div-gpt-ad'], .readspeaker-div, .rs_skip"
    DATE_CSS = "div.aksa-desc-o div.aksa-date"
    AUTHOR_CSS = "div.aksa-desc-o a.aksa-byline"
    CATEGORY_CSS = "div.aksa-desc-o div.aksa-section a"

    def body(self):
        return [b for b in super().body() if not is_crosshead(b)]

    def byline(self):
        b = super().byline()
        return clean_byline(_DATELINE.sub("", b)) if b else None

    def images(self):
        out = []
        for img in self.sel.css("div.noajax-box-image img"):
            src = img.attrib.get("src")
            if src and not src.startswith("data:"):
                cap = (img.attrib.get("caption") or "").strip() or None
                out.append({"url": self.response.urljoin(src), "caption": cap})
        return out or super().images()

