"""Repairing a page whose declared charset is wrong.

Arabic sites still serve legacy bytes, and servers still mislabel them.  Two real
failure modes, both silent in a plain crawler:

* UTF-8 bytes labelled ``iso-8859-1``/``windows-1252`` (or undeclared and sniffed
  as such): every Arabic letter becomes two Latin ones («ÙˆØ²ÙŠØ±» for «وزير»);
* windows-1256 bytes labelled ``utf-8``: every Arabic letter becomes U+FFFD.

:func:`repair_encoding` re-decodes such a response when -- and only when -- another
encoding gives clearly better text: strict UTF-8 that decodes and has Arabic letters
where the declared charset had none, or windows-1256 (then the charset named in the
page's ``<meta>``) for a body full of U+FFFD.  Correct pages are returned as they are.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
#: charsets that decode any byte, so a wrong one never fails loudly
_SINGLE_BYTE_LATIN = {"cp1252", "latin_1", "iso8859_15", "ascii", "iso8859_2"}


def _arabic_share(text: str) -> float:
    """Share of Arabic-block letters among the non-ASCII letters (markup and Latin text are ASCII)."""
    sample = text[:200_000]
    letters = len(_NON_ASCII_LETTER.findall(sample))
    return len(_ARABIC.findall(sample)) / letters if letters else 0.0


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_") if name else None
    except LookupError:
        return None


def repair_encoding(response):
    """Return ``(response, None)`` when the page decodes well as declared, else
    ``(response re-decoded, "<declared>-><used>")``.

    :param response: a Scrapy ``TextResponse``.
    :returns: the same response object, or ``response.replace(encoding=...)``.
    Never raises for undecodable bytes (a page that no candidate decodes well is returned as is).
    """
    body = response.body
    declared = _codec(response.encoding)
    text = response.text
    if declared in _SINGLE_BYTE_LATIN and _arabic_share(text) < 0.05:
        try:
            utf8 = body.decode("utf-8")
        except UnicodeDecodeError:
            utf8 = None
        if utf8 is not None and _arabic_share(utf8) > 0.3:
            return response.replace(encoding="utf-8"), f"{declared}->utf-8"
    bad = text.count("\ufffd")
    if bad > max(5, len(text) // 1000):
        meta = _codec(html_body_declared_encoding(body))
        for candidate in [c for c in (meta, "cp1256") if c and c != declared]:
            try:
                decoded = body.decode(candidate)
            except UnicodeDecodeError:
                continue
            if decoded.count("\ufffd") < bad // 10 and _arabic_share(decoded) > 0.3:
                return response.replace(encoding=candidate), f"{declared}->{candidate}"
    return response, None
