"""Generic fallback for sites without a parser (and for a site parser that finds no body).

Metadata first, then text:

* **title**: the ``<h1>`` that best matches the page's declared titles (JSON-LD
  ``headline``, ``og:title``, ``<title>``), because many pages have a logo ``<h1>`` as
  well; else the JSON-LD headline, ``og:title``, trafilatura's title;
* **published**: JSON-LD -> ``<meta>`` (OpenGraph, ``pubdate``, ``itemprop``) -> ``<time datetime>``
  (:class:`ArticlePage`), then schema.org microdata / RDFa attributes
  (``[itemprop=datePublished][content|datetime]``, ``[property="dc:date"][content]``), then
  visible ``<time>`` text through the Arabic date rules (:func:`newscrawl.dates.parse_date`),
  then trafilatura's (htmldate's) date, which is a day: read as local midnight;
* **author**: JSON-LD Person -> ``<meta name=author>`` / ``article:author`` -> microdata / ``rel=author``
  / byline-classed elements -> a leading «حوار: / بقلم: / كتب» body line -> trafilatura; a
  byline that is the publisher's own name (``og:site_name``, JSON-LD publisher) is not an author;
  «name - city» loses its dateline city, a parenthesized credit «(أبوظبي - البيان)» is kept whole;
* **body**: trafilatura (a maintained boilerplate remover; we do not write our own), minus
  lines that repeat the title or the byline, known boilerplate lines and in-body
  crossheads; a schema.org ``itemprop=description`` standfirst element is put back in front
  when trafilatura dropped it;
* **categories / tags**: JSON-LD ``articleSection`` -> ``article:section`` -> the first microdata
  ``articleSection``; ``article:tag``.

Items are flagged ``extraction="generic"``.
"""

from __future__ import annotations

import logging

import re
from datetime import datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo

import trafilatura

# trafilatura logs unparseable input ("empty HTML tree") at ERROR; for us that is a
# counted drop (no_body / not_an_article), not an error of the crawl
logging.getLogger("trafilatura.core").setLevel(logging.CRITICAL)

from newscrawl.dates import parse_date, parse_machine_date
from newscrawl.extractors.base import ArticlePage, _as_list, clean_byline
from newscrawl.extractors.boilerplate import is_boilerplate
from newscrawl.extractors.html import first_text, text_blocks

_WS = re.compile(r"\s+")
#: a body line that is a byline, «حوار: آسيا العتروس», «كتبت أسماء نصار»
_BYLINE_LINE = re.compile(r"^(?:حوار|بقلم|كتبت|كتب|إعداد|اعداد|تقرير|متابعة)\s*[:：]?\s+(\S.{1,50})$")
#: «حسام أبو العلا - القاهرة»: a name followed by a one- or two-word dateline city
_NAME_DATELINE = re.compile(r"^(\S+(?:\s+\S+)+?)\s+[-–—]\s+\S+(?:\s\S+)?$")
_END_PUNCT = re.compile(r"[.!?؟…:؛»\")]$")
_ARTICLE_TYPE = re.compile(r"(?:News|Reportage|Analysis|Opinion|Blog)?(?:Article|Posting)\b")
#: og:type values that say "not an article"
_NOT_ARTICLE_OG = {"website", "profile", "video.other", "music.song", "book"}
_BYLINE_CSS = "a[rel~=author], .byline, .author-name, .writeBy, [class*=byline], [class*=writer], .post-author, .article-author"


