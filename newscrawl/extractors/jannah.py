"""WordPress + Jannah theme (TieLabs) markup.

Markup facts, read off real pages (``tests/fixtures/pages/jannah.tielabs.com``,
the theme's Arabic RTL demo, and ``eldigitaldealbacete.com``, a live Jannah site):

* breaking-news strip: ``ul#breaking-news-in-header li.news-item a`` (title «أخبار عاجلة»);
* article page: ``article#the-post``; the title ``h1.post-title.entry-title`` sits
  *outside* the article in full-width layouts (``post-layout-4``), so it is read page-wide;
* body: ``article#the-post .entry-content``; inside it ad blocks (``.code-block``,
  Ad Inserter ``.ai-viewports``, ``.stream-item``), share bars (``.share-buttons``),
  «اقرأ أيضاً» boxes (``.related-posts-*``, ``.tie-related``), ``.post-bottom-tags``,
  author boxes; ``.stream-item-below-post-content`` (the below-content ad slot) and anything
  after it (theme / plugin additions); the back-to-top link ``a#go-to-top`` («زر الذهاب إلى الأعلى») is outside;
* post-meta: ``.post-meta .meta-author a`` (byline), ``span.date.meta-item`` («أكتوبر 28, 2016»);
* categories ``.post-cat-wrap a.post-cat``; tags ``.post-bottom-tags a`` / ``.tagcloud a``, else
  the tie-schema ``keywords`` list (eyethunews.co.za shows no tag links; its 4 tags are only there);
* featured image ``figure.single-featured-image img``;
* ``script#tie-schema-json`` (NewsArticle JSON-LD, local time with offset).
"""

from __future__ import annotations

from newscrawl.extractors.base import ArticlePage, TickerStrip


class JannahArticlePage(ArticlePage):
    parser_name = "jannah"
    BR_SPLITS_PARAGRAPH = False  # WordPress (wpautop): <br> inside <p> is a line break
    ARTICLE_CSS = "article#the-post"
    TITLE_CSS = "h1.post-title"
    BODY_CSS = "article#the-post .entry-content"
    BODY_DROP_CSS = (
        ".code-block, .ai-viewports, .stream-item, .stream-item-in-post, .share-buttons, .share-links, "
        ".post-bottom-tags, .post-bottom-meta, .related-posts, .related-posts-list, .tie-related, "
        ".read-also, .read-more-box, .yarpp-related, .jp-relatedposts, .wp-block-embed, .post-components, "
        ".about-author, .author-box, .go-to-top-button, #go-to-top, .screen-reader-text, .wp-caption-text, "
        "figure, figcaption, .gallery, .adsbygoogle, ins, .sharedaddy, .addtoany_share_save_container, "
        # the theme's below-content ad slot closes the post's own text: what follows it is added by
        # theme / plugin hooks (eyethunews.co.za: a «box note» house line «At Caxton, we employ humans …»)
        ".stream-item-below-post-content ~ *"
    )
    DATE_CSS = "#single-post-meta span.date, .post-meta span.date.meta-item, .entry-header .date"
    AUTHOR_CSS = "#single-post-meta .meta-author a, .entry-header .meta-author a, .post-meta .meta-author a"
    CATEGORY_CSS = ".entry-header .post-cat-wrap a.post-cat, .post-cat-wrap a.post-cat"
    TAG_CSS = ".post-bottom-tags a, article#the-post .tagcloud a"
    IMAGE_CSS = "figure.single-featured-image img, article#the-post .entry-content img"

    def categories(self) -> list[str]:
        cats = super().categories()
        if cats:
            return cats
        section = self.meta.article.get("articleSection")
        return [section] if isinstance(section, str) and section else []

    def tags(self) -> list[str]:
        tags = super().tags()
        if tags:
            return tags
        keywords = self.meta.article.get("keywords")
        if isinstance(keywords, str):  # schema.org allows one comma-separated string
            keywords = keywords.split(",")
        return [k.strip() for k in keywords or [] if isinstance(k, str) and k.strip()]


class JannahTicker(TickerStrip):
    TICKER_CSS = "ul#breaking-news-in-header li.news-item a"
