"""Machine-readable page metadata: JSON-LD, OpenGraph / ``<meta>``, ``<time>``, ``<link rel=canonical>``.

Parsed once per page; every accessor returns plain strings (or None).  Sources:
schema.org ``NewsArticle``/``Article`` (JSON-LD, including Yoast's ``@graph``),
the Open Graph protocol (``og:*``, ``article:published_time``), and HTML's
``<time datetime>``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from functools import cached_property

import pyjson5
from parsel import Selector

logger = logging.getLogger(__name__)

#: a JSON-LD block nested deeper than this (objects + arrays) is dropped, counted as ``too_deep``
#: (real schema.org blocks are under 10 levels; the limit keeps every later walk of it recursion-safe)
MAX_JSONLD_DEPTH = 64
#: HTML / XML wrappers around a script's text: ``<!-- ... -->``, ``// <![CDATA[ ... // ]]>``
_WRAPPER_START = re.compile(r"\s*(?://[^\n]*?)?\s*(?:<!--|<!\[CDATA\[)")
_WRAPPER_END = re.compile(r"(?://[ \t]*)?(?:-->|\]\]>)\s*$")
#: what may stand between two top-level values: whitespace, ``;`` / ``,`` and JavaScript comments
_BETWEEN = re.compile(r"(?:\s+|[;,]|//[^\n]*|/\*.*?\*/)*", re.S)
_DECODER = json.JSONDecoder(strict=False)


class JsonLdTooDeep(ValueError):
    """A JSON-LD block nested deeper than :data:`MAX_JSONLD_DEPTH`."""


def _depth(value) -> int:
    """Nesting depth of a decoded JSON value (iterative: safe on any depth)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, d)
            stack.extend((child, d + 1) for child in node if isinstance(child, (dict, list)))
    return deepest


def parse_jsonld(raw: str) -> list:
    """The top-level values of one ``<script type="application/ld+json">`` text.

    Strict JSON first (``json`` with ``strict=False``: raw newlines and tabs inside strings
    are read, as browsers' and Google's parsers do); then, leniently: the ``<!-- -->`` /
    ``// <![CDATA[ ... // ]]>`` wrappers old CMSs put around scripts are removed, several values
    in a row (``{...} {...}``, ``{...};``) are read one after the other, ``//`` and ``/* */``
    comments between them are skipped, and a value that strict JSON refuses (comments or
    trailing commas inside it) is read with JSON5 (:mod:`pyjson5`, a maintained C parser).

    :returns: list of decoded values (dicts or lists), document order; ``[]`` for an empty text.
    :raises JsonLdTooDeep: nesting deeper than :data:`MAX_JSONLD_DEPTH` (never ``RecursionError``).
    :raises ValueError: text that no reading turns into a value.
    """
    try:
        values = [json.loads(raw, strict=False)]
    except RecursionError:
        raise JsonLdTooDeep(f"deeper than Python's recursion limit ({len(raw)} chars)") from None
    except ValueError:
        values = _lenient_values(raw)
    for v in values:
        if _depth(v) > MAX_JSONLD_DEPTH:
            raise JsonLdTooDeep(f"nesting deeper than {MAX_JSONLD_DEPTH}")
    return values


def _lenient_values(raw: str) -> list:
    text, previous = raw.strip(), None
    while text != previous:  # nested wrappers: <!-- // <![CDATA[ ... // ]]> -->
        previous = text
        m = _WRAPPER_START.match(text)
        if m:
            text = text[m.end():]
        tail = len(text) - 80  # the closing marker is at the very end: search only there
        m = _WRAPPER_END.search(text, max(tail, 0))
        if m:
            text = text[:m.start()]
        text = text.strip()
    out, pos = [], 0
    while True:
        pos = _BETWEEN.match(text, pos).end()
        if pos >= len(text):
            return out
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except RecursionError:
            raise JsonLdTooDeep("deeper than Python's recursion limit") from None
        except ValueError:
            # comments / trailing commas inside the value: JSON5 reads the rest; data after
            # that value is reported as "extra data" with the value already decoded
            try:
                out.append(pyjson5.decode(text[pos:]))
            except pyjson5.Json5NestingTooDeep:
                raise JsonLdTooDeep("deeper than the JSON5 reader's limit") from None
            except pyjson5.Json5ExtraData as exc:
                out.append(exc.args[1])
            except pyjson5.Json5Exception as exc:
                raise ValueError(str(exc.args[0]) if exc.args else "unreadable JSON-LD") from None
            return out
        out.append(value)

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
        #: JSON-LD blocks dropped, by reason (``too_deep``, ``unparseable``); the spider adds
        #: them to the stats as ``newscrawl/jsonld/dropped/<reason>``
        self.dropped: Counter[str] = Counter()

    @cached_property
    def jsonld(self) -> list[dict]:
        """All JSON-LD objects of the page, ``@graph`` flattened, read leniently (:func:`parse_jsonld`).

        A block that cannot be read, or is absurdly deep, is dropped alone (logged, counted in
        :attr:`dropped`); the other blocks and the page are kept.
        """
        out: list[dict] = []
        scripts = self.sel.xpath(
            "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]/text()").getall()
        for raw in scripts:
            if not raw.strip():
                continue
            try:
                values = parse_jsonld(raw)
            except JsonLdTooDeep as exc:
                self.dropped["too_deep"] += 1
                logger.warning("JSON-LD block dropped (%s)", exc)
                continue
            except ValueError as exc:
                self.dropped["unparseable"] += 1
                logger.info("JSON-LD block dropped, unreadable (%d chars): %s", len(raw), str(exc)[:120])
                continue
            for data in values:
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
