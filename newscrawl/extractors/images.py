"""Article images the way a reader sees them: the real file behind lazy loading, one entry per picture.

Rules (issue 11 item 6; handed case BR-34), each from real markup:

* **the real file**: lazy-load plugins (WP Rocket, a3 Lazy Load, Jetpack, Jannah's own,
  lazysizes) put a placeholder in ``src`` and the file in ``data-lazy-src`` / ``data-src`` /
  ``data-original`` / ``data-lazy-original``, or a ``srcset`` (also ``data-srcset`` /
  ``data-lazy-srcset``), with a ``<noscript><img src=…></noscript>`` copy for browsers without
  JavaScript.  The largest ``srcset`` candidate (``w`` or ``x`` descriptor) wins, then the lazy
  attributes, then ``src``, then a ``<picture>``'s ``<source srcset>``, then the ``<noscript>``
  copy -- each only if it is not a placeholder;
* **placeholders**: ``data:`` URIs and blank / empty / spacer / loading images
  (``tie-empty.png``, ``blank.gif``, ``lazy_placeholder.gif``, ``1x1.png`` …): never an image;
* **one entry per picture**: WordPress serves one upload in several sizes (``photo-780x470.jpg``,
  ``photo-scaled.jpg``, ``photo.jpg``), CDNs copy it under another host with the same path, and
  CMS renditions sit under the original's path (``…/image.jpg_gen/derivatives/original_640/image.jpg``):
  these are one picture -- the first entry stays in place, a caption found on a later copy fills in;
* **not article images**: images from ad networks (``doubleclick.net``, ``ads.…`` hosts …) or
  ``/ads/``, ``/banners/`` folders, images inside ad / sponsor containers (class or id such as ``ad``,
  ``ads``, ``advert…``, ``sponsor…``, ``adsbygoogle``, Ad Inserter ``code-block``, Jannah
  ``stream-item``, WP Pro Ad System ``paszone``, ``adrotate``), within :data:`AD_ANCESTOR_LEVELS`
  levels, and IAB ad-unit sizes in the file name (``LotLoans_728x90.jpg``);
* **captions**: ``figcaption`` of the enclosing ``<figure>``, else the caption element of a
  WordPress ``.wp-caption`` box (``.wp-caption-text``), else the ``alt`` text.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from newscrawl.extractors.html import PageTokens, select

#: attributes that lazy-load plugins use for the real file, in priority order
LAZY_SRC_ATTRS = ("data-lazy-src", "data-src", "data-original", "data-lazy-original", "data-orig-file", "data-url")
SRCSET_ATTRS = ("data-lazy-srcset", "data-srcset", "srcset")
#: how many ancestors of an ``<img>`` are checked for an ad container
AD_ANCESTOR_LEVELS = 7

_PLACEHOLDER = re.compile(
    r"(?:^|[-_.])(?:tie-empty|empty|blank|spacer|placeholder|lazy|lazyload|lazy[-_]placeholder|loading|loader|"
    r"pixel|transparent|1x1|dummy|grey|gray)(?:[-_.](?:\d+x\d+|\d+|placeholder|image|img|pixel|bg|load))?"
    r"\.(?:gif|png|svg|webp)$",
    re.IGNORECASE,
)
_AD_TOKEN = re.compile(
    r"^(?:ad|ads|adv|advert\w*|sponsor\w*|adsbygoogle|adsense|adrotate|dfp|gpt-ad\w*|ad[-_]\w+|ads[-_]\w+|"
    r"\w+[-_]ads?|\w+[-_]advert\w*|code-block(?:-\d+)?|stream-item(?:-\w+)*|ai-viewports?|paszone\w*|wppas\w*)$",
    re.IGNORECASE,
)
#: IAB ad-unit sizes in a file name (not a WordPress ``-WxH`` size suffix)
_AD_SIZE = re.compile(r"(?:^|[_/])(?:728x90|970x90|970x250|468x60|320x50|300x600|160x600|120x600|336x280)(?:\D|$)")
_AD_HOST = re.compile(r"(?:^|\.)(?:doubleclick\.net|googlesyndication\.com|googleadservices\.com|adservice\.google\.\w+|"
                      r"amazon-adsystem\.com|adnxs\.com|taboola\.com|outbrain\.com|criteo\.(?:com|net)|ads?\.[\w.-]+)$",
                      re.IGNORECASE)
_AD_PATH = re.compile(r"/(?:ads|adv|adverts?|advertising|banners?|sponsors?)/", re.IGNORECASE)
_WP_SIZE = re.compile(r"(?:-\d{2,5}x\d{2,5}|-scaled|-e\d{10,13})+(?=\.\w{3,4}$)")
_SRCSET_ITEM = re.compile(r"\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,(?=\s|$)|$)")


def is_placeholder(url: str | None) -> bool:
    """True for a ``data:`` URI or a blank / loading placeholder file (``tie-empty.png``, ``blank.gif``)."""
    if not url or not url.strip():
        return True
    url = url.strip()
    if url.lower().startswith("data:"):
        return True
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return bool(_PLACEHOLDER.search(name))


def srcset_largest(srcset: str | None) -> str | None:
    """The candidate with the largest ``w`` (else ``x``) descriptor of a ``srcset``, placeholders skipped;
    a candidate without descriptor counts as ``1x``.  ``None`` when there is none."""
    best, best_size = None, -1.0
    for m in _SRCSET_ITEM.finditer(srcset or ""):
        url, size, unit = m.group(1), m.group(2), m.group(3)
        if not url or is_placeholder(url):
            continue
        value = float(size) if size else 1.0
        value = value * 100000 if unit == "w" else value  # any width beats a density
        if value > best_size:
            best, best_size = url, value
    return best


def real_src(img: Selector) -> str | None:
    """The real file of one ``<img>`` (see the module rules), or None when it only has placeholders."""
    attrib = img.attrib
    for attr in SRCSET_ATTRS:
        url = srcset_largest(attrib.get(attr))
        if url:
            return url
    for attr in LAZY_SRC_ATTRS + ("src",):
        url = (attrib.get(attr) or "").strip()
        if url and not is_placeholder(url):
            return url
    # <picture><source srcset=…><img src=placeholder></picture>; libxml2 does not know <source> is
    # void and nests what follows inside it
    for source in img.xpath("ancestor::picture[1]//source"):
        for attr in SRCSET_ATTRS:
            url = srcset_largest(source.attrib.get(attr))
            if url:
                return url
    copy = _noscript_copy(img)
    return real_src(copy) if copy is not None else None


def _noscript_copy(img: Selector) -> Selector | None:
    """The ``<noscript><img></noscript>`` that lazy-load plugins put right after the ``<img>`` (or its ``<picture>``)."""
    copy = img.xpath("following-sibling::*[1][self::noscript]//img"
                     " | ancestor::picture[1]/following-sibling::*[1][self::noscript]//img")
    return copy[0] if copy else None


def is_ad(img: Selector, url: str) -> bool:
    """An ad or sponsor banner: served by an ad network or from an ``/ads/`` / ``/banners/`` folder,
    an IAB ad-unit size in its file name, or an ad container around the ``<img>``."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if _AD_HOST.search(parts.hostname or "") or _AD_PATH.search(path) or _AD_SIZE.search(path):
        return True
    el = img.root
    for _ in range(AD_ANCESTOR_LEVELS + 1):  # the <img> itself, then its ancestors up to the article
        if el is None or not isinstance(el.tag, str) or el.tag in ("body", "html", "article", "main"):
            break
        tokens = (el.get("class") or "").split() + (el.get("id") or "").split()
        if any(_AD_TOKEN.match(t) for t in tokens) or "sponsored" in (el.get("rel") or "").split():
            return True
        el = el.getparent()
    return False


