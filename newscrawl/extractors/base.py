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
from datetime import datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.url import safe_url_string

from newscrawl.text.arabic import match_key
from newscrawl.text.dates import DateReading, read_date, read_machine_date, read_time
from newscrawl.extractors.boilerplate import is_boilerplate, without_signature
from newscrawl.extractors.credits import Credit, opening_credit, parse_credit, publisher_keys
from newscrawl.extractors.html import PageTokens, all_texts, first_text, page_tokens, select, text_blocks
from newscrawl.extractors.images import add_image, article_images, is_placeholder
from newscrawl.extractors.metadata import PageMetadata
from newscrawl.loaders import ArticleLoader, TickerLoader
from newscrawl.text.urls import canonicalize, pick_canonical


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


#: a first body line that is a byline: «كتب محمد علي», «بقلم: …», "By Jane Doe"
_BODY_BYLINE = re.compile(r"^(?:كتبت|كتب|بقلم|حوار|إعداد|اعداد|By|Written by)(?:\s*[:：]\s*|\s+)\S", re.IGNORECASE)


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


_ELLIPSIS = re.compile(r"\s*(?:\.{2,}|…)\s*$")
_NOT_KEY = re.compile(r"\W+")


def _squeezed_key(text: str) -> str:
    """Match key with every non-word character removed: «العالم.ودعا» == «العالم. ودعا»."""
    return _NOT_KEY.sub("", match_key(text))


