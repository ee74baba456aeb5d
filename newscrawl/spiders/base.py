"""The spider base: fetch and route.

A site spider is a subclass that names its domain, start URLs, time zone and
page objects; this class does the rest:

* ``async def start()`` (Scrapy >= 2.16 never calls ``start_requests()``): the
  start URLs (``-a start_url=...`` replaces them), plus, with ``REPLAY_DIR`` set,
  the saved pages of the spider's domains (the snapshot is the URL list of an
  offline crawl);
* every HTML page: ticker headlines (once per crawl per headline; on article pages at
  most once per ``NEWSCRAWL_TICKER_INTERVAL`` seconds, the strip being site-wide), then either an
  article (the first page object whose ``is_article()`` is true) or a listing
  whose article / category / pagination links are followed within limits;
* a page whose declared charset is wrong is re-decoded (:mod:`newscrawl.text.encoding`);
* bad input never crashes the crawl: non-HTML and empty bodies, pages that fail
  extraction, unparseable dates are dropped or kept with a counted reason in the
  stats (``newscrawl/dropped/<reason>``, ``newscrawl/dates/unparsed``); an unreadable or
  absurdly deep JSON-LD block is dropped alone (``newscrawl/jsonld/dropped/<reason>``).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import TextResponse, XmlResponse

from newscrawl.text.encoding import repair_encoding, replacement_count
from newscrawl.extractors.base import ArticlePage, ExtractionError, TickerStrip
from newscrawl.extractors.ticker import GenericTicker
from newscrawl.text.urls import host_in_domains

logger = logging.getLogger(__name__)


def release_tree(response) -> None:
    """Drop ``response``'s cached selector (and with it the lxml tree): Scrapy's ``TextResponse``
    keeps its ``Selector`` and the selector keeps the response, a reference cycle that only the
    cycle collector frees.  A later ``response.css()`` parses the body again (correct, not free)."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None


def _int_arg(name: str, value) -> int | None:
    """A spider argument that must be a non-negative integer (``-a max_articles=50``); ``ValueError`` otherwise."""
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"spider argument {name}={value!r} is not an integer") from None
    if number < 0:
        raise ValueError(f"spider argument {name}={value!r} must be >= 0")
    return number


def link_hrefs(response, css: str) -> list[str]:
    """The ``href`` of every element matched by the selector group ``css``, in document order.

    The elements are selected first and ``@href`` read from each: ``css + "::attr(href)"``
    would bind the pseudo-element to the group's last alternative only (``"a.x, a.y::attr(href)"``),
    and the other alternatives would return whole ``<a>`` elements (issue 11, item 1).  A matched
    element without ``href`` (a card ``<div>``, a ``<li>``) gives the ``href`` of its first
    descendant ``<a>``; one with neither gives nothing.  ``css`` empty: ``[]``.
    """
    if not css:
        return []
    out = []
    for el in response.css(css):
        href = el.attrib.get("href")
        if href is None:
            href = el.xpath("(.//a[@href])[1]/@href").get()
        if href is not None:
            out.append(href)
    return out


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _bool_arg(name: str, value) -> bool:
    """A yes/no spider argument (``1/0/true/false/yes/no/on/off``, any case); ``ValueError`` otherwise."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"spider argument {name}={value!r} is not a yes/no value (1/0/true/false/yes/no)")


def _tz_arg(name: str, value: str) -> str:
    """An IANA time zone name (``Asia/Beirut``); ``ValueError`` for one ``zoneinfo`` does not know."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"spider argument {name}={value!r} is not an IANA time zone (e.g. Asia/Beirut)") from None
    return str(value)


