"""Base page objects.

:class:`ArticlePage` reads an article from a response using only standard,
machine-readable metadata (JSON-LD ``NewsArticle``, OpenGraph, ``<time>``) plus
per-field CSS hooks that subclasses fill in.  One method per field (as in
Fundus' parsers); :meth:`ArticlePage.to_item` runs them through
:class:`newscrawl.loaders.ArticleLoader`.

:class:`TickerStrip` reads a breaking-news strip (``TICKER_CSS``: the ``<a>``
elements, one per headline).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import cached_property
from urllib.parse import urljoin

from parsel import Selector
from w3lib.url import safe_url_string

from newscrawl.dates import parse_date, parse_machine_date
from newscrawl.extractors.boilerplate import is_boilerplate, without_signature
from newscrawl.extractors.html import all_texts, first_text, text_blocks
from newscrawl.extractors.images import add_image, article_images, is_placeholder
from newscrawl.extractors.metadata import PageMetadata
from newscrawl.loaders import ArticleLoader, TickerLoader
from newscrawl.urls import canonicalize, pick_canonical


class ExtractionError(Exception):
    """The page is an article but a required field could not be extracted.

    ``reason`` is a short slug used in the stats key ``newscrawl/dropped/<reason>``
    (e.g. ``no_title``, ``no_body``).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


#: byline prefixes that are not part of a name: «كتب», «كتبت», «بقلم», «حوار:», «إعداد» ...
# longest first, and a word boundary (space or colon) after the prefix: «كتبت أسماء» must not leave «ت أسماء»
_BYLINE_PREFIX = re.compile(r"^(?:كتبت|كتب|بقلم|حوار|إعداد|اعداد|تقرير|متابعة|ترجمة|بواسطة|By)(?:\s*[:：]\s*|\s+)", re.IGNORECASE)


def clean_byline(text: str | None) -> str | None:
    """Strip a byline's verb/label prefix and surrounding parentheses:
    «كتبت أسماء نصار» -> «أسماء نصار»; «(أبوظبي - البيان)» -> «أبوظبي - البيان»."""
    if not text:
        return None
    t = text.strip()
    t = _BYLINE_PREFIX.sub("", t).strip()
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    return t or None


