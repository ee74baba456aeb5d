"""Al Bayan (البيان, Dubai) -- Polopoly CMS.

Markup (``tests/fixtures/pages/albayan.ae``):

* ``div.articledetails h1.title``; ``<title>`` repeats the breadcrumb after the headline;
* breadcrumb ``ul.breadcrumb li span[itemprop=name]``: «الرئيسية» > section > subsection
  (= JSON-LD ``articleSection``);
* ``div#articledetails`` (``itemprop=articleBody``) opens with ``div.metadata``:
  «المصدر:» + ``li`` «(أبوظبي - البيان)» -- a source line (dateline city - newspaper), used
  as the author with its parentheses removed -- and «التاريخ:» ``time.published``
  (``datetime="2020-06-03T03:01+0400"``, an offset without a colon);
* after the paragraphs: «تابعوا أخبار الإمارات من البيان عبر غوغل نيوز» (``p.follow-google``),
  parse.ly related stories, a share bar (طباعة Email فيسبوك ...), Disqus comments;
* ``article:modified_time`` is earlier than the publication time (CMS quirk): not trusted
  over JSON-LD ``dateModified``.
"""

from newscrawl.extractors.base import ArticlePage
from newscrawl.extractors.sites import without_home


class AlbayanArticlePage(ArticlePage):
    parser_name = "albayan"
    ARTICLE_CSS = "div#articledetails"
    TITLE_CSS = "div.articledetails h1.title, h1"
    BODY_CSS = "div#articledetails"
    BODY_DROP_CSS = (
        "div.metadata, p.follow-google, .related-stories, #parsely-related-stories, .shareholder, "
        ".socialsharing, .section.comments, #disqus_thread"
    )
    DATE_CSS = "div#articledetails time.published"
    AUTHOR_CSS = "div#articledetails div.metadata div.source li"
    CATEGORY_CSS = "ul.breadcrumb li span[itemprop=name]"
    IMAGE_CSS = "div.articledetails figure.detailsmedia img"

    def categories(self):
        return without_home(super().categories())

    def images(self):
        # the <img alt> is a bare «الصورة: » label when the photo has no caption
        out = []
        for img in super().images():
            cap = (img["caption"] or "").strip()
            cap = cap.removeprefix("الصورة:").strip()
            out.append({"url": img["url"], "caption": cap or None})
        return out
