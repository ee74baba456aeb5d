"""WordPress + JNews theme (Jegtheme) markup: the ``jeg_*`` classes.

Markup facts, read off a real JNews article page (``tests/fixtures/pages/elbaladtv.net``)
and the theme's public news-ticker template:

* ``div.jeg_inner_content``: breadcrumb ``div#breadcrumbs a`` (home, categories),
  ``div.entry-header h1.jeg_post_title``, post-meta ``div.jeg_meta_author`` («كتب» label in a
  ``span.meta_text`` + ``a``) and ``div.jeg_meta_date a`` («2020/12/25 - 1:59 صباحًا»);
  related-post cards further down carry their OWN ``.jeg_meta_author`` / ``.jeg_meta_date``,
  so both are read inside ``div.entry-header`` only;
* featured image ``div.jeg_featured img`` (lazy: ``data-src``);
* body ``div.entry-content div.content-inner``; inside it: Ad Inserter ``div.code-block``,
  ``div.jeg_ad``, an inline «إقرأ أيضاً» box ``div.jnews_inline_related_post_wrapper``
  (linked headlines + dates), the tag list ``div.jeg_post_tags`` («تاجز:» + links), share bars;
* the breaking-news ticker (when enabled) ``div.jeg_breakingnews div.jeg_news_ticker_item``:
  first ``<span>`` holds the linked headline, ``span.post-date`` the time;
* SEO plugins (Rank Math, Yoast) add ``article:published_time`` in UTC and JSON-LD.
"""

from __future__ import annotations

from newscrawl.extractors.base import ArticlePage, TickerStrip
from newscrawl.extractors.sites import without_home


class JNewsArticlePage(ArticlePage):
    parser_name = "jnews"
    BR_SPLITS_PARAGRAPH = False  # WordPress (wpautop): <br> inside <p> is a line break
    ARTICLE_CSS = "div.jeg_inner_content div.entry-content div.content-inner"
    TITLE_CSS = "div.entry-header h1.jeg_post_title, h1.jeg_post_title"
    BODY_CSS = "div.jeg_inner_content div.entry-content div.content-inner"
    BODY_DROP_CSS = (
        ".code-block, .jeg_ad, .ads-wrapper, .jnews_inline_related_post_wrapper, .jnews_inline_related_post, "
        ".jeg_post_tags, .jeg_share_button, .jeg_share_top_container, .jeg_share_bottom_container, "
        ".jnews_prev_next_container, .jnews_author_box_container, .jnews_related_post_container, "
        ".jnews_comment_container, .adsbygoogle, ins, .wp-caption-text, figcaption"
    )
    DATE_CSS = "div.entry-header div.jeg_meta_date a, div.entry-header div.jeg_meta_date"
    AUTHOR_CSS = "div.entry-header div.jeg_meta_author a"
    CATEGORY_CSS = "div.jeg_inner_content div#breadcrumbs a"
    TAG_CSS = "div.jeg_post_tags a[rel~=tag], div.jeg_post_tags a"
    IMAGE_CSS = "div.jeg_featured img, div.content-inner img.wp-image, div.content-inner figure img"

    def categories(self):
        cats = without_home(super().categories())
        if cats:
            return cats
        section = self.meta.meta("article:section")
        return [section] if section else []


class JNewsTicker(TickerStrip):
    TICKER_CSS = "div.jeg_breakingnews div.jeg_news_ticker_item > span:first-child a"