class ArticlePage:
    """One article page.  Subclass and set the CSS hooks, or override a field method.

    A CSS hook may be a selector group ``"a, b"``: its members are alternatives in
    priority order (``b`` is read only when ``a`` finds nothing).

    :param response: a Scrapy ``TextResponse`` (HtmlResponse); its ``url`` is the page URL.
    :param site: the spider name, stored in ``item["site"]``.
    :param tz: the site's IANA time zone (``zoneinfo`` name); dates without an offset are read in it.
    :param language: language to report when the page does not declare one.
    :param now: reference time (aware) for relative dates and ``crawled_at``; default: now in UTC.
    """

    parser_name = "metadata"
    #: CSS for the element that proves the page is an article (None: JSON-LD article type or og:type=article)
    ARTICLE_CSS: str | None = None
    TITLE_CSS: str | None = "h1"
    BODY_CSS: str | None = None
    #: CSS removed from the body container before reading text
    BODY_DROP_CSS: str = ""
    DATE_CSS: str | None = None
    AUTHOR_CSS: str | None = None
    LEAD_CSS: str | None = None
    CATEGORY_CSS: str | None = None
    TAG_CSS: str | None = None
    IMAGE_CSS: str | None = None  # <img> elements (figure/figcaption give captions)
    #: False for WordPress themes: a ``<br>`` inside a ``<p>`` is a line break within the paragraph
    #: (``wpautop``), not a new paragraph (:func:`~newscrawl.extractors.html.text_blocks`)
    BR_SPLITS_PARAGRAPH: bool = True
    #: byline values that are an agency/source credit, not a person (moved to ``agency``)
    AGENCY_NAMES: tuple[str, ...] = ()

    def __init__(self, response, *, site: str, tz: str = "UTC", language: str = "ar", now: datetime | None = None):
        self.response = response
        self.sel: Selector = response.selector
        self.site = site
        self.tz = tz
        self.default_language = language
        self.now = now or datetime.now(timezone.utc)
        self.meta = PageMetadata(self.sel)

    # ---- routing -------------------------------------------------------------
    def is_article(self) -> bool:
        if self.ARTICLE_CSS:
            return bool(self.sel.css(self.ARTICLE_CSS))
        if self.meta.article and set(_as_list(self.meta.article.get("@type"))) - {"WebPage"}:
            return True
        return (self.meta.meta("og:type") or "").lower() == "article"

    # ---- fields --------------------------------------------------------------
    @cached_property
    def body_container(self) -> Selector | None:
        if not self.BODY_CSS:
            return None
        found = self.sel.css(self.BODY_CSS)
        return found[0] if found else None

    def url(self) -> str:
        return self.response.url

    def canonical_url(self) -> str:
        cands = [c for c in (self.meta.canonical, self.meta.og_url) if c]
        try:
            return canonicalize(pick_canonical(self.response.url, cands), encoding=getattr(self.response, "encoding", "utf-8"))
        except ValueError:  # not an http(s) URL (a local file): keep it as it is
            return self.response.url

    def title(self) -> str | None:
        t = first_text(self.sel, self.TITLE_CSS) if self.TITLE_CSS else None
        return t or self.meta.ld("headline") or self.meta.meta("og:title")

    def body(self) -> list[str]:
        blocks = text_blocks(self.body_container, self.BODY_DROP_CSS, split_br_in_p=self.BR_SPLITS_PARAGRAPH)
        title = " ".join((self.title() or "").split())
        # the headline repeated inside the body container is not a paragraph
        return without_signature([b for b in blocks if not is_boilerplate(b) and b != title])

    def lead(self) -> str | None:
        if self.LEAD_CSS:
            t = first_text(self.sel, self.LEAD_CSS)
            if t:
                return t
        return self.meta.meta("og:description", "description") or self.meta.ld("description")

    def visible_date(self) -> str | None:
        return first_text(self.sel, self.DATE_CSS) if self.DATE_CSS else None

    def _date(self, kind: str) -> tuple[datetime | None, str | None]:
        for _source, raw in self.meta.date_candidates(kind):
            dt = parse_machine_date(raw, tz=self.tz)
            if dt is not None:
                return dt, raw
        if kind == "published":
            raw = self.visible_date()
            if raw:
                return parse_date(raw, tz=self.tz, now=self.now), raw
        return None, None

    def published(self) -> tuple[datetime | None, str | None]:
        """``(aware datetime or None, raw string or None)``: JSON-LD -> meta -> ``<time>`` -> visible date."""
        return self._date("published")

    def modified(self) -> datetime | None:
        return self._date("modified")[0]

    def byline(self) -> str | None:
        raw = first_text(self.sel, self.AUTHOR_CSS) if self.AUTHOR_CSS else None
        if not raw:
            author = self.meta.article.get("author")
            for a in _as_list(author):
                if isinstance(a, dict) and _as_list(a.get("@type")) != ["Organization"]:
                    raw = a.get("name")
                    break
                if isinstance(a, str):
                    raw = a
                    break
        return clean_byline(raw)

    def author(self) -> str | None:
        b = self.byline()
        return None if b and b in self.AGENCY_NAMES else b

    def agency(self) -> str | None:
        b = self.byline()
        return b if b and b in self.AGENCY_NAMES else None

    def categories(self) -> list[str]:
        if self.CATEGORY_CSS:
            return all_texts(self.sel, self.CATEGORY_CSS)
        section = self.meta.article.get("articleSection")
        return [s for s in _as_list(section) if isinstance(s, str)]

    def tags(self) -> list[str]:
        if self.TAG_CSS:
            return all_texts(self.sel, self.TAG_CSS)
        return self.meta.metas("article:tag")

    def images(self) -> list[dict]:
        """``[{"url": absolute URL, "caption": str or None}, ...]``: ``og:image`` first, then the
        ``IMAGE_CSS`` images -- the real file behind lazy loading, no placeholders, no ads, one
        entry per picture (rules in :mod:`newscrawl.extractors.images`)."""
        out = article_images(self.sel, self.IMAGE_CSS, self.response.url) if self.IMAGE_CSS else []
        og = self.meta.meta("og:image")
        if og and not is_placeholder(og):
            merged: list[dict] = []
            add_image(merged, urljoin(self.response.url, og), None)
            for entry in out:
                add_image(merged, entry["url"], entry["caption"])
            out = merged
        return out

    def language(self) -> str:
        return self.meta.language or self.default_language

    # ---- assembly --------------------------------------------------------------
    def to_item(self):
        """Build the :class:`~newscrawl.items.ArticleItem`.

        :raises ExtractionError: with reason ``no_title`` or ``no_body`` when the page
            is an article but those required fields are empty.
        """
        title = self.title()
        if not title:
            raise ExtractionError("no_title", self.response.url)
        body = self.body()
        if not body:
            raise ExtractionError("no_body", self.response.url)
        published, published_raw = self.published()
        loader = ArticleLoader()
        loader.add_value("url", self.url())
        loader.add_value("canonical_url", self.canonical_url())
        loader.add_value("site", self.site)
        loader.add_value("title", title)
        loader.add_value("published", published)
        loader.add_value("published_raw", published_raw)
        loader.add_value("modified", self.modified())
        loader.add_value("author", self.author())
        loader.add_value("agency", self.agency())
        loader.add_value("lead", self.lead())
        loader.add_value("body", body)
        loader.add_value("categories", self.categories())
        loader.add_value("tags", self.tags())
        loader.add_value("images", self.images())
        loader.add_value("language", self.language())
        loader.add_value("crawled_at", self.now)
        loader.add_value("extraction", f"site:{self.parser_name}")
        item = loader.load_item()
        for key in ("body", "categories", "tags", "images"):
            item.setdefault(key, [])
        for key in ("published", "published_raw", "modified", "author", "agency", "lead"):
            item.setdefault(key, None)
        return item


