"""Text out of HTML, the way a reader sees it.

:func:`text_blocks` turns an element into the visible text blocks (paragraphs) a
reader would see, in document order: block-level elements and ``<br>`` start a new
block, inline elements do not (WordPress content: see ``split_br_in_p``).  Elements matching ``drop`` (CSS selectors: ads,
share bars, «اقرأ أيضاً» boxes ...) are removed first.  Many Arabic news CMSs
(Youm7, Alyaum) write the body as text separated by ``<br>`` instead of ``<p>``,
so splitting on ``<br>`` matters.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache

from lxml import etree
from parsel import Selector

from newscrawl.extractors.boilerplate import is_boilerplate, is_read_also_element

BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr td th ul "
    "br".split()
)
#: never visible text
ALWAYS_DROP = "script, style, noscript, template, iframe, svg, button, input, select, textarea, form"
_WS = re.compile(r"\s+")
#: a <br> read as a line break inside a paragraph (U+2028 LINE SEPARATOR: whitespace to _clean)
_SOFT_BREAK = "\u2028"


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def text_blocks(sel: Selector | None, drop: str = "", *, min_chars: int = 1, split_br_in_p: bool = True,
                present: PageTokens | None = None) -> list[str]:
    """Visible text blocks of ``sel``'s element, in order.

    :param sel: a parsel ``Selector`` for one element (``None`` gives ``[]``).
    :param drop: extra CSS selectors whose elements (and their text) are removed; read-also
        paragraphs (a label + one link, :func:`~newscrawl.extractors.boilerplate.is_read_also_element`)
        are always removed.
    :param min_chars: blocks shorter than this (after whitespace collapsing) are skipped.
    :param present: the page's :class:`PageTokens`: ``drop`` alternatives that cannot match
        are not evaluated.
    :param split_br_in_p: False for WordPress content, where ``wpautop`` writes the author's
        paragraphs as ``<p>`` and a single line break inside one as ``<br />``: such a ``<br>``
        is then read as a space (``olwedlule.<br>Ngokuthola`` -> ``olwedlule. Ngokuthola``),
        except after a bold lead line (an interview question) and at ``<br><br>``.
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
            for el in select(sub, css, present):
                _remove(el.root)
    for el in root.xpath(".//p | .//div | .//li"):  # «اقرأ أيضاً: <a>…</a>», «<strong>LABEL |</strong> <a>…</a>»
        if el.getparent() is not None and is_read_also_element(el):
            _remove(el)
    blocks: list[str] = []
    buf: list[tuple[str, bool]] = []  # (text, inside <strong>/<b>)
    state = {"p": 0, "bold": 0, "after_br": False}

    def add(text):
        if text:
            buf.append((text, state["bold"] > 0))
            if text.strip():
                state["after_br"] = False

    def flush():
        if buf:
            # a line of the paragraph that is boilerplate on its own («…<br>اقرأ أيضاً: <a>…</a>») is left out
            lines = [_clean(line) for line in "".join(t for t, _ in buf).split(_SOFT_BREAK)]
            t = " ".join(line for line in lines if line and not (len(lines) > 1 and is_boilerplate(line)))
            buf.clear()
            if len(t) >= min_chars:
                blocks.append(t)
        state["after_br"] = False

    def br_inside_p():
        # <br> inside a <p> is a line break within the paragraph (a space: «olwedlule.<br>Ngokuthola»
        # is «olwedlule. Ngokuthola»), except after a bold lead line (an interview question, a
        # crosshead: «<strong>سؤال؟</strong><br>-جواب») and at a blank line (<br><br>)
        text = [(t, b) for t, b in buf if t.strip()]
        if state["after_br"] or (text and all(b for _, b in text)):
            flush()
        else:
            buf.append((_SOFT_BREAK, False))
            state["after_br"] = True

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment / processing instruction
            add(el.tail)
            return
        tag = tag.lower()
        if tag == "br" and state["p"] and not split_br_in_p:
            br_inside_p()
            add(el.tail)
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
        state["p"] += tag == "p"
        state["bold"] += tag in ("strong", "b")
        add(el.text)
        for child in el:
            walk(child)
        state["bold"] -= tag in ("strong", "b")
        state["p"] -= tag == "p"
        if is_block:
            flush()
        add(el.tail)

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


