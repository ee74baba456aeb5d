"""LBCI (المؤسسة اللبنانية للإرسال, lbcgroup.tv, Beirut) -- ASP.NET WebForms pages.

Markup (``tests/fixtures/pages/lbcgroup.tv``, 2026-01-08):

* title ``h1 span.article_details_title`` (with the quotes that og:title drops);
* section ``span[id$=lblCatTitle]`` («منوعات»); date JSON-LD ``datePublished``
  «2026-01-08T11:42:50+00:00» (visible ``span[id$=lblDate]`` «2026-01-08 | 12:42»);
* no personal byline: ``meta[itemprop=author]`` is «LBCI», the broadcaster itself, so
  ``author`` stays empty;
* body ``div.article_details_body div.LongDesc``: one ``<div>`` of text split by
  ``<br><br>``, with empty ``<bannerinjection>`` / ``<controlinjection>`` ad slots, then an
  image box; the lead ``span[id$=lblShortDesc]`` is often empty;
* the chips under the body (``div.article_details_tag``) are the section plus single
  title words linking to the site search («يُشعل», «السخرية"…»): not tags.
"""

from newscrawl.extractors.base import ArticlePage
from newscrawl.extractors.html import first_text


class LbciArticlePage(ArticlePage):
    parser_name = "lbci"
    ARTICLE_CSS = "div.article_details_body div.LongDesc"
    TITLE_CSS = "h1 span.article_details_title, h1"
    BODY_CSS = "div.article_details_body div.LongDesc"
    BODY_DROP_CSS = "bannerinjection, controlinjection, .DimgContainer, .my-gallery, .ShareDiv"
    LEAD_CSS = "span[id$=lblShortDesc]"
    DATE_CSS = "span[id$=lblDate]"
    CATEGORY_CSS = "span[id$=lblCatTitle]"
    TAG_CSS = None
    IMAGE_CSS = "div.article_details_body div.LongDesc img"

    def byline(self):
        return None

    def lead(self):
        # the <meta name=description> is a site-wide placeholder («| Lebanon News»)
        return first_text(self.sel, self.LEAD_CSS)

    def tags(self):
        return []
