"""Machine-readable page metadata: JSON-LD, OpenGraph / ``<meta>``, ``<time>``, ``<link rel=canonical>``.

Parsed once per page; every accessor returns plain strings (or None).  Sources:
schema.org ``NewsArticle``/``Article`` (JSON-LD, including Yoast's ``@graph``),
the Open Graph protocol (``og:*``, ``article:published_time``), and HTML's
``<time datetime>``.
"""

from __future__ import annotations

import json
import logging
from functools import cached_property

from parsel import Selector

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle", "WebPage"}


def _flatten(node, out):
    if isinstance(node, list):
        for n in node:
            _flatten(n, out)
    elif isinstance(node, dict):
        out.append(node)
        if "@graph" in node:
            _flatten(node["@graph"], out)


def _types(node) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


class PageMetadata:
    """Metadata of one HTML page.  ``sel`` is the page's parsel ``Selector``."""

    def __init__(self, sel: Selector):
        self.sel = sel

    @cached_property
    def jsonld(self) -> list[dict]:
        """All JSON-LD objects of the page, ``@graph`` flattened; broken blocks skipped."""
        out: list[dict] = []
        for raw in self.sel.css('script[type="application/ld+json"]::text').getall():
            raw = raw.strip()
            if not raw:
                continue
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                logger.debug("skipping unparseable JSON-LD block (%d chars)", len(raw))
                continue
            _flatten(data, out)
        return out

    @cached_property
    def article(self) -> dict:
        """The first JSON-LD object typed as a news article (``{}`` if none).  ``WebPage`` is the last resort."""
        best = {}
        for node in self.jsonld:
            types = _types(node)
            if types & (ARTICLE_TYPES - {"WebPage"}):
                return node
            if "WebPage" in types and not best:
                best = node
        return best

    def ld(self, key: str) -> str | None:
        v = self.article.get(key)
        if isinstance(v, list):
            v = v[0] if v else None
        if isinstance(v, dict):
            v = v.get("name") or v.get("@id") or v.get("url")
        return v.strip() if isinstance(v, str) and v.strip() else None

    @cached_property
    def _metas(self) -> dict[str, list[str]]:
        """Every ``<meta>`` content by its ``property``/``name``/``itemprop`` (one pass over the page)."""
        out: dict[str, list[str]] = {}
        for el in self.sel.xpath("//meta[@content]"):
            attrib = el.root.attrib
            content = (attrib.get("content") or "").strip()
            if not content:
                continue
            for attr in ("property", "name", "itemprop"):
                key = attrib.get(attr)
                if key:
                    out.setdefault(f"{attr}:{key}", []).append(content)
        return out

    def meta(self, *names: str) -> str | None:
        """First non-empty ``<meta>`` content for ``property``/``name``/``itemprop`` in ``names`` (in that order)."""
        metas = self._metas
        for n in names:
            for attr in ("property", "name", "itemprop"):
                vals = metas.get(f"{attr}:{n}")
                if vals:
                    return vals[0]
        return None

    def metas(self, name: str) -> list[str]:
        return self._metas.get(f"property:{name}", []) + self._metas.get(f"name:{name}", [])

    @property
    def canonical(self) -> str | None:
        return self.sel.css('link[rel="canonical"]::attr(href)').get()

    @property
    def og_url(self) -> str | None:
        return self.meta("og:url")

    @property
    def language(self) -> str | None:
        lang = self.sel.xpath("/html/@lang").get() or self.meta("og:locale", "language", "inLanguage")
        if not lang:
            lang = self.ld("inLanguage")
        if not lang:
            return None
        return lang.replace("_", "-").split("-")[0].lower() or None

    def date_candidates(self, kind: str = "published") -> list[tuple[str, str]]:
        """Machine-readable date strings, best source first, as ``(source, raw)`` pairs.

        Order (issue #3): JSON-LD ``datePublished``/``dateModified`` -> ``article:published_time`` /
        ``og`` / ``itemprop`` meta -> ``<time datetime>``.  Visible strings are the page
        object's business (they need the site's markup).
        """
        ld_key, metas = (
            ("datePublished", ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate", "date"))
            if kind == "published"
            else ("dateModified", ("article:modified_time", "og:updated_time", "dateModified"))
        )
        out = []
        v = self.ld(ld_key)
        if v:
            out.append(("jsonld", v))
        v = self.meta(*metas)
        if v:
            out.append(("meta", v))
        if kind == "published":
            v = self.sel.css("time[datetime]::attr(datetime)").get()
            if v and v.strip():
                out.append(("time", v.strip()))
        return out