def _norm(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def _crosshead(line: str, max_words: int = 4) -> bool:
    words = line.split()
    return 0 < len(words) <= max_words and not _END_PUNCT.search(line)


class GenericArticlePage(ArticlePage):
    parser_name = "generic"
    TITLE_CSS = "h1"
    #: a page with less main text than this (characters) is not taken for an article
    MIN_BODY_CHARS = 200

    @cached_property
    def _doc(self):
        try:
            return trafilatura.bare_extraction(
                self.response.text,
                url=self.response.url,
                include_comments=False,
                include_tables=False,
                include_images=False,
                with_metadata=True,
            )
        except Exception:  # trafilatura raises on some malformed trees; a fallback must not crash
            return None

    # ---- routing -------------------------------------------------------------
    def _article_markup(self) -> bool:
        """schema.org microdata / RDFa says the page is an article."""
        types = " ".join(self.sel.xpath("//@itemtype | //@typeof").getall())
        return bool(_ARTICLE_TYPE.search(types))

    def is_article(self) -> bool:
        if super().is_article() or self._article_markup():
            return True
        og_type = (self.meta.meta("og:type") or "").lower()
        if og_type in _NOT_ARTICLE_OG:
            return False
        text = getattr(self._doc, "text", None) or ""
        return len(text) >= self.MIN_BODY_CHARS and bool(self.sel.css("h1"))

    # ---- title -----------------------------------------------------------------
    def _declared_titles(self) -> list[str]:
        out = [self.meta.ld("headline"), self.meta.meta("og:title", "twitter:title"), self.sel.css("title::text").get()]
        return [_norm(t) for t in out if t and _norm(t)]

    def title(self) -> str | None:
        h1s = [_norm(" ".join(h.css("::text").getall())) for h in self.sel.css("h1")]
        h1s = [h for h in h1s if h]
        declared = self._declared_titles()
        best, best_score = None, 0.0
        for h in h1s:
            hw = set(h.split())
            for d in declared:
                dw = set(d.split())
                score = len(hw & dw) / max(len(hw), 1)
                if score > best_score:
                    best, best_score = h, score
        if best and best_score >= 0.5:
            return best
        if declared:
            return declared[0]
        return h1s[0] if h1s else getattr(self._doc, "title", None)

    # ---- date --------------------------------------------------------------------
    def published(self):
        dt, raw = super().published()
        if dt is not None:
            return dt, raw
        for el in self.sel.css("[itemprop=datePublished], [property='dc:date'], [property='article:published_time'], "
                               "[itemprop=dateCreated]"):
            value = (el.attrib.get("content") or el.attrib.get("datetime") or "").strip()
            parsed = parse_machine_date(value, tz=self.tz) if value else None
            if parsed is not None:
                return parsed, value
        for text in self.sel.css("time").xpath("normalize-space(.)").getall():
            parsed = parse_date(text, tz=self.tz, now=self.now) if text else None
            if parsed is not None:
                return parsed, text
        day = getattr(self._doc, "date", None)
        if day:
            try:
                d = datetime.strptime(day[:10], "%Y-%m-%d").date()
            except ValueError:
                return None, raw
            return datetime.combine(d, time(0), tzinfo=ZoneInfo(self.tz)), day
        return None, raw

    # ---- author ------------------------------------------------------------------
    def _publisher_names(self) -> set[str]:
        names = {self.meta.meta("og:site_name"), self.meta.meta("application-name")}
        for p in _as_list(self.meta.article.get("publisher")):
            if isinstance(p, dict):
                names.add(p.get("name"))
        return {_norm(n).lower() for n in names if isinstance(n, str) and _norm(n)}

    def _is_publisher(self, name: str) -> bool:
        low = name.lower()
        # «LBCI» is the publisher «LBCI Lebanon»; «أبوظبي - البيان» (dateline - paper) is a credit line
        return any(low == p or low in p for p in self._publisher_names())

    @cached_property
    def _raw_lines(self) -> list[str]:
        text = getattr(self._doc, "text", None) or ""
        return [_norm(line) for line in text.split("\n") if _norm(line)]

    def _byline_line(self) -> str | None:
        for line in self._raw_lines[:3]:
            m = _BYLINE_LINE.match(line)
            if m:
                return line
        return None

    def _microdata_author(self) -> str | None:
        """schema.org microdata ``itemprop=author`` that is a Person (an Organization is the publisher)."""
        for el in self.sel.css("body [itemprop=author]"):
            if "Organization" in (el.attrib.get("itemtype") or ""):
                continue
            name = el.css("[itemprop=name]")
            if name:
                el = name[0]
            value = el.attrib.get("content") or _norm(" ".join(el.css("::text").getall()))
            if value:
                return value
        return None

    def byline(self) -> str | None:
        candidates = [super().byline(), self.meta.meta("author", "article:author"), self._microdata_author()]
        candidates.append(first_text(self.sel, _BYLINE_CSS))
        line = self._byline_line()
        if line:
            candidates.append(line)
        candidates.append(getattr(self._doc, "author", None))
        for c in candidates:
            if not c or "http" in c or len(c) > 80:
                continue
            c = _norm(c)
            name = clean_byline(c)
            if name and not c.startswith("("):  # «(أبوظبي - البيان)» is a credit line: kept whole
                m = _NAME_DATELINE.match(name)
                name = m.group(1) if m else name
            if name and not self._is_publisher(name):
                return name
        return None

    # ---- body --------------------------------------------------------------------
    def body(self) -> list[str]:
        title = _norm(self.title())
        byline = self._byline_line()
        lines = []
        for line in self._raw_lines:
            if line == title or line == byline or is_boilerplate(line) or _crosshead(line):
                continue
            lines.append(line)
        # a microdata standfirst (schema.org description on a visible element) that trafilatura dropped
        for el in self.sel.xpath("//body//*[@itemprop='description'][not(self::meta)]"):
            lead = " ".join(text_blocks(el))
            if len(lead) >= 40 and lines and not any(lead[:40] in l for l in lines[:3]):
                lines.insert(0, lead)
            break
        return lines

    def lead(self) -> str | None:
        return self.meta.meta("og:description", "description") or self.meta.ld("description")

    # ---- sections ------------------------------------------------------------------
    def categories(self) -> list[str]:
        cats = [s for s in _as_list(self.meta.article.get("articleSection")) if isinstance(s, str) and s.strip()]
        if not cats:
            cats = self.meta.metas("article:section")
        if not cats:
            el = self.sel.css("[itemprop=articleSection]")
            if el:
                v = el[0].attrib.get("content") or _norm(" ".join(el[0].css("::text").getall()))
                cats = [v] if v else []
        return [_norm(c) for c in cats if _norm(c)]

    def tags(self) -> list[str]:
        """``article:tag`` metas, else the article's JSON-LD ``keywords`` (a list, or one
        comma-separated string; eyethunews.co.za's tags are only there)."""
        tags = self.meta.metas("article:tag")
        if tags:
            return tags
        keywords = self.meta.article.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        return [_norm(k) for k in keywords or [] if isinstance(k, str) and _norm(k)]

    def to_item(self):
        item = super().to_item()
        item["extraction"] = "generic"
        return item