class TickerStrip:
    """A site's breaking-news strip: ``TICKER_CSS`` selects one ``<a>`` (or element) per headline."""

    TICKER_CSS: str | None = None

    def __init__(self, response, *, site: str, now: datetime | None = None, css: str | None = None):
        self.response = response
        self.site = site
        self.now = now or datetime.now(timezone.utc)
        self.css = css or self.TICKER_CSS

    def headlines(self) -> list[tuple[str, str | None]]:
        """``[(headline text, absolute URL or None), ...]`` in strip order; empty texts skipped."""
        if not self.css:
            return []
        out = []
        for el in self.response.css(self.css):
            text = " ".join(t.strip() for t in el.css("::text").getall() if t.strip())
            href = el.attrib.get("href")
            if text:
                url = None
                if href and not href.strip().startswith(("#", "javascript:")):
                    # encoded like a browser would request it (path UTF-8, query in the page charset)
                    url = safe_url_string(self.response.urljoin(href.strip()), encoding=self.response.encoding)
                out.append((text, url))
        return out

    def items(self):
        """One :class:`~newscrawl.items.TickerItem` per headline, ``position`` 0-based."""
        for pos, (text, url) in enumerate(self.headlines()):
            loader = TickerLoader()
            loader.add_value("site", self.site)
            loader.add_value("headline", text)
            loader.add_value("url", url)
            loader.add_value("position", pos)
            loader.add_value("page_url", self.response.url)
            loader.add_value("seen_at", self.now)
            item = loader.load_item()
            if item.get("headline"):
                item.setdefault("url", None)
                yield item


def _as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]
