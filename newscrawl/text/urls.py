"""URL canonicalisation: the ``canonical_url`` key used for dedupe and storage upserts.

Two URLs get the same :func:`canonicalize` value when a browser would load the
same resource from them *and* the only difference is one of:

* raw IRI vs. percent-encoded form, and lower- vs. upper-case hex in the escapes
  (``/أخبار`` == ``/%d8%a3%d8%ae…`` == ``/%D8%A3%D8%AE…``);
* the case of the scheme or host (``NEWS.example``), a trailing dot on the host, an
  IDN host vs. its punycode (``xn--…``) form;
* an explicit default port (``:80`` for http, ``:443`` for https);
* an empty path vs. ``/``; ``.``/``..`` path segments;
* the order of query parameters, an empty ``?``;
* a ``#fragment``;
* tracking parameters (:data:`TRACKING_PARAMS`, :data:`TRACKING_PREFIXES`).

Path case is **kept** (``/ar/Video/123`` and ``/ar/video/123`` stay distinct: many
servers are case-sensitive), and so is every other query parameter, including
blank ones (``?q=``).

The heavy lifting is :func:`w3lib.url.canonicalize_url` (w3lib 2.5), which follows
the WHATWG URL Standard (https://url.spec.whatwg.org/) for percent-encoding: the
path is UTF-8-encoded before escaping, the query in the *page's* charset
(``encoding``), which is what a browser sends for a link found on a windows-1256
page (case BR-02).  This module adds the rules w3lib leaves out: tracking
parameters, default ports, the trailing host dot (case BR-09).
"""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize", "pick_canonical", "same_site", "site_host"]

TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # ad-click identifiers: Facebook, Google Ads, DoubleClick, Microsoft Ads, Yandex,
        # Twitter/X, TikTok, Instagram
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        # Mailchimp, HubSpot, Marketo
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        # Google Analytics cross-domain linker
        "_ga",
        "_gl",
        # referral markers (listed by the BR-09 issue); news CMSs use them only for
        # click attribution (``?ref=homepage``, ``?ref_src=twsrc^tfw``)
        "ref",
        "ref_src",
        "ref_url",
    }
)
"""Query parameters dropped by :func:`canonicalize` (compared case-insensitively).

Deliberately **not** listed: ``amp`` (AMP pages declare ``rel=canonical`` to the
regular page, which :func:`pick_canonical` already prefers; a bare ``amp`` key is
not safe to drop blindly), ``id``/``p``/``page``/``s``/``q`` and other short keys
that select content, ``si`` and ``source`` (content keys on some CMSs)."""

TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)
"""Query-parameter name prefixes dropped by :func:`canonicalize` (Google Analytics
campaign tags: ``utm_source``, ``utm_medium``, ``utm_campaign``, ``utm_term``,
``utm_content``, ``utm_id`` …)."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _is_tracking(pair: str, params: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    key = unquote(pair.split("=", 1)[0].replace("+", " "), errors="replace").strip().lower()
    return key in params or key.startswith(prefixes)


def canonicalize(
    url: str,
    *,
    encoding: str = "utf-8",
    tracking_params: frozenset[str] = TRACKING_PARAMS,
    tracking_prefixes: tuple[str, ...] = TRACKING_PREFIXES,
) -> str:
    """Return the canonical form of the absolute URL ``url`` (an ASCII ``str``).

    ``encoding`` is the charset of the page the URL came from; it is used only for
    non-ASCII characters in the *query* (WHATWG URL Standard, "query state"); the
    path is always UTF-8.  A URL that is already percent-encoded is left as encoded,
    whatever ``encoding`` says, so ``canonicalize`` is idempotent:
    ``canonicalize(canonicalize(u, encoding=e)) == canonicalize(u, encoding=e)`` for
    any ``e``, and also with the default encoding on the second call.

    Example (case BR-09)::

        >>> canonicalize("https://NEWS.example/ar/%d8%a3?utm_source=fb&id=5#top")
        'https://news.example/ar/%D8%A3?id=5'

    Raises ``ValueError`` for a relative URL (no scheme or no host) and
    ``LookupError`` for an unknown ``encoding``.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    "".encode(encoding)  # LookupError early for an unknown charset

    canon = canonicalize_url(url, keep_blank_values=True, keep_fragments=False, encoding=encoding)
    parts = urlsplit(canon)
    scheme = parts.scheme.lower()

    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if not hostport.endswith("]"):  # not a bare IPv6 literal
        h, colon, p = hostport.rpartition(":")
        if colon and p.isdigit():
            host, port = h, p
        elif colon and not p:  # "host:" (empty port)
            host = h
    host = host.lower().rstrip(".")
    if port and port.lstrip("0") == _DEFAULT_PORTS.get(scheme, "").lstrip("0"):
        port = ""
    netloc = f"{userinfo}{at}{host}{':' + port if port else ''}"

    path = parts.path or "/"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair, tracking_params, tracking_prefixes)
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def site_host(url: str) -> str:
    """The host of ``url`` lower-cased, without a trailing dot, port or leading
    ``www.``: ``https://WWW.Alyaum.com:443/x`` -> ``alyaum.com``.  ``""`` when the
    URL has no host.  Other subdomains are kept (``arabic.sputniknews.com``)."""
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    return host[4:] if host.startswith("www.") else host


def host_in_domains(host: str | None, domains) -> bool:
    """``True`` when ``host`` is one of ``domains`` or a subdomain of one
    (``www.youm7.com`` is in ``["youm7.com"]``; ``notyoum7.com`` is not).  ``host`` is
    lower-cased; ``domains`` are expected lower-case, as Scrapy's ``allowed_domains``."""
    host = (host or "").lower()
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains or ())


def same_site(a: str, b: str) -> bool:
    """``True`` when the absolute URLs ``a`` and ``b`` have the same :func:`site_host`."""
    ha = site_host(a)
    return bool(ha) and ha == site_host(b)


def pick_canonical(page_url: str, candidates: list[str | None]) -> str:
    """Choose the URL that names the page at ``page_url`` (the fetched URL, after
    redirects).

    ``candidates`` are the URLs the page declares for itself, **in order of
    preference**: pass ``[rel=canonical href, og:url content, …]``.  rel=canonical
    must come first: LBCI's og:url is a generic ``…/898682/lbci-lebanon-articles/ar``
    while its rel=canonical is the real article URL.

    Each candidate is stripped and resolved against ``page_url`` (relative
    ``href`` values are common).  The first candidate that is

    * an ``http``/``https`` URL,
    * on the same site as ``page_url`` (same host ignoring a leading ``www.``; a
      canonical pointing to another site is ignored: it would let one site claim
      another's article), and
    * not the site root while the page itself is not the root (a CMS that sets
      ``rel=canonical`` to the home page on every page would otherwise merge all
      its articles into one document),

    is returned (resolved, *not* canonicalised: pass it to :func:`canonicalize`).
    When no candidate qualifies, ``page_url`` is returned unchanged.  Empty or
    ``None`` candidates are skipped.
    """
    page_root = urlsplit(page_url).path in ("", "/")
    for cand in candidates:
        if not cand or not cand.strip():
            continue
        absolute = urljoin(page_url, cand.strip())
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            continue
        if not same_site(absolute, page_url):
            continue
        if parts.path in ("", "/") and not parts.query and not page_root:
            continue
        return absolute
    return page_url
