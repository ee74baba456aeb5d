"""Repairing a page whose declared charset is wrong, or that declares none.

Arabic sites still serve legacy bytes, and servers still mislabel them.  The real
failure modes, all silent in a plain crawler:

* UTF-8 bytes labelled ``iso-8859-1``/``windows-1252``/``windows-1256``: every Arabic
  letter becomes two other letters («ÙˆØ²ÙŠØ±» or «ظˆط²ظٹط±» for «وزير»);
* windows-1256 bytes labelled ``utf-8``: every Arabic letter becomes U+FFFD;
* windows-1256 / ISO-8859-6 bytes with no charset declared anywhere (no header, no
  ``<meta>``, no BOM): Scrapy falls back to windows-1252 and gets Latin mojibake.

:func:`repair_encoding` re-decodes such a response when -- and only when -- another
encoding is clearly right:

* declared legacy, bytes that are strict UTF-8 with non-ASCII characters: UTF-8 (legacy
  text practically never forms valid multi-byte UTF-8 sequences);
* declared UTF-8 but *mostly* not UTF-8 (more invalid byte sequences than valid
  multi-byte ones): the charset of the page's ``<meta>`` if the bytes decode in it, else
  the detection of charset-normalizer (https://github.com/jawah/charset_normalizer);
* nothing declared, or only a Latin label servers put on anything (``iso-8859-1``,
  ``windows-1252``), and not UTF-8: charset-normalizer's detection, when it does not
  find the declared charset plausible at all.

A UTF-8 page with a few stray bytes is **not** re-decoded: its valid multi-byte
sequences outnumber the invalid bytes, so it stays UTF-8 and each invalid byte is one
U+FFFD (:func:`replacement_count`; the spider counts them as
``newscrawl/encoding/replacement_chars``).  Correct pages are returned as they are.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

REPLACEMENT = "\ufffd"
#: labels servers put on anything (Apache's old default; WHATWG reads iso-8859-1 as windows-1252):
#: a page labelled so is checked with charset-normalizer
_LATIN_LABELS = {"cp1252", "latin_1", "iso8859_15", "ascii"}


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_") if name else None
    except LookupError:
        return None


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _utf8_counts(body: bytes) -> tuple[int, int]:
    """``(valid non-ASCII characters, invalid byte sequences)`` of ``body`` read as UTF-8."""
    decoded = body.decode("utf-8", "replace")
    invalid = decoded.count(REPLACEMENT) - body.count(b"\xef\xbf\xbd")  # the page's own U+FFFD are valid
    return _non_ascii(decoded) - invalid, invalid


def _strict(body: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared_anywhere(response) -> bool:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return bool(http_content_type_encoding(content_type) or read_bom(response.body)[0]
                or html_body_declared_encoding(response.body))


def _detect(body: bytes) -> tuple[str | None, set[str]]:
    """charset-normalizer's best encoding for ``body`` (a Python codec name such as
    ``cp1256`` or ``iso8859_6``; ``None`` when no encoding decodes it without chaos) and
    every encoding it found plausible."""
    from charset_normalizer import from_bytes

    matches = from_bytes(body)
    best = matches.best()
    plausible = {_codec(name) for m in matches for name in m.could_be_from_charset}
    return (_codec(best.encoding) if best is not None else None), plausible


def detect(body: bytes) -> str | None:
    """charset-normalizer's best encoding for ``body`` (see :func:`_detect`)."""
    return _detect(body)[0]


def replacement_count(response) -> int:
    """Number of U+FFFD in ``response.text`` that are not in the bytes themselves
    (undecodable byte sequences replaced while decoding)."""
    text = response.text
    n = text.count(REPLACEMENT)
    return max(0, n - response.body.count(b"\xef\xbf\xbd")) if n else 0


def repair_encoding(response):
    """Return ``(response, None)`` when the page decodes well as declared, else
    ``(response re-decoded, "<declared>-><used>")`` (codec names, ``utf-8`` for UTF-8:
    ``cp1256->utf-8``, ``utf_8->cp1256``, ``cp1252->iso8859_6``).

    :param response: a Scrapy ``TextResponse``.
    :returns: the same response object, or ``response.replace(encoding=...)``.
    Never raises for undecodable bytes (a page that no candidate decodes well is returned
    as is).  Rules: module docstring.
    """
    body = response.body
    declared = _codec(response.encoding)
    if declared == "utf_8":
        if REPLACEMENT not in response.text:
            return response, None  # decoded cleanly (the common case: no second pass over the bytes)
        valid, invalid = _utf8_counts(body)
        if invalid == 0 or valid >= invalid:
            return response, None  # UTF-8, maybe with a few stray bytes (counted by the caller)
        meta = _codec(html_body_declared_encoding(body))
        for candidate in (meta if meta != "utf_8" else None, detect(body)):
            if candidate and candidate != "utf_8" and _strict(body, candidate) is not None:
                return response.replace(encoding=candidate), f"{declared}->{candidate}"
        return response, None
    if body.isascii():
        return response, None  # pure ASCII: every charset reads it the same
    utf8 = _strict(body, "utf-8")
    if utf8 is not None:
        if utf8 != response.text:
            return response.replace(encoding="utf-8"), f"{declared}->utf-8"
        return response, None
    if not _declared_anywhere(response) or declared in _LATIN_LABELS:
        candidate, plausible = _detect(body)
        if candidate and candidate not in (declared, "utf_8") and declared not in plausible:
            decoded = _strict(body, candidate)
            if decoded is not None and decoded != response.text:
                return response.replace(encoding=candidate), f"{declared}->{candidate}"
    return response, None