def caption_of(img: Selector) -> str | None:
    """``figcaption`` of the enclosing figure, else the ``.wp-caption-text`` of the caption box, else ``alt``
    (of the ``<noscript>`` copy when the lazy ``<img>`` has none)."""
    for xpath in ("ancestor::figure[1]//figcaption",
                  "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption ')][1]"
                  "//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"):
        for el in img.xpath(xpath):
            text = " ".join(" ".join(el.css("::text").getall()).split())
            if text:
                return text
    alt = " ".join((img.attrib.get("alt") or "").split())
    if not alt:
        copy = _noscript_copy(img)
        alt = " ".join((copy.attrib.get("alt") or "").split()) if copy is not None else ""
    return alt or None


def picture_key(url: str) -> str:
    """What makes two URLs one picture: the path without host, query and WordPress size suffix."""
    path = unquote(urlsplit(url).path).lower()
    return _WP_SIZE.sub("", path)


def same_picture(a: str, b: str) -> bool:
    """One picture: equal :func:`picture_key`, or one path is a rendition under the other's
    (same file name, ``…/image.jpg`` and ``…/image.jpg_gen/derivatives/original_640/image.jpg``)."""
    ka, kb = picture_key(a), picture_key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return long_.startswith(short) and short.rsplit("/", 1)[-1] == long_.rsplit("/", 1)[-1]


def add_image(out: list[dict], url: str, caption: str | None) -> None:
    """Append ``{"url", "caption"}`` to ``out`` unless it is a copy of a picture already there
    (then a missing caption is filled in)."""
    for entry in out:
        if same_picture(entry["url"], url):
            if not entry.get("caption") and caption:
                entry["caption"] = caption
            return
    out.append({"url": url, "caption": caption})


def article_images(sel: Selector, css: str, base_url: str, present: PageTokens | None = None) -> list[dict]:
    """``[{"url": absolute URL, "caption": str or None}, ...]`` for the ``<img>`` elements matched
    by ``css`` in ``sel``, in document order: real files, no placeholders, no ads, one per picture.
    ``present``: the page's :class:`~newscrawl.extractors.html.PageTokens` (alternatives that
    cannot match are not evaluated)."""
    out: list[dict] = []
    for img in select(sel, css, present):
        src = real_src(img)
        if not src:
            continue
        url = urljoin(base_url, src)
        if is_ad(img, url):
            continue
        add_image(out, url, caption_of(img))
    return out
