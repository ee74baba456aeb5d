"""Text out of HTML, the way a reader sees it.

:func:`text_blocks` turns an element into the visible text blocks (paragraphs) a
reader would see, in document order: block-level elements and ``<br>`` start a new
block, inline elements do not.  Elements matching ``drop`` (CSS selectors: ads,
share bars, «اقرأ أيضاً» boxes ...) are removed first.  Many Arabic news CMSs
(Youm7, Alyaum) write the body as text separated by ``<br>`` instead of ``<p>``,
so splitting on ``<br>`` matters.
"""

from __future__ import annotations

import copy
import re

from lxml import etree
from parsel import Selector

BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr td th ul "
    "br".split()
)
#: never visible text
ALWAYS_DROP = "script, style, noscript, template, iframe, svg, button, input, select, textarea, form"
_WS = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def text_blocks(sel: Selector | None, drop: str = "", *, min_chars: int = 1) -> list[str]:
    """Visible text blocks of ``sel``'s element, in order.

    :param sel: a parsel ``Selector`` for one element (``None`` gives ``[]``).
    :param drop: extra CSS selectors whose elements (and their text) are removed.
    :param min_chars: blocks shorter than this (after whitespace collapsing) are skipped.
    :returns: list of strings, whitespace collapsed (no other normalization: the
        Arabic display form is applied by the item loaders).
    """
    if sel is None:
        return []
    root = sel.root
    if not isinstance(root, etree._Element):
        return []
    root = copy.deepcopy(root)
    sub = Selector(root=root)
    for css in (ALWAYS_DROP, drop):
        if css:
            for el in sub.css(css):
                _remove(el.root)
    blocks: list[str] = []
    buf: list[str] = []

    def flush():
        if buf:
            t = _clean("".join(buf))
            buf.clear()
            if len(t) >= min_chars:
                blocks.append(t)

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment / processing instruction
            if el.tail:
                buf.append(el.tail)
            return
        tag = tag.lower()
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if is_block:
            flush()
        if el.tail:
            buf.append(el.tail)

    # the root's own tail is outside it
    tail, root.tail = root.tail, None
    walk(root)
    root.tail = tail
    flush()
    return blocks


def _remove(el) -> None:
    """Remove ``el`` but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def alternatives(css: str) -> list[str]:
    """Split a selector group ``"a, b"`` at its top-level commas (not inside ``[...]`` or ``(...)``)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(css):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(css[start:i].strip())
            start = i + 1
    out.append(css[start:].strip())
    return [c for c in out if c]


def first_text(sel: Selector, css: str) -> str | None:
    """Whitespace-collapsed visible text of the first element matching ``css``, or None.

    A selector group ``"a, b"`` is a list of alternatives in priority order: ``b`` is
    only tried when ``a`` gives no text (and each costs a pass over the document, so
    stopping early matters on large pages).
    """
    for alt in alternatives(css):
        for el in sel.css(alt):
            t = _clean(" ".join(el.css("::text").getall()))
            if t:
                return t
    return None


def all_texts(sel: Selector, css: str) -> list[str]:
    """Whitespace-collapsed text of every element matching the first alternative of ``css``
    that matches anything (see :func:`first_text`); empty ones and repeats skipped, order kept."""
    for alt in alternatives(css):
        out: list[str] = []
        for el in sel.css(alt):
            t = _clean(" ".join(el.css("::text").getall()))
            if t and t not in out:
                out.append(t)
        if out:
            return out
    return []
