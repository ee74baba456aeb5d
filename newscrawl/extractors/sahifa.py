"""WordPress + Sahifa theme (TieLabs' older theme, before Jannah) markup.

Markup facts, read off a real page (``tests/fixtures/pages/hatawtabloid.com``, a
2020 article of a live Sahifa site).  Sahifa is a TieLabs near-miss for the Jannah
parser: none of Jannah's hooks (``#tie-body``, ``article#the-post``,
``#breaking-news-in-header``) exist here.

* breaking-news strip: ``div.breaking-news`` = a label ``<span>`` ("Breaking News"),
  ``ul > li > a`` (one link per headline, ``title`` = the text) and an inline
  ``<script>`` that animates ``.breaking-news ul`` (its text is not a headline);
* article page: ``article.post-listing`` > ``div.post-inner``; title
  ``h1.post-title.entry-title`` (``h1.name`` in some theme versions);
* ``p.post-meta``: «Posted by: <a href=/author/...>NAME</a>», «on February 18, 2020»
  (``span.tie-date`` in later theme versions), «in <a rel="category tag">Showbiz</a>»,
  a comments link;
* body ``div.entry`` (``<p>``); ``div.share-post`` follows it; a last paragraph that
  is only the byline in parentheses («(Ed de Leon)») is the author's signature line,
  not text;
* tags ``p.post-tag a`` under the body when the post has tag links, otherwise only
  ``article:tag`` metas;
* featured image ``div.single-post-thumb img``; related posts ``#related_posts``
  (outside the article).
"""

from __future__ import annotations

from newscrawl.extractors.base import ArticlePage, TickerStrip


class SahifaArticlePage(ArticlePage):
    parser_name = "sahifa"
    ARTICLE_CSS = "article.post-listing"
    TITLE_CSS = "article.post-listing h1.post-title, article.post-listing h1.name"
    BODY_CSS = "article.post-listing div.entry"
    BODY_DROP_CSS = (
        ".share-post, .post-tag, .ads-post, .e3lan, .e3lan-post, .adsbygoogle, ins, #related_posts, "
        ".wp-caption-text, figure, figcaption, .sharedaddy, .jp-relatedposts, .yarpp-related"
    )
    DATE_CSS = "article.post-listing p.post-meta span.tie-date"
    AUTHOR_CSS = 'article.post-listing p.post-meta a[href*="/author/"]'
    CATEGORY_CSS = 'article.post-listing p.post-meta a[rel~="category"]'
    TAG_CSS = "article.post-listing p.post-tag a"
    IMAGE_CSS = "article.post-listing div.single-post-thumb img, article.post-listing div.entry img"

    def tags(self) -> list[str]:
        return super().tags() or self.meta.metas("article:tag")

    def body(self) -> list[str]:
        blocks = super().body()
        byline = self.byline()
        if blocks and byline and blocks[-1].strip() == f"({byline})":
            blocks = blocks[:-1]  # the signature line «(Ed de Leon)» repeats the byline
        return blocks


class SahifaTicker(TickerStrip):
    #: the <a> of each item; the label <span> and the inline <script> are not in a <li>
    TICKER_CSS = "div.breaking-news ul li a"