class NewsSpider(scrapy.Spider):
    #: IANA time zone of the site's wall-clock dates
    timezone: str = "UTC"
    #: the site's numeric date order when day and month are both <= 12 («04/05/2020»): True
    #: d/m/y, False m/d/y, None unknown (the page object's DAY_FIRST, else such dates are
    #: used only when the page's metadata settles them; see newscrawl.text.dates.read_date)
    date_day_first: bool | None = None
    #: language reported when the page does not declare one
    language: str = "ar"
    #: the site's display name, used for ``publisher`` when a page names none (og:site_name ...)
    publisher_name: str | None = None
    #: page objects tried in order; the first whose ``is_article()`` is true extracts the article
    article_pages: tuple[type[ArticlePage], ...] = (ArticlePage,)
    #: generic fallback used when a site parser finds no body (None: no fallback)
    fallback_page: type[ArticlePage] | None = None
    #: the site's own strip reader (CSS hook); None: the site has none
    ticker_class: type[TickerStrip] | None = None
    #: read when ``ticker_class`` finds nothing on a page (a site that changes its markup keeps
    #: its ticker; a site without a hook still gets one); None: no fallback
    fallback_ticker_class: type[TickerStrip] | None = GenericTicker
    #: CSS for links to articles on listing pages: a selector group of elements (``@href`` is read
    #: from each match, :func:`link_hrefs`); ``.entry-title`` is the hAtom / WordPress headline class
    article_link_css: str = ("article h2 a, article h3 a, h2.post-title a, h3.post-title a, "
                             "h2.entry-title a, h3.entry-title a")
    #: CSS for links to category / section pages
    listing_link_css: str = ""
    #: CSS for "next page" links on listings
    pagination_css: str = 'a[rel="next"], a.next'
    #: discovery URLs (RSS, sitemaps) relative to each start URL, fetched when present
    #: (relative, so a WordPress site in a sub-folder -- or a category start URL -- gets its own feed)
    discovery_paths: tuple[str, ...] = ()

    custom_settings: dict = {}

    def __init__(self, *args, start_url: str | None = None, max_articles: int | str | None = None,
                 max_listing_pages: int | str | None = None, follow: bool | str = True, **kwargs):
        unknown = sorted(k for k in kwargs if k != "name" and not hasattr(type(self), k))
        if unknown:  # a typo (-a max_article=5) would otherwise be set as an attribute and do nothing
            logger.warning("%s: unknown spider argument(s) %s, not used (known: %s)", self.name or type(self).__name__,
                           ", ".join(unknown), ", ".join(self.known_arguments()))
        super().__init__(*args, **kwargs)
        #: False (``-a follow=0``): fetch the start URLs only -- no links, no discovery, no snapshot seeds
        self.follow = _bool_arg("follow", follow)
        self.explicit_start = bool(start_url)
        if start_url:
            self.start_urls = [u.strip() for u in start_url.split(",") if u.strip()]
            extra = {urlsplit(u).hostname for u in self.start_urls}
            self.allowed_domains = sorted(set(getattr(self, "allowed_domains", []) or []) | {h for h in extra if h})
        self._max_articles_arg = _int_arg("max_articles", max_articles)
        self._max_listing_arg = _int_arg("max_listing_pages", max_listing_pages)
        for url in self.start_urls if start_url else ():
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"start_url {url!r} is not an absolute http(s) URL")
        self.run_started = datetime.now(timezone.utc)
        self._tickers_seen: set[str] = set()
        self._ticker_read_at: float | None = None  # time.monotonic() of the last strip reading
        self._articles_requested = 0

    @classmethod
    def known_arguments(cls) -> list[str]:
        """The spider arguments (``-a NAME=VALUE``) this spider's ``__init__`` methods take, sorted."""
        import inspect

        names = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None or klass is scrapy.Spider or klass is object:
                continue
            for p in inspect.signature(init).parameters.values():
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self":
                    names.add(p.name)
        return sorted(names)

    # ---- settings-driven limits ---------------------------------------------------
    @property
    def max_articles(self) -> int:
        v = self._max_articles_arg if self._max_articles_arg is not None else self._setting_int("NEWSCRAWL_MAX_ARTICLES", 0)
        return int(v)

    @property
    def max_listing_pages(self) -> int:
        v = self._max_listing_arg if self._max_listing_arg is not None else self._setting_int("NEWSCRAWL_MAX_LISTING_PAGES", 5)
        return int(v)

    def _setting_int(self, name: str, default: int) -> int:
        return self._setting(name, default, "getint")

    def _setting(self, name: str, default, getter: str = "get"):
        """A setting through ``Settings.<getter>``; ``default`` for a spider driven without a crawler."""
        settings = getattr(self, "settings", None)
        return getattr(settings, getter)(name, default) if settings is not None else default

    def _inc(self, key: str, n: int = 1) -> None:
        crawler = getattr(self, "crawler", None)  # None when a page object is driven without a crawl (tests, extract)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key, n)

    # ---- start ---------------------------------------------------------------------
    async def start(self):
        seen = set()
        for url in self.start_urls:
            seen.add(url)
            yield scrapy.Request(url, callback=self.parse, meta={"page_kind": "home"}, dont_filter=True,
                                 errback=self.fetch_failed)
            if not self.follow:
                continue
            for path in self.discovery_paths:
                yield scrapy.Request(urljoin(url, path), callback=self.parse_discovery, meta={"page_kind": "discovery"},
                                     errback=self.discovery_failed)
        for url in self.replay_seeds():
            if url not in seen:
                yield scrapy.Request(url, callback=self.parse, meta={"page_kind": "snapshot"}, errback=self.fetch_failed)

    def replay_seeds(self) -> list[str]:
        """With ``REPLAY_DIR`` set: the saved pages (of a WARC: the recorded 2xx HTML pages)
        whose host is one of ``allowed_domains``
        (not when the start URL was given explicitly, nor with ``follow=0``)."""
        replay_dir = self.settings.get("REPLAY_DIR") if getattr(self, "crawler", None) else None
        if not replay_dir or self.explicit_start or not self.follow:
            return []
        from newscrawl.ops.middlewares import open_snapshot

        try:
            urls = open_snapshot(replay_dir).seeds()
        except FileNotFoundError:
            return []
        return [url for url in urls if host_in_domains(urlsplit(url).hostname, self.allowed_domains)]

    # ---- routing ---------------------------------------------------------------------
    def parse(self, response, **kwargs):
        """Ticker items, then an article item or the listing's requests (see the module doc).

        When the page is done its parsed tree is let go (:func:`release_tree`): a response and its
        cached selector reference each other, so without this every page's tree (~0.6 MB) stayed in
        memory until the cycle collector ran (issue 14: peak RSS grew with the crawl)."""
        read = [response]
        try:
            yield from self._read_page(response, read)
        finally:
            for r in read:
                release_tree(r)

    def _read_page(self, response, read: list):
        self._inc("newscrawl/pages")
        if not isinstance(response, TextResponse):
            self._inc("newscrawl/dropped/not_html")
            logger.warning("not an HTML/text response, skipped: %s (%s)", response.url,
                           response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        if not response.body.strip():
            self._inc("newscrawl/dropped/empty_page")
            logger.warning("empty page, skipped: %s", response.url)
            return
        response, repaired = repair_encoding(response)
        if response is not read[0]:
            read.append(response)
        if repaired:
            self._inc(f"newscrawl/encoding/repaired/{repaired}")
            logger.warning("wrong charset declared, page re-decoded (%s): %s", repaired, response.url)
        replaced = replacement_count(response)
        if replaced:
            self._inc("newscrawl/encoding/replacement_chars", replaced)
            self._inc("newscrawl/encoding/pages_with_replacements")
            logger.info("%d undecodable byte(s) replaced by U+FFFD (%s): %s", replaced, response.encoding, response.url)
        if self._over_element_budget(response):
            return
        now = datetime.now(timezone.utc)
        failed = None
        try:
            page = self.article_page(response, now)
        except Exception as exc:  # noqa: BLE001 - e.g. RecursionError from JSON-LD nested 100,000 deep
            page, failed = None, exc
        if self._ticker_due(article=page is not None or failed is not None):
            yield from self.parse_ticker(response, now)
        if failed is not None:
            self._extraction_failed(failed, response)
            return
        if page is not None:
            item = self.extract_article(page, response, now)
            for reason, n in page.meta.dropped.items():  # JSON-LD blocks that could not be read
                self._inc(f"newscrawl/jsonld/dropped/{reason}", n)
            if item is not None:
                yield item
            return
        self._inc("newscrawl/pages/listing")
        if self.follow:
            yield from self.follow_links(response)

    def _over_element_budget(self, response) -> bool:
        """``True`` (counted ``newscrawl/dropped/too_slow``, logged) for a page with more elements than
        ``NEWSCRAWL_MAX_PAGE_ELEMENTS`` (0: no limit).  Reading a page (trafilatura, the ticker and
        credit scans) costs CPU on the reactor thread in proportion to its elements -- ~0.3 ms each,
        40,000 short paragraphs took 16 s -- and every other download waits meanwhile; counting
        them is one C-level XPath on the tree the page objects parse anyway."""
        limit = self._setting_int("NEWSCRAWL_MAX_PAGE_ELEMENTS", 15000)
        if not limit:
            return False
        try:
            count = int(response.selector.root.xpath("count(//*)"))
        except Exception:  # noqa: BLE001 - no element tree (a text body): nothing to bound here
            return False
        if count <= limit:
            return False
        self._inc("newscrawl/dropped/too_slow")
        logger.warning("page too large to read (%d elements, NEWSCRAWL_MAX_PAGE_ELEMENTS=%d), skipped: %s",
                       count, limit, response.url)
        return True

    def _ticker_due(self, *, article: bool) -> bool:
        """Whether to read the breaking-news strip of this page.  Always on a home or listing
        page; on an article page only when no strip was read in the last
        ``NEWSCRAWL_TICKER_INTERVAL`` seconds (default 60; 0 reads every page).  The strip is
        site-wide chrome, the same on every page fetched within a minute, and reading it
        (the generic reader scores every list of the page) cost ~2 ms of CPU per page, a
        fifth of an article's extraction; skipped pages are counted
        (``newscrawl/ticker/skipped/recent``)."""
        if not article or self._ticker_read_at is None:
            return True
        interval = self._setting("NEWSCRAWL_TICKER_INTERVAL", 60.0, "getfloat")
        if interval <= 0 or time.monotonic() - self._ticker_read_at >= interval:
            return True
        self._inc("newscrawl/ticker/skipped/recent")
        return False

    def parse_ticker(self, response, now):
        """Ticker items of one page: ``ticker_class`` first, then ``fallback_ticker_class`` when
        the first finds nothing.  Stats: ``newscrawl/ticker/by/site`` or ``newscrawl/ticker/by/generic``
        (pages whose strip was read by that path), ``newscrawl/ticker/none`` (pages without a strip)."""
        items, path = [], None
        self._ticker_read_at = time.monotonic()
        for cls in (self.ticker_class, self.fallback_ticker_class):
            if cls is None:
                continue
            try:
                items = list(cls(response, site=self.name, now=now).items())
            except Exception as exc:  # noqa: BLE001 -- a strip reader's bug must not lose the page: log, count, go on
                logger.exception("ticker reading failed (%s) on %s", cls.__name__, response.url)
                self._inc(f"newscrawl/dropped/ticker_error/{type(exc).__name__}")
                items = []
            if items:
                path = "generic" if issubclass(cls, GenericTicker) else "site"
                break
        self._inc(f"newscrawl/ticker/by/{path}" if path else "newscrawl/ticker/none")
        for item in items:
            key = item["headline"]
            if key in self._tickers_seen:
                continue
            self._tickers_seen.add(key)
            yield item

    def article_page(self, response, now) -> ArticlePage | None:
        for cls in self.article_pages:
            page = cls(response, site=self.name, tz=self.timezone, language=self.language, now=now,
                       day_first=self.date_day_first)
            if page.is_article():
                return page
        return None

    def extract_article(self, page: ArticlePage, response, now):
        try:
            item = page.to_item()
        except ExtractionError as exc:
            if exc.reason == "no_body" and self.fallback_page is not None:
                fallback = self.fallback_page(response, site=self.name, tz=self.timezone, language=self.language, now=now,
                       day_first=self.date_day_first)
                try:
                    item = fallback.to_item()
                    self._inc("newscrawl/extraction/fallback")
                except ExtractionError as exc2:
                    return self._drop(exc2, response)
            else:
                return self._drop(exc, response)
        except Exception as exc:  # a parser bug must not stop the crawl: log with traceback, count
            return self._extraction_failed(exc, response)
        if not item.get("publisher") and self.publisher_name:
            item["publisher"] = self.publisher_name
        if item.get("published") is None:
            self._inc("newscrawl/dates/unparsed" if item.get("published_raw") else "newscrawl/dates/missing")
            if item.get("published_raw"):
                logger.warning("unparsed date %r on %s", item["published_raw"], response.url)
        else:
            self._inc(f"newscrawl/dates/precision/{item.get('published_precision')}")
        self._inc("newscrawl/articles")
        return item

    def _extraction_failed(self, exc: Exception, response):
        """Any exception while reading a page (a parser bug, hostile input such as JSON-LD
        nested 100,000 deep): one log line, counted as ``newscrawl/dropped/extraction_error/<Exc>``."""
        self._inc(f"newscrawl/dropped/extraction_error/{type(exc).__name__}")
        if isinstance(exc, RecursionError):  # a traceback 1,000 frames deep helps nobody
            logger.error("extraction failed on %s: %s (nesting too deep)", response.url, type(exc).__name__)
        else:
            logger.exception("extraction failed on %s", response.url)
        return None

    def _drop(self, exc: ExtractionError, response):
        self._inc(f"newscrawl/dropped/{exc.reason}")
        logger.warning("article dropped (%s): %s", exc.reason, response.url)
        return None

    def follow_links(self, response):
        depth = response.meta.get("listing_page", 0)
        budget = self._setting_int("NEWSCRAWL_MAX_LINKS_PER_PAGE", 1000) or None
        for request in self._links(response, depth):
            if budget is not None:
                if budget == 0:
                    self._inc("newscrawl/links/over_page_limit")
                    continue
                budget -= 1
            yield request

    def _links(self, response, depth: int):
        # response.follow() encodes the path as UTF-8 and the query in the page's charset,
        # as browsers do (WHATWG URL; case BR-02: windows-1256 pages)
        seen: set[str] = set()  # a card links its story twice (thumbnail + title): one request, one budget slot
        for href in link_hrefs(response, self.article_link_css):
            if self.max_articles and self._articles_requested >= self.max_articles:
                break
            request = self._follow(response, href, {"page_kind": "article"})
            if request is not None and request.url not in seen:
                seen.add(request.url)
                self._articles_requested += 1
                yield request
        if depth + 1 < self.max_listing_pages:
            css = ", ".join(c for c in (self.listing_link_css if depth == 0 else "", self.pagination_css) if c)
            if css:
                for href in link_hrefs(response, css):
                    request = self._follow(response, href, {"page_kind": "listing", "listing_page": depth + 1})
                    if request is not None:
                        yield request

    def _follow(self, response, href: str, meta: dict):
        href = (href or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        if "<" in href or "%3c" in href.lower():  # markup pasted into an href (seen on saved theme pages)
            self._inc("newscrawl/links/malformed")
            return None
        try:
            request = response.follow(href, callback=self.parse, meta=meta, errback=self.fetch_failed)
        except ValueError:  # malformed href
            self._inc("newscrawl/links/malformed")
            return None
        return request if self._is_internal(request.url) else None

    def _is_internal(self, url: str) -> bool:
        """``True`` for an http(s) URL on an allowed host, on the scheme's default port or a
        port one of the start URLs uses (``ftp://`` on the same host, ``http://host:1/`` are not)."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if port is not None and port not in self._site_ports():
            return False
        return not self.allowed_domains or host_in_domains(parts.hostname, self.allowed_domains)

    def _site_ports(self) -> set[int]:
        """80, 443 and the explicit ports of the start URLs."""
        ports = {80, 443}
        for url in self.start_urls or ():
            try:
                ports.add(urlsplit(url).port or 80)
            except ValueError:
                pass
        return ports

    # ---- discovery (RSS, sitemaps) ----------------------------------------------------
    def parse_discovery(self, response):
        """RSS ``<item><link>`` and sitemap ``<loc>`` URLs become article / sitemap requests.

        XML is parsed with Scrapy's ``Sitemap`` (lxml, ``resolve_entities=False``) or
        parsel's XML selector, neither of which resolves external entities.  A gzipped
        body (``.xml.gz`` served without ``Content-Encoding``, case BR-25) is decompressed
        up to ``DOWNLOAD_MAXSIZE``.  Each entry is checked on its own: one that is not an
        http(s) URL (``javascript:``, a malformed URL) is counted as
        ``newscrawl/dropped/bad_link`` and the entries after it are still followed; a
        relative ``<loc>`` is resolved against the sitemap's URL.  A body that does not
        decompress or parse is counted as ``newscrawl/dropped/bad_sitemap``.
        """
        from scrapy.utils.sitemap import Sitemap

        self._inc("newscrawl/pages/discovery")
        body = self._discovery_body(response)
        if body is None or not body.strip():
            return
        if b"<rss" in body[:2000] or b"<feed" in body[:2000]:
            text = response.text if body is response.body and isinstance(response, TextResponse) \
                else XmlResponse(response.url, body=body).text
            sel = scrapy.Selector(text=text, type="xml")
            sel.remove_namespaces()
            links = sel.xpath("//item/link/text() | //entry/link/@href").getall()
            # the parsed feed (tens of MB for 20,000 items) must not live as long as this
            # generator, which Scrapy drains as its scheduler takes the requests
            del sel, text, body
            for link in links[: self.max_articles or None]:
                request = self._discovery_request(response, link, self.parse, "article")
                if request is not None:
                    yield request
            return
        try:
            sm = Sitemap(body)
            index = sm.type == "sitemapindex"
            locs = [entry.get("loc") for entry in sm]
        except Exception:
            self._inc("newscrawl/dropped/bad_sitemap")
            return
        del sm, body  # the parsed sitemap goes before the requests are drained (see above)
        for loc in locs:
            if not loc:
                continue
            if index:
                request = self._discovery_request(response, loc, self.parse_discovery, "discovery")
            else:
                request = self._discovery_request(response, loc, self.parse, "article")
            if request is not None:
                yield request

    def _discovery_body(self, response) -> bytes | None:
        """The body of a feed or sitemap, gunzipped when it is gzip data (BR-25); ``None``
        (counted ``bad_sitemap``) when it does not decompress within ``DOWNLOAD_MAXSIZE``."""
        from scrapy.utils.gz import gunzip

        body = response.body
        if body[:3] != b"\x1f\x8b\x08":
            return body
        try:
            return gunzip(body, max_size=self._setting_int("DOWNLOAD_MAXSIZE", 8 * 1024 * 1024))
        except (OSError, EOFError, ValueError) as exc:  # ValueError: over the size cap
            self._inc("newscrawl/dropped/bad_sitemap")
            logger.warning("gzipped sitemap not read (%s): %s", type(exc).__name__, response.url)
            return None

    def _discovery_request(self, response, link: str, callback, kind: str):
        """A request for one feed / sitemap entry, or ``None``: not an http(s) URL
        (counted ``newscrawl/dropped/bad_link``) or off the site (not followed)."""
        try:
            url = response.urljoin((link or "").strip())
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {url[:200]!r}")
            request = scrapy.Request(url, callback=callback, meta={"page_kind": kind},
                                     errback=self.discovery_failed if kind == "discovery" else self.fetch_failed)
        except ValueError as exc:
            self._inc("newscrawl/dropped/bad_link")
            logger.info("bad link in %s skipped: %s", response.url, exc)
            return None
        if kind != "discovery" and not self._is_internal(request.url):
            return None
        return request

    def fetch_failed(self, failure):
        """A page could not be fetched: one log line and a counter, never a traceback.

        HTTP errors count as ``newscrawl/fetch_failed/http_<status>`` (INFO for 404/410,
        WARNING otherwise; DEBUG for a page absent from the offline snapshot); network errors, timeouts and pages over ``DOWNLOAD_MAXSIZE`` as
        ``newscrawl/fetch_failed/<ExceptionName>`` (WARNING).
        """
        from scrapy.spidermiddlewares.httperror import HttpError

        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            self._inc(f"newscrawl/fetch_failed/http_{status}")
            if "replay" in failure.value.response.flags and status == 404:
                # a link to a page the offline snapshot does not hold: expected, counted
                # (newscrawl/replay/miss) and summed up in the spider's end summary
                logger.debug("not in the snapshot: %s", request.url)
                return
            log = logger.info if status in (404, 410) else logger.warning
            log("fetch failed: HTTP %d %s", status, request.url)
        else:
            name = failure.type.__name__
            self._inc(f"newscrawl/fetch_failed/{name}")
            logger.warning("fetch failed: %s %s (%s)", name, request.url, failure.getErrorMessage()[:200])

    def discovery_failed(self, failure):
        self._inc("newscrawl/discovery/missing")
        logger.debug("discovery URL not available: %s", failure.request.url)