_GROUPS = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")  # [attr=...] and (...) arguments, innermost first
_CLASS_TOKEN = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID_TOKEN = re.compile(r"#(-?[_a-zA-Z][\w-]*)")


@lru_cache(maxsize=1024)
def required_tokens(selector: str) -> tuple[frozenset, frozenset] | None:
    """``(class names, ids)`` that an element of the page must carry for the one selector
    (no top-level comma) to match anything: every ``.name`` / ``#name`` outside ``[...]``
    and ``(...)`` (``:not(.x)`` requires nothing).  ``None`` (unknown: always run the query)
    for a selector with a CSS escape."""
    if "\\" in selector:
        return None
    rest = selector
    while True:
        stripped = _GROUPS.sub(" ", rest)
        if stripped == rest:
            break
        rest = stripped
    return frozenset(_CLASS_TOKEN.findall(rest)), frozenset(_ID_TOKEN.findall(rest))


_ALL_CLASSES = etree.XPath("//@class", smart_strings=False)  # plain str: no link back to the element
_ALL_IDS = etree.XPath("//@id", smart_strings=False)


class PageTokens:
    """The class names and ids present anywhere in one parsed page, so that a CSS alternative
    that needs one the page lacks is skipped instead of evaluated: it cannot match (each query
    evaluates its predicate on every element, 0.1-0.2 ms on a 500-element page, and the site
    parsers' fallback alternatives mostly match nothing).

    Class names are split at any whitespace (``str.split``), XPath's ``normalize-space`` (which
    cssselect's ``.name`` test uses) at XML whitespace only: a class value with another space
    («a\xa0b») gives pieces that only make a query run, and a name with such a space needs a CSS
    escape, which :func:`required_tokens` never rules out.  Ids are whole ``id`` values, as
    ``#name`` compares them."""

    __slots__ = ("classes", "ids")

    def __init__(self, root):
        classes = set()
        for value in _ALL_CLASSES(root):
            classes.update(value.split())
        self.classes = classes
        self.ids = set(_ALL_IDS(root))

    def may_match(self, selector: str) -> bool:
        """False only when ``selector`` (one alternative) certainly matches nothing here."""
        need = required_tokens(selector)
        return need is None or (need[0] <= self.classes and need[1] <= self.ids)

    def prune(self, css: str) -> str:
        """The alternatives of the group ``css`` that may match, rejoined (same union, same
        document order); ``""`` when none may."""
        alts = alternatives(css)
        kept = [a for a in alts if self.may_match(a)]
        return css if len(kept) == len(alts) else ", ".join(kept)


def page_tokens(sel: Selector | None) -> PageTokens | None:
    """:class:`PageTokens` of ``sel``'s document, or ``None`` when it has no element tree."""
    root = getattr(sel, "root", None)
    return PageTokens(root) if isinstance(root, etree._Element) else None


def select(sel: Selector, css: str, present: PageTokens | None = None):
    """``sel.css(css)`` without the alternatives ``present`` rules out (``[]`` when none is left)."""
    if present is not None:
        css = present.prune(css)
        if not css:
            return []
    return sel.css(css)


def first_text(sel: Selector, css: str, present: PageTokens | None = None) -> str | None:
    """Whitespace-collapsed visible text of the first element matching ``css``, or None.

    A selector group ``"a, b"`` is a list of alternatives in priority order: ``b`` is
    only tried when ``a`` gives no text (and each costs a pass over the document, so
    stopping early matters on large pages).
    """
    for alt in alternatives(css):
        if present is not None and not present.may_match(alt):
            continue
        for el in sel.css(alt):
            t = _clean(" ".join(el.css("::text").getall()))
            if t:
                return t
    return None


def all_texts(sel: Selector, css: str, present: PageTokens | None = None) -> list[str]:
    """Whitespace-collapsed text of every element matching the first alternative of ``css``
    that matches anything (see :func:`first_text`); empty ones and repeats skipped, order kept."""
    for alt in alternatives(css):
        if present is not None and not present.may_match(alt):
            continue
        out: list[str] = []
        for el in sel.css(alt):
            t = _clean(" ".join(el.css("::text").getall()))
            if t and t not in out:
                out.append(t)
        if out:
            return out
    return []