def lead_or_none(lead: str | None, body: list[str]) -> str | None:
    """``lead`` unless it is only a copy of the body's opening.

    CMSs fill ``og:description`` with the first N characters of the text, often cut mid-word
    («… في ال») and with paragraphs glued («العالم.ودعا»); such a "lead" says nothing the body
    does not, so it is ``None``.  Compared by match key with punctuation and spaces removed
    (alef maqsura, hamza and tashkeel differences are not differences); a leading credit
    («/Redacción/ …») is skipped.  A real standfirst (text that does not open the body) is kept
    as the page gives it.
    """
    if not lead or not body:
        return lead or None
    trimmed = _ELLIPSIS.sub("", lead)
    words = trimmed.split()
    if len(words) > 3 and not _ELLIPSIS.search(words[-1]):
        trimmed_cut = " ".join(words[:-1])  # the last word may be cut («ال» of «العالم»)
    else:
        trimmed_cut = trimmed
    lk = _squeezed_key(trimmed_cut)
    bk = _squeezed_key(" ".join(body[:3]))
    if len(lk) < 20 or len(bk) < 20:
        return lead
    start = lk.find(bk[:20])
    if 0 <= start <= 30 and bk.startswith(lk[start:]):
        return None
    return lead


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
    #: the site's order for numeric dates whose day and month are both <= 12 (True d/m/y,
    #: False m/d/y, None unknown: such a date is then used only when the metadata settles it)
    DAY_FIRST: bool | None = None

    def __init__(self, response, *, site: str, tz: str = "UTC", language: str = "ar", now: datetime | None = None,
                 day_first: bool | None = None):
        self.response = response
        self.day_first = self.DAY_FIRST if day_first is None else day_first
        self._precisions: dict[str, tuple[str, str]] = {}
        self._ambiguous: dict[str, str] = {}  # kind -> raw of an ambiguous date line nothing settled
        self.sel: Selector = response.selector
        self.site = site
        self.tz = tz
        self.default_language = language
        self.now = now or datetime.now(timezone.utc)
        self.meta = PageMetadata(self.sel)

    @cached_property
    def tokens(self) -> PageTokens | None:
        """Class names and ids of the page: CSS alternatives needing one it lacks are skipped."""
        return page_tokens(self.sel)

    def css(self, css: str):
        """``self.sel.css(css)`` minus the alternatives that cannot match on this page."""
        return select(self.sel, css, self.tokens)

    # ---- routing -------------------------------------------------------------
    def is_article(self) -> bool:
        if self.ARTICLE_CSS:
            return bool(self.css(self.ARTICLE_CSS))
        if self.meta.article and set(_as_list(self.meta.article.get("@type"))) - {"WebPage"}:
            return True
        return (self.meta.meta("og:type") or "").lower() == "article"

    # ---- fields --------------------------------------------------------------
    @cached_property
    def body_container(self) -> Selector | None:
        if not self.BODY_CSS:
            return None
        found = self.css(self.BODY_CSS)
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
        t = first_text(self.sel, self.TITLE_CSS, self.tokens) if self.TITLE_CSS else None
        return t or self.meta.ld("headline") or self.meta.meta("og:title")

    def body(self) -> list[str]:
        blocks = text_blocks(self.body_container, self.BODY_DROP_CSS, split_br_in_p=self.BR_SPLITS_PARAGRAPH,
                             present=self.tokens)
        title = " ".join((self.title() or "").split())
        # the headline repeated inside the body container is not a paragraph
        return without_signature([b for b in blocks if not is_boilerplate(b) and b != title])

    def lead(self) -> str | None:
        if self.LEAD_CSS:
            t = first_text(self.sel, self.LEAD_CSS, self.tokens)
            if t:
                return t
        return self.meta.meta("og:description", "description") or self.meta.ld("description")

    def visible_date(self) -> str | None:
        return first_text(self.sel, self.DATE_CSS, self.tokens) if self.DATE_CSS else None

    # ---- dates -----------------------------------------------------------------
    def _read_visible(self, text: str | None) -> DateReading | None:
        """A visible string read in the site's zone and numeric order; an ambiguous
        numeric date comes back as it is (``ambiguous``) for the caller to settle."""
        if not text:
            return None
        return read_date(text, tz=self.tz, now=self.now, day_first=self.day_first)

    def _element_texts(self, el, kind: str = "published") -> list[tuple[str, bool]]:
        """Texts of one date element for ``kind``: ``[(text, is_whole_text)]``, its whole
        text first (when short), then its text nodes.

        A text is an update line when it, or the text node just before it («آخر تحديث:»
        in its own ``<b>``), carries an update label; ``kind="modified"`` reads only
        those, ``"published"`` only the others."""
        whole = " ".join(" ".join(el.css("::text").getall()).split())
        texts = []
        if whole and len(whole) <= _MAX_DATE_LINE:
            texts.append((whole, bool(_UPDATE_LABEL.search(whole)), True))
        prev = ""
        for x in el.xpath(".//text()").getall():
            t = " ".join(x.split())
            if not t:
                continue
            if 4 <= len(t) <= _MAX_DATE_LINE:
                texts.append((t, bool(_UPDATE_LABEL.search(t) or _UPDATE_LABEL.search(prev)), False))
            prev = t
        return [(t, is_whole) for t, is_update, is_whole in texts if is_update == (kind == "modified")]

    def _element_readings(self, el, kind: str = "published") -> list[DateReading]:
        """Readings of one element: its whole text when that is a date (its ``raw`` narrowed
        to the one text node that says the same, «2020/12/25 - 1:59 صباحًا» rather than
        «كتب ضحى عرفة 2020/12/25 - 1:59 صباحًا»), else each text node that is one."""
        texts = self._element_texts(el, kind)
        readings = [(self._read_visible(t), is_whole) for t, is_whole in texts]
        if readings and readings[0][1] and readings[0][0] is not None:
            whole = readings[0][0]
            for r, _ in readings[1:]:
                if r is not None and (r.value, r.precision, r.ambiguous) == (whole.value, whole.precision, whole.ambiguous):
                    return [r]
            return [whole]
        return [r for r, _ in readings if r is not None]

    def _inside_body(self, el) -> bool:
        container = self.body_container
        if container is not None:
            root = container.root
            node = el.root
            while node is not None:
                if node is root:
                    return True
                node = node.getparent()
        return bool(el.xpath(_BODY_ANCESTOR_XPATH))

    def headline_element(self) -> Selector | None:
        """The element holding the headline: the first ``TITLE_CSS`` match (else the first ``<h1>``)."""
        found = (self.css(self.TITLE_CSS) if self.TITLE_CSS else []) or self.sel.css("h1")
        return found[0] if found else None

    @cached_property
    def _date_line_elements(self) -> list:
        """The elements that may hold the article's date line (see :meth:`visible_date_readings`)."""
        elements = []
        if self.DATE_CSS:
            elements += [(el, True) for el in self.css(self.DATE_CSS)]
        h1 = self.headline_element()
        if h1 is not None:
            wrap = lambda el: Selector(root=el, type="html")  # noqa: E731
            elements += [(wrap(el), False) for el in dateish_following(h1.root, 12)]
            if h1.xpath("ancestor::article"):
                elements += [(wrap(el), False) for el in dateish_preceding_in_article(h1.root, 4)]
        out, seen = [], set()
        for el, trusted in elements:
            key = id(el.root)
            if key in seen:
                continue
            seen.add(key)
            if not trusted and (el.xpath(_CHROME_ANCESTOR_XPATH) or self._inside_body(el)):
                continue
            out.append(el)
        return out

    def visible_date_readings(self, kind: str = "published") -> list[DateReading]:
        """Date readings of the article's visible date line, best first.

        The site's ``DATE_CSS`` first; then, for any page, date-like elements
        (``<time>``, ``[class*=date]``, ``[class*=time]``, ``[class*=meta]``,
        ``[class*=publish]``, ``[class*=posted]``, ``[itemprop=date*]``) right after
        the headline ``<h1>`` (and just before it within the same ``<article>``).
        Never: the body text, the theme's "today's date" widget (Jannah
        ``.topbar-today-date``, Sahifa ``.today-date``: the render date), navigation,
        sidebars, widgets, related-post cards, comments, tickers.  ``kind="modified"``
        keeps only lines labelled as an update («آخر تحديث», «محدثة», "Updated");
        ``"published"`` skips them.  An ambiguous numeric date («04/05/2020») is
        re-read in the order the page's other numeric dates show (:meth:`page_day_first`)
        when the site declares none; otherwise it stays ``ambiguous``.
        """
        out = []
        for el in self._date_line_elements:
            for r in self._element_readings(el, kind):
                if r.ambiguous and self.day_first is None and self.page_day_first is not None:
                    r = read_date(r.raw, tz=self.tz, now=self.now, day_first=self.page_day_first) or r
                out.append(r)
        return out

    def visible_times(self, kind: str = "published") -> list[tuple]:
        """Times printed without a date on the date line («آخر تحديث 14:00 (GMT+0400)»):
        ``[(raw, (hour, minute, second|None, stated tzinfo|None))]`` (:func:`newscrawl.text.dates.read_time`)."""
        out = []
        for el in self._date_line_elements:
            for t, _whole in self._element_texts(el, kind):
                hm = read_time(t)
                if hm is not None:
                    out.append((t, hm))
        return out

    @cached_property
    def page_day_first(self) -> bool | None:
        """The numeric date order the page itself shows: True when its numeric dates put a
        number over 12 first («26 / 04 / 2020»), False when second («04/26/2020»), None when
        it shows neither or both.  Read from every date-like element of the page."""
        firsts, seconds = 0, 0
        for text in self.sel.xpath(f"//body//*[{_DATEISH}]/text()").getall():
            for m in _NUMERIC_DMY_RE.finditer(text.translate(_DIGITS)):
                a, b = int(m.group(1)), int(m.group(3))
                firsts += a > 12 >= b
                seconds += b > 12 >= a
        if firsts and not seconds:
            return True
        if seconds and not firsts:
            return False
        return None

    def url_date(self) -> DateReading | None:
        """A full date in the URL path («/2020/02/18/slug/», «/2020-02-18/»), day precision.

        A year or year/month alone is never a date."""
        m = _URL_DATE_RE.search(self.response.url)
        if m is None:
            return None
        r = read_machine_date(f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", tz=self.tz)
        return DateReading(r.value, "day", m.group().strip("/")) if r is not None else None

    def machine_date_readings(self, kind: str) -> list[tuple[DateReading, str]]:
        """``[(reading, raw)]`` from the page's machine-readable metadata, best source first."""
        out = []
        for _source, raw in self.meta.date_candidates(kind):
            r = read_machine_date(raw, tz=self.tz)
            if r is not None:
                out.append((r, raw))
        return out

    def date_reading(self, kind: str = "published") -> DateReading | None:
        """The page's ``published`` / ``modified`` date with its precision.

        Order: machine-readable metadata (JSON-LD -> ``<meta>`` -> ``<time datetime>``);
        when it gives only a day (an ISO date, or exactly midnight) or nothing, the
        visible date line (:meth:`visible_date_readings`), a reading with a time
        first, on the metadata's day when there is one; an ambiguous numeric line
        is settled by the metadata's day or the site's ``DAY_FIRST``, else skipped;
        then the metadata's day.  ``None`` when nothing states a date (:meth:`to_item`
        then tries a full date in the URL, with ``"day"`` precision, as the last resort).
        """
        machine = self.machine_date_readings(kind)
        best = machine[0][0] if machine else None
        if best is not None and best.precision != "day" and not _is_midnight(best.value):
            if best.value.utcoffset() == timedelta(0):
                local = self._mislabelled_utc(kind, best)
                if local is not None:
                    return local
            return best
        visible = []
        for r in self.visible_date_readings(kind):
            if r.ambiguous:
                fits = [v for v in (r.value, r.alternative) if best is not None and v.date() == best.value.date()]
                if len(fits) != 1:
                    self._ambiguous.setdefault(kind, r.raw)
                    continue
                r = DateReading(fits[0], r.precision, r.raw)
            visible.append(r)
        if best is not None:
            day = best.value.astimezone(ZoneInfo(self.tz)).date() if best.precision == "day" else best.value.date()
            same_day = [r for r in visible if r.value.date() == day]
            timed = [r for r in same_day if r.precision != "day"]
            if timed:
                return timed[0]
            times = self.visible_times(kind)
            if len({hm for _raw, hm in times}) == 1:  # one time of day printed alone on the date line
                raw, (h, mi, sec, stated) = times[0]
                value = datetime(day.year, day.month, day.day, h, mi, sec or 0, tzinfo=stated or ZoneInfo(self.tz))
                return DateReading(value, "second" if sec is not None else "minute", f"{best.raw} {raw}")
            if same_day and best.precision != "day":  # «2019-02-08T00:00:00+01:00» shown as «الجمعة 8 فيفري 2019»
                return DateReading(best.value, "day", best.raw)
            return best
        timed = [r for r in visible if r.precision != "day"]
        if timed or visible:
            return (timed or visible)[0]
        return None

    def _mislabelled_utc(self, kind: str, best: DateReading) -> DateReading | None:
        """The visible date line when the metadata's UTC time is the site's wall-clock time
        mislabelled ``Z`` / ``+00:00`` (a CMS that prints local time with a UTC designator:
        youm7.com's ``article:published_time`` «09:23:13Z» beside «09:23 ص» in Cairo).

        Taken only when the site's zone is not UTC at that moment and a visible date line,
        read in the site's zone to the minute, shows exactly the metadata's clock on the
        metadata's day: then the two disagree by exactly the zone's offset and the page's
        reader sees the visible one.  Otherwise ``None`` (the metadata stands)."""
        zone = ZoneInfo(self.tz)
        wall = best.value.replace(tzinfo=None, second=0, microsecond=0)
        if not wall.replace(tzinfo=zone).utcoffset():
            return None
        for r in self.visible_date_readings(kind):
            if r.ambiguous or r.precision not in ("minute", "second"):
                continue
            if getattr(r.value.tzinfo, "key", None) != self.tz:  # a zone stated on the page is not ours to move
                continue
            if r.value.replace(tzinfo=None, second=0, microsecond=0) == wall:
                return DateReading(r.value, r.precision, r.raw)
        return None

    def _date(self, kind: str) -> tuple[datetime | None, str | None]:
        r = self.date_reading(kind)
        if r is None:
            # an ambiguous date line left unread is reported as an unparsed date (counted
            # ``newscrawl/dates/unparsed`` and logged by the spider), not as no date at all
            return None, self._ambiguous.get(kind)
        self._precisions[kind] = (r.raw, r.precision)
        if r.precision == "day":  # «منذ 3 أيام» is a day: its clock (the crawl's) is no time of the page
            return r.value.replace(hour=0, minute=0, second=0, microsecond=0, fold=0), r.raw
        return r.value, r.raw

    def published(self) -> tuple[datetime | None, str | None]:
        """``(aware datetime or None, raw string or None)`` (see :meth:`date_reading`)."""
        return self._date("published")

    def modified(self) -> datetime | None:
        return self._date("modified")[0]

    def date_precision(self, kind: str, raw: str | None) -> str | None:
        """Precision of the ``kind`` date whose raw string is ``raw``: as read by
        :meth:`date_reading`, else (a subclass found the value its own way) read
        again from ``raw`` (a Unix timestamp is ``"second"``)."""
        if raw is None:
            return None
        known = self._precisions.get(kind)
        if known and known[0] == raw:
            return known[1]
        if raw.strip().isdigit():
            return "second"
        r = read_machine_date(raw, tz=self.tz) or self._read_visible(raw)
        return r.precision if r is not None else None

    def byline(self) -> str | None:
        raw = first_text(self.sel, self.AUTHOR_CSS, self.tokens) if self.AUTHOR_CSS else None
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

    # ---- credits: author, agency, dateline, publisher ---------------------------------
    def publisher(self) -> str | None:
        """The site's display name as the page states it: ``og:site_name`` -> JSON-LD
        ``publisher.name`` -> ``application-name``; ``None`` when the page names none."""
        names = [self.meta.meta("og:site_name")]
        for p in _as_list(self.meta.article.get("publisher")):
            p = self._ld_resolve(p)
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                names.append(p["name"])
        names.append(self.meta.meta("application-name"))
        for n in names:
            if isinstance(n, str) and n.strip():
                return " ".join(n.split())
        return None

    @cached_property
    def _publishers(self) -> frozenset[str]:
        names = [self.meta.meta("og:site_name"), self.meta.meta("application-name"), self.meta.meta("twitter:site")]
        for p in _as_list(self.meta.article.get("publisher")):
            p = self._ld_resolve(p)
            if isinstance(p, dict):
                names.append(p.get("name"))
        host = urlsplit(self.response.url).hostname
        return publisher_keys(*[n.lstrip("@") if isinstance(n, str) else n for n in names], host=host)

    def _ld_resolve(self, node):
        """A JSON-LD reference ``{"@id": …}`` without a name replaced by the node it names
        (Yoast's ``@graph``: ``"author": {"@id": "…/#/schema/person/…"}``)."""
        if isinstance(node, dict) and "@id" in node and "name" not in node:
            for other in self.meta.jsonld:
                if other is not node and other.get("@id") == node["@id"] and "name" in other:
                    return other
        return node

    def credit_candidates(self):
        """Byline strings in priority order: the site's byline (:meth:`byline`), then -- read
        only when the ones before name nobody -- JSON-LD ``author`` Persons, ``<meta name=author>``,
        a short first body line «كتب …» / «بقلم …» / "By …"."""
        yield self.byline()
        for a in _as_list(self.meta.article.get("author")):
            a = self._ld_resolve(a)
            if isinstance(a, dict) and "Organization" not in _as_list(a.get("@type")):
                yield a.get("name") if isinstance(a.get("name"), str) else None
            elif isinstance(a, str):
                yield a
        yield self.meta.meta("author", "article:author")
        line = self._body_byline_line()
        if line:
            yield line

    def _body_byline_line(self) -> str | None:
        body = self._body_cached
        if body and len(body[0]) <= 60 and _BODY_BYLINE.match(body[0]):
            return body[0]
        return None

    @cached_property
    def _body_cached(self) -> list[str]:
        return self.body()

    @cached_property
    def credit(self) -> Credit:
        """:class:`~newscrawl.extractors.credits.Credit` of the page: the first candidate that names
        a person or an agency wins (placeholders and the publisher's own name are skipped);
        a dateline/agency opening the first paragraph («دمشق-سانا», «القاهرة (رويترز) -») adds
        the agency and dateline when no byline gave them."""
        author = agency = dateline = None
        for raw in self.credit_candidates():
            if not raw or not isinstance(raw, str):
                continue
            cleaned = clean_byline(raw)
            if cleaned and cleaned in self.AGENCY_NAMES:
                agency = cleaned
                break
            if raw.strip().startswith("http"):
                continue
            c = parse_credit(raw, publishers=self._publishers)
            if c.author or c.agency:
                author, agency, dateline = c.author, c.agency, c.dateline
                break
            dateline = dateline or c.dateline
        if agency is None:
            lead_credit = opening_credit(self._body_cached[0]) if self._body_cached else Credit()
            if lead_credit.agency:
                agency = lead_credit.agency
                dateline = dateline or lead_credit.dateline
        return Credit(author=author, agency=agency, dateline=dateline)

    def author(self) -> str | None:
        return self.credit.author

    def agency(self) -> str | None:
        return self.credit.agency

    def dateline(self) -> str | None:
        return self.credit.dateline

    def categories(self) -> list[str]:
        if self.CATEGORY_CSS:
            return all_texts(self.sel, self.CATEGORY_CSS, self.tokens)
        section = self.meta.article.get("articleSection")
        return [s for s in _as_list(section) if isinstance(s, str)]

    def tags(self) -> list[str]:
        if self.TAG_CSS:
            return all_texts(self.sel, self.TAG_CSS, self.tokens)
        return self.meta.metas("article:tag")

    def images(self) -> list[dict]:
        """``[{"url": absolute URL, "caption": str or None}, ...]``: ``og:image`` first, then the
        ``IMAGE_CSS`` images -- the real file behind lazy loading, no placeholders, no ads, one
        entry per picture (rules in :mod:`newscrawl.extractors.images`)."""
        out = article_images(self.sel, self.IMAGE_CSS, self.response.url, self.tokens) if self.IMAGE_CSS else []
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
        body = list(self._body_cached)
        line = self._body_byline_line()
        if line and self.author() and self.author() in line:  # the byline opened the body: not text
            body = body[1:]
        if not body:
            raise ExtractionError("no_body", self.response.url)
        published, published_raw = self.published()
        if published is None and published_raw is None:  # last resort, after every source a subclass adds
            from_url = self.url_date()
            if from_url is not None:
                published, published_raw = from_url.value, from_url.raw
                self._precisions["published"] = (from_url.raw, "day")
        modified = self.modified()
        loader = ArticleLoader()
        loader.add_value("url", self.url())
        loader.add_value("canonical_url", self.canonical_url())
        loader.add_value("site", self.site)
        loader.add_value("title", title)
        loader.add_value("published", published)
        loader.add_value("published_raw", published_raw)
        loader.add_value("published_precision", self.date_precision("published", published_raw) if published else None)
        loader.add_value("modified", modified)
        if modified is not None:
            loader.add_value("modified_precision", self._precisions.get("modified", (None, None))[1])
        loader.add_value("author", self.author())
        loader.add_value("agency", self.agency())
        loader.add_value("dateline", self.dateline())
        loader.add_value("publisher", self.publisher())
        loader.add_value("lead", lead_or_none(self.lead(), body))
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
        for key in ("published", "published_raw", "published_precision", "modified", "modified_precision",
                    "author", "agency", "dateline", "publisher", "lead"):
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


#: a visible date line is short; longer text is a sentence, not a date line
_MAX_DATE_LINE = 80
#: date-like elements near the headline
_DATEISH = (
    "self::time or @itemprop='datePublished' or @itemprop='dateModified' or @datetime"
    " or contains(translate(@class, 'DATE', 'date'), 'date') or contains(translate(@class, 'TIME', 'time'), 'time')"
    " or contains(@class, 'meta') or contains(@class, 'publish') or contains(@class, 'posted')"
    " or contains(translate(@id, 'DATE', 'date'), 'date')"
)


def is_dateish(el) -> bool:
    """:data:`_DATEISH` for one lxml element, in Python (same result: the XPath's
    ``translate()`` folds only the letters of ``date``/``time``, so ``str.lower()`` finds the
    same substrings; ``meta``/``publish``/``posted`` stay case-sensitive)."""
    if el.tag == "time":
        return True
    get = el.get
    if get("datetime") is not None or get("itemprop") in ("datePublished", "dateModified"):
        return True
    cls = get("class")
    if cls:
        low = cls.lower()
        if "date" in low or "time" in low or "meta" in cls or "publish" in cls or "posted" in cls:
            return True
    ident = get("id")
    return bool(ident) and "date" in ident.lower()


def dateish_following(el, limit: int) -> list:
    """``following::*[_DATEISH][position() <= limit]`` of an lxml element, in document order.

    The XPath evaluates its predicate on every later element of the page (~2 ms on a 500-element
    Jannah article); walking in Python stops at the ``limit``-th date-like element."""
    out = []
    node = el
    while node is not None:
        for sib in node.itersiblings():
            for x in sib.iter():
                if isinstance(x.tag, str) and is_dateish(x):
                    out.append(x)
                    if len(out) >= limit:
                        return out
        node = node.getparent()
    return out


def dateish_preceding_in_article(el, limit: int) -> list:
    """``preceding::*[_DATEISH][ancestor::article][position() <= limit]`` of an lxml element
    (the nearest ``limit`` before it, ancestors excluded), returned in document order."""
    out = []
    node = el
    while node is not None and len(out) < limit:
        for sib in node.itersiblings(preceding=True):
            for x in reversed(list(sib.iter())):
                if isinstance(x.tag, str) and is_dateish(x) and next(x.iterancestors("article"), None) is not None:
                    out.append(x)
                    if len(out) >= limit:
                        break
            if len(out) >= limit:
                break
        node = node.getparent()
    return out[::-1]


#: page chrome whose dates are not the article's: the themes' "today's date" widgets
#: (Jannah ``.topbar-today-date``, Sahifa ``.today-date``), navigation, sidebars, widgets,
#: related-post cards, comments, tickers, the site footer.  (An article's own ``<footer>``
#: holds its date line: Drupal's ``footer.submitted``.)  ``<body>`` classes are layout flags
#: (Jannah's «has-sidebar», «has-date-breaking-components»), not chrome.
_CHROME_ANCESTOR_XPATH = (
    "ancestor-or-self::*[not(self::body or self::html)][self::nav or self::aside or @id='footer' or contains(@class, 'site-footer')"
    " or contains(@class, 'today') or contains(@class, 'topbar') or contains(@class, 'top-bar')"
    " or contains(@class, 'widget') or contains(@class, 'sidebar') or contains(@class, 'related')"
    " or contains(@class, 'comment') or contains(@class, 'breaking') or contains(@class, 'ticker')"
    " or contains(@id, 'sidebar') or contains(@id, 'related') or contains(@id, 'comments')]"
)
#: article body containers: a date inside the text is never the article's date
_BODY_ANCESTOR_XPATH = (
    "ancestor-or-self::*[@itemprop='articleBody' or contains(@class, 'entry-content')"
    " or contains(@class, 'article-body') or contains(@class, 'articleBody') or @id='articleBody'"
    " or contains(@class, 'post-content') and not(self::article)]"
)
_UPDATE_LABEL = re.compile(r"تحديث|محدث|updated|modified|last\s+update", re.IGNORECASE)
#: «/2020/02/18/», «/2020-02-18-», «/20200218/» in a URL path
_URL_DATE_RE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)(?P<s>[/\-_])(?P<m>0?[1-9]|1[0-2])(?P=s)(?P<d>0?[1-9]|[12]\d|3[01])(?=[/\-_.]|$)"
)


_NUMERIC_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*\d{4}(?!\d)")
_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}})


def _is_midnight(dt: datetime) -> bool:
    return (dt.hour, dt.minute, dt.second, dt.microsecond) == (0, 0, 0, 0)


def _as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]
