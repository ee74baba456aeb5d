"""A generic breaking-news ticker: finds the strip on any page without per-site CSS.

:class:`GenericTicker` is a :class:`~newscrawl.extractors.base.TickerStrip` (same
``headlines()`` / ``items()`` shapes) that scores every *list* on the page -- an
element with two or more same-tag children that carry text (``ul > li``,
``marquee > a``, ``div > div``) -- and keeps the single best list when the evidence
is strong.  Precision first: a page without a strip gives no items.

Rules, and the real markup each one comes from (``tests/fixtures/pages`` and the
descriptions in ``tests/fixtures/cases/ticker-patterns.md``):

* **Strip words in id/class** (strong): ``breaking``/``breakingnews`` and
  misspellings (``breacking``, ``braking``, ``breking``), ``ticker``/``tiker``/
  ``newsticker``/``news-ticker``, ``urgent``, ``news-bar``/``newsbar``, ``marquee``,
  ``flash``, the Arabic transliterations of «عاجل» (``3ajel``, ``ajel``, ``3agel``,
  ``aajel``), and a ``<marquee>`` element.  Seen on: Jannah
  ``div.breaking > ul#breaking-news-in-header.breaking-news`` (jannah.tielabs.com,
  thenassauguardian.com), Sahifa ``div.breaking-news`` (hatawtabloid.com), youm7
  ``div.ticker > ul#nt-title``, Sputnik ``div.b-breakingnews-double``, almanar
  ``ul#newsticker_demo_reveal.newsticker``.  Tokens are split on ``-``/``_`` and
  camelCase (youm7 ``tickerAndSearch``, Sputnik ``b-breakingnews-double__list``).
  Weak words (``latest``, ``trend*``) only add to other evidence: youm7's
  ``TrendingNewBlock`` and Jannah's ``is-trending`` post cards are not strips.  A bare
  ``break`` is not a strip word (Bootstrap's ``text-break`` utility class).
* **State flags are not the strip**: ``has-*``/``is-*``/``with-*``/``no-*`` tokens are
  ignored -- Jannah puts ``has-breaking-news`` on ``nav#top-nav`` even when the strip
  is switched off (eyethunews.co.za).
* **A word counts only on the strip itself**: the element carrying it (the list or
  an ancestor at most :data:`MAX_UP` levels up) must hold little besides the items
  and the label (:data:`MAX_EXTRA_CHARS`), so a page wrapper or a header block
  named ``breakingnews`` (Sputnik's ``div.l-header.breakingnews`` around the article
  header) lends nothing to a list inside it.
* **Label** beside the strip: a non-link element near the list whose whole text is
  a strip label, compared by :func:`newscrawl.text.arabic.match_key` (hamza, teh marbuta,
  tatweel, case and punctuation folded).  Strong: «عاجل», «أخبار عاجلة», «خبر عاجل»,
  «عاجل الآن», «شريط الأخبار», "Breaking", "Breaking News", "Urgent" (Jannah
  ``span.breaking-title-text``, Sahifa ``<span>Breaking News</span>``, Sputnik's
  per-item ``<span> عاجل </span>``, which counts when at least half the items carry one).  Weak: «آخر الأخبار», «الآن», "Trending",
  "Latest", "Just in", "Aktuell" (thenassauguardian.com labels its Jannah strip
  "TRENDING").  A link is never a label: lbcgroup.tv's «خبر عاجل» *category link*
  gives nothing.  A label naming a «most read» / related box vetoes the list.
* **Items**: each item's headline is the visible text of its longest text-bearing
  link (a thumbnail or icon link before it has no text: skipped; ``img@alt`` is
  never read); an item without links (almanar's ``li > a`` without ``href``, plain
  ``li`` text) gives its own text and ``url=None`` -- but ``<p>`` items must each hold a
  link (short body paragraphs under an «عاجل» line are article text).  ``<script>``/``<style>`` inside
  the strip (Sahifa's inline jQuery) are never text; nor is a label inside an item, a
  label typed before the headline («عاجل: …», "Breaking - …"), or a time in its own
  element beside a linkless headline («10:45», «منذ ساعة»).
  Items hidden until JavaScript runs (``height:0``, ``display:none``) are read.
* **Shape**: at least 3 items, or 2 with a label, or 1 with both a strong word and a
  strong label (Sputnik's strip has 2 items, each with its «عاجل» span); no ``h1``;
  headlines of 3+ words on average and at most 40 -- a menu's one- or two-word
  entries fail; no item over 300 characters.
* **Headlines are words**: fewer than 60 % letters (prices, scores, times) is a market
  or results ticker, not a news strip.
* **Context**: inside ``nav`` (-1), ``footer``/``aside`` or an element named
  menu/sidebar/widget/footer (-2) costs points -- Jannah's strip lives in
  ``nav#top-nav``, its strip word and label outweigh that.  A list named
  slider/carousel/featured costs 2 unless a strip word is on it (tickers scroll with
  owl/slick/swiper too).  A list, or a strip-sized block around it, named most-read/
  popular/related/prices/weather is never a strip (lbcgroup.tv's
  ``div.articlemostread_item`` cards, whose category link reads «خبر عاجل»).
* **Repeats**: the same headline twice in a list (a card's image link and title link)
  is one item.
* **Decision**: strong evidence (a strong word, a strong label, or a weak word and a
  weak label on the same strip-sized block: tagDiv Newspaper's ``td-trending-now-wrapper``
  labelled "Trending Now", described from the theme's markup) and a score of at
  least :data:`MIN_SCORE`; the best-scoring list wins (ties: more items, then the
  earlier list).  An item holding more than :data:`MAX_ITEM_LINKS` text links is a
  block of stories or a sub-menu: its list is not a strip.
  An image-only box (elwatannews' ``div.new-tic`` holding a GIF link to
  ``/tickers``) has no text items, hence no ticker.
"""

from __future__ import annotations

import re

from lxml import etree
from w3lib.url import safe_url_string

from newscrawl.text.arabic import match_key
from newscrawl.extractors.base import TickerStrip

#: how many levels above the list an id/class word or a label is looked for
MAX_UP = 4
#: text (characters) an evidence-carrying ancestor may hold besides the items and the label
MAX_EXTRA_CHARS = 160
#: text-bearing links one item may hold (a category link + the headline link); more: not a headline
MAX_ITEM_LINKS = 2
#: minimum score (see the module docstring)
MIN_SCORE = 3.5

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link"})
_NEG_TAGS = frozenset({"nav", "footer", "aside"})

_STRONG_WORD = re.compile(
    r"^(?:breaking|breakingnews|breaknews|breacking|breackingnews|braking|brakingnews|breking|brekingnews"
    r"|breakin|ticker|tickers|tiker|tikers|tickr|newsticker|newstiker|newsticer|ticer"
    r"|urgent|urgente|urgentnews|newsbar|marquee|flash|flashnews|3ajel|ajel|aajel|3agel|agel|3ajil|ajil|3aajel)$"
)
_STRONG_SUB = re.compile(r"ticker|tiker|breakingnews|breackingnews")
_WEAK_WORD = re.compile(r"^(?:latest|trend|trending|trends|lastnews|latestnews|akhbar|now|alaan|live)$")
_STATE_PREFIX = ("has-", "is-", "with-", "no-", "has_", "is_")
_NEG_CONTEXT = re.compile(r"^(?:menu|menus|submenu|sidebar|widget|widgets|footer|breadcrumb|breadcrumbs|pagination|social|share)$")
#: a list so named is a slider of featured stories -- unless a strip word says it is the strip's
#: own scroller (tickers are often built on owl/slick/swiper carousels)
_SLIDER_LIST = re.compile(r"^(?:slider|slides|slideshow|carousel|owl|slick|swiper|featured|feature|gallery)$")
#: a list (or the strip-sized block around it) so named is a «most read» / related / prices box,
#: never a strip (lbcgroup.tv: ``div.articlemostread_item``)
_BOX_LIST = re.compile(
    r"^(?:most|viewed|views|comments|stock|stocks|currency|currencies|market|markets|weather|prices|exchange"
    r"|crypto|forex|bourse|borsa)$|mostread|mostview|mostpopular|popular|related"
)

_STRONG_LABELS = frozenset(match_key(s) for s in (
    "عاجل", "أخبار عاجلة", "اخبار عاجلة", "خبر عاجل", "عاجل الآن", "الآن عاجل", "عاجل جدا", "شريط الأخبار",
    "شريط الأخبار العاجلة", "شريط عاجل", "آخر الأخبار العاجلة", "عاجل وهام", "هام وعاجل", "أخبار عاجلة الآن",
    "breaking", "breaking news", "breaking now", "news alert", "urgent", "urgent news", "flash", "news flash",
    "flash news", "dernière minute", "última hora", "eilmeldung", "son dakika",
))
_WEAK_LABELS = frozenset(match_key(s) for s in (
    "آخر الأخبار", "اخر الاخبار", "أحدث الأخبار", "الآن", "الان", "آخر الأنباء", "الأخبار", "مباشر",
    "trending", "trending now", "latest", "latest news", "just in", "aktuell", "live", "top stories",
    "en direct", "a la une", "ahora",
))
#: labels of boxes that are never a ticker («most read», related, popular)
_VETO_LABELS = re.compile(
    r"الاكثر|اكثر قراءه|الاكثر قراءه|الاكثر مشاهده|الاكثر تداولا|اقرا ايضا|ذات صله|اخبار ذات صله|مواضيع ذات صله"
    r"|most read|most viewed|most popular|popular|related|read also|read more|recommended|editor s picks"
    r"|اسعار|العملات|البورصه|الطقس|stocks|markets|currencies|weather"
)


#: elements with an id/class, and the stems a strong strip word contains (exact test: :func:`_word_strength`)
_ATTRIBUTED_XPATH = etree.XPath("//marquee | //*[@id or @class]")
_WORD_HINT = re.compile(r"break|breack|brak|brek|tick|tik|urgent|bar|marquee|flash|ajel|agel|ajil", re.IGNORECASE)
#: the same alternatives, for ASCII text lowercased first: a case-insensitive alternation is ~4x
#: slower in ``re``, and it runs on every element with an id or class of every page (issue 14)
_WORD_HINT_LOWER = re.compile(_WORD_HINT.pattern)


def _has_word_hint(text: str) -> bool:
    """``_WORD_HINT.search(text)``; for ASCII text (whose only case variants are ASCII) by the
    faster lowercase match."""
    if text.isascii():
        return _WORD_HINT_LOWER.search(text.lower()) is not None
    return _WORD_HINT.search(text) is not None
#: short text nodes, and the words a label (a veto label included) contains (exact test:
#: :func:`_label_strength`); tatweel and harakat are dropped, Latin lowercased, before the test
_SHORT_TEXT_XPATH = etree.XPath("//text()[normalize-space(.)][string-length(normalize-space(.)) <= 60]")
_FOLD = {cp: None for cp in [0x0640, *range(0x064B, 0x0653)]}
_LABEL_HINT = re.compile("|".join(re.escape(h) for h in (
    "عاجل", "اخبار", "أخبار", "الآن", "الان", "شريط", "مباشر", "الأكثر", "الاكثر", "أكثر", "اكثر", "ايضا", "أيضا",
    "صلة", "صله", "أسعار", "اسعار", "العملات", "البورص", "الطقس", "الأنباء",
    "breaking", "urgent", "flash", "trend", "latest", "just in", "aktuell", "live", "top stories", "direct",
    "la une", "ahora", "minute", "hora", "eilmeldung", "dakika", "alert", "popular", "most", "related", "read",
    "recommended", "picks", "stocks", "markets", "currencies", "weather", "news",
)))


def _tokens(el) -> list[str]:
    """id and class words, state flags dropped, split on ``-``/``_``/camelCase, lowercased."""
    out = []
    for attr in ("id", "class"):
        for tok in (el.get(attr) or "").split():
            low = tok.lower()
            if low.startswith(_STATE_PREFIX):
                continue
            out.append(low)
            parts = re.split(r"[-_]+", re.sub(r"(?<=[a-z])(?=[A-Z])", "-", tok))
            out.extend(p.lower() for p in parts if p and p.lower() != low)
    return out


def _word_strength(el) -> int:
    """2: a strong strip word in the element's id/class (or a ``<marquee>``); 1: a weak one; 0: none."""
    if el.tag == "marquee":
        return 2
    toks = _tokens(el)
    if any(_STRONG_WORD.match(t) for t in toks) or any(_STRONG_SUB.search(t) for t in toks):
        return 2
    return 1 if any(_WEAK_WORD.match(t) for t in toks) else 0


def _label_strength(text: str) -> int:
    """2: a strong strip label, 1: a weak one, -1: a «most read»-type box title, 0: anything else."""
    key = match_key(text)
    if not key or len(key) > 40:
        return 0
    if key in _STRONG_LABELS:
        return 2
    if key in _WEAK_LABELS:
        return 1
    return -1 if _VETO_LABELS.search(key) else 0


class _Page:
    """Lazily measured text of an lxml tree: sizes, tokens and word strengths are computed
    for the few elements the search reaches (XPath does the page-wide scans in C), and
    every walk is iterative (a page nested thousands of levels deep is read, not a
    ``RecursionError``)."""

    def __init__(self, root):
        self.root = root
        self._size: dict = {}
        self._tokens: dict = {}
        self._word: dict = {}
        self._anc: dict = {}
        #: label elements inside a link («<a><b>عاجل:</b> headline</a>»), filled by ``_labels``
        self.link_labels: set = set()

    def size(self, el) -> int:
        """Characters of visible text in ``el`` (stripped text nodes; no script/style)."""
        n = self._size.get(el)
        if n is not None:
            return n
        # iterative post-order over the part of the subtree not measured yet (memoized: the
        # whole search measures each element at most once)
        stack = [(el, False)]
        while stack:
            e, done = stack.pop()
            if e in self._size:
                continue
            if not isinstance(e.tag, str) or e.tag in _SKIP_TAGS:
                self._size[e] = 0
                continue
            if not done:
                stack.append((e, True))
                stack.extend((c, False) for c in e if c not in self._size)
                continue
            n = len((e.text or "").strip())
            for c in e:
                n += self._size.get(c, 0) + len((c.tail or "").strip())
            self._size[e] = n
        return self._size[el]

    def tokens(self, el) -> list[str]:
        if el not in self._tokens:
            self._tokens[el] = _tokens(el)
        return self._tokens[el]

    def word(self, el) -> int:
        if el not in self._word:
            self._word[el] = _word_strength(el)
        return self._word[el]

    def ancestors(self, el) -> set:
        if el not in self._anc:
            self._anc[el] = set(el.iterancestors())
        return self._anc[el]

    @staticmethod
    def text(el, skip=()) -> str:
        """Visible text of ``el`` (no script/style, no ``skip`` elements), whitespace collapsed."""
        parts = []
        stack = [(el, False)]
        while stack:
            e, tail_only = stack.pop()
            if tail_only:
                if e.tail:
                    parts.append(e.tail)
                continue
            if e is not el:
                stack.append((e, True))  # its tail comes after its content
            if isinstance(e.tag, str) and e.tag not in _SKIP_TAGS and e not in skip:
                if e.text:
                    parts.append(e.text)
                stack.extend((c, False) for c in reversed(e))
        return " ".join(" ".join(parts).split())


#: a clock time or a relative time printed in its own element beside a linkless headline
_TIME = re.compile(r"^(?:\d{1,2}[:.]\d{2}(?:\s*(?:ص|م|am|pm|AM|PM))?|منذ\s.{1,20}|\d+\s*(?:min|mins|h|hours?|minutes?) ago)$")
_PREFIX = re.compile(r"^(.{1,25}?)\s*[:：|–—-]\s*(.+)$")


def _without_label_prefix(text: str) -> str:
    """«عاجل: النص» -> «النص»: a strip label typed in front of the headline is not headline text."""
    m = _PREFIX.match(text)
    if m and _label_strength(m.group(1)) > 0 and len(m.group(2).split()) >= 2:
        return m.group(2)
    return text


def _in_link(el) -> bool:
    return any(a.tag == "a" for a in el.iterancestors())


class GenericTicker(TickerStrip):
    """The breaking-news strip of any page, found by scoring (module docstring); no CSS hook.

    ``headlines()`` -> ``[(headline text, absolute URL or None), ...]`` in strip order,
    ``[]`` when no list on the page has strong evidence.  ``css`` is ignored.
    """

    def __init__(self, response, *, site: str, now=None, css: str | None = None):
        super().__init__(response, site=site, now=now, css=None)

    # ---- page-wide evidence ------------------------------------------------------------
    @staticmethod
    def _labels(page: _Page) -> dict:
        """``{element: strength}`` of every short non-link element whose text is a label (or a veto).

        Found from the text nodes that hold a label word (:data:`_LABEL_HINT`), then
        that node's element and up to two ancestors while they stay label-sized."""
        out = {}
        for node in _SHORT_TEXT_XPATH(page.root):
            el = node.getparent()
            if el is None or (not node.is_tail and el.tag in _SKIP_TAGS):
                continue
            if not _LABEL_HINT.search(node.translate(_FOLD).lower()):
                continue
            if node.is_tail:
                el = el.getparent()
            for _i in range(3):
                if el is None or not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or el in out:
                    break
                size = page.size(el)
                if size > 40:
                    break
                # a link is never a label, nor an element whose text is a link's (lbcgroup.tv's
                # <div class="...category-container"><a>خبر عاجل</a></div> category link)
                if size and el.tag != "a" and not any(page.size(a) for a in el.iter("a")):
                    strength = _label_strength(page.text(el))
                    if strength > 0 and _in_link(el):
                        page.link_labels.add(el)  # stripped from the headline, no evidence
                    elif strength:
                        out[el] = strength
                el = el.getparent()
        return out

    # ---- items -------------------------------------------------------------------------
    @staticmethod
    def _item(page: _Page, el, labels: dict):
        """``(headline, href or None, label elements inside the item)`` of one list item."""
        inner = [e for e in el.iter() if e in labels and labels[e] > 0 and e is not el]
        links = []
        for a in [el] if el.tag == "a" else el.iter("a"):
            # a label inside the link («<a><span>عاجل</span> headline</a>») is not headline text
            in_link = {e for e in a.iter() if e in page.link_labels}
            links.append((page.text(a, skip=in_link), a))
        links = [(t, a) for t, a in links if t]
        if len(links) > MAX_ITEM_LINKS:
            return None  # a block of several stories or a sub-menu, not one headline
        if links:
            text, a = max(links, key=lambda ta: len(ta[0]))  # max() keeps the first of equal lengths
            return _without_label_prefix(text), a.get("href"), inner
        times = {e for e in el.iter() if e is not el and 0 < page.size(e) <= 20 and _TIME.match(page.text(e))}
        return _without_label_prefix(page.text(el, skip=set(inner) | times)), None, inner

    @staticmethod
    def _candidates(page: _Page, near: list, labels: dict):
        """``(parent, same-tag children with text)`` for every list with evidence within reach
        (a label beside the items is not an item: ``<span>عاجل</span><a>…</a>``)."""
        for parent in near:
            if not isinstance(parent.tag, str) or parent.tag in _SKIP_TAGS or parent.tag in ("body", "html", "a") \
                    or len(parent) == 0 or _in_link(parent):
                continue  # (the parts of one link are not a list of headlines)
            groups: dict[str, list] = {}
            for child in parent:
                if isinstance(child.tag, str) and child.tag not in _SKIP_TAGS and page.size(child) \
                        and child not in labels:
                    groups.setdefault(child.tag, []).append(child)
            if groups:
                yield parent, max(groups.values(), key=len)  # max() keeps the first of equal sizes

    @staticmethod
    def _reach(page: _Page, labels: dict) -> list:
        """Lists worth scoring, in document order: within :data:`MAX_UP` levels below an element
        with a strong strip word (or its parent: the word may be on the items), or below an
        ancestor (at most :data:`MAX_UP` + 1 levels up) of a label."""
        near = set()
        words = [e for e in _ATTRIBUTED_XPATH(page.root)
                 if (e.tag == "marquee" or _has_word_hint(f"{e.get('id', '')} {e.get('class', '')}"))
                 and page.word(e) == 2]
        tops = [(e, MAX_UP) for e in words] + [(e.getparent(), MAX_UP) for e in words if e.getparent() is not None]
        for lab in labels:
            for _level, anc in zip(range(MAX_UP + 1), lab.iterancestors()):
                tops.append((anc, MAX_UP))
        for top, depth in tops:
            stack = [(top, 0)]
            while stack:
                el, d = stack.pop()
                if el in near and d:
                    continue
                near.add(el)
                if d < depth:
                    stack.extend((c, d + 1) for c in el if isinstance(c.tag, str) and c.tag not in _SKIP_TAGS)
        order = {el: i for i, el in enumerate(page.root.iter())} if near else {}
        return sorted(near, key=lambda el: order.get(el, -1))

    def _score(self, page: _Page, parent, items, labels: dict):
        """``(score, [(headline, href), ...])`` or None when the list is not a strip."""
        parsed = [self._item(page, el, labels) for el in items]
        if None in parsed:
            return None
        seen = set()  # a headline twice (image link + title link of one card) is one item
        parsed = [p for p in parsed if p[0] and not (p[0] in seen or seen.add(p[0]))]
        n = len(parsed)
        if not n:
            return None
        words = [len(t.split()) for t, _, _ in parsed]
        if sum(words) / n < 3 or max(words) > 40 or max(len(t) for t, _, _ in parsed) > 300:
            return None
        letters = sum(sum(c.isalpha() for c in t) for t, _, _ in parsed)
        if letters < 0.6 * sum(len(t.replace(" ", "")) for t, _, _ in parsed):
            return None  # prices, scores, times: a market or results ticker, not headlines
        item_set = set(items)
        item_chars = sum(page.size(el) for el in items)
        # a label inside the items counts when most items carry one (Sputnik: <span> عاجل </span> in
        # each item); one «عاجل» badge among many stories marks that story, not the list
        labelled = [max((labels[e] for e in labs), default=0) for _, _, labs in parsed]
        label = max(labelled) if 2 * sum(1 for x in labelled if x) >= n else 0
        if items[0].tag == "p" and any(h is None for _, h, _ in parsed):
            return None  # paragraphs without a headline link each: article text (a live blog), not a strip
        word = page.word(items[0])  # the parent's own word counts below, if it is strip-sized
        veto = False
        outside = [e for e in labels if e not in item_set and not (page.ancestors(e) & item_set)]
        el, level = parent, 0
        while el is not None and el.tag not in ("body", "html") and level <= MAX_UP:
            mine = [e for e in outside if el in page.ancestors(e)]
            label_chars = max((page.size(e) for e in mine if labels[e] > 0), default=0)
            if page.size(el) - item_chars - label_chars > MAX_EXTRA_CHARS:
                break  # a wrapper of more than the strip: its words and labels are not the strip's
            if any(labels[e] < 0 for e in mine) or any(_BOX_LIST.search(t) for t in page.tokens(el)):
                veto = True
            label = max(label, *(labels[e] for e in mine), 0)
            word = max(word, page.word(el))
            el, level = el.getparent(), level + 1
        if veto or not (word == 2 or label == 2 or (word == 1 and label == 1)):
            return None  # strong evidence: a strip word, a strip label, or a weak word *and* a weak label
        if label == 0 and n < 3:
            return None  # a strip word alone (no label) needs a real list: Sputnik's article header
            # block ``div.l-header.breakingnews`` holds a title and a caption
        if any(el.tag == "h1" or next(el.iter("h1"), None) is not None for el in items):
            return None  # the page's headline, not a strip
        if n == 1 and not (word == 2 and label == 2 and sum(1 for a in items[0].iter("a") if page.size(a)) <= 1):
            return None  # one headline alone: only with a strip word, a strip label and one link
        score = {2: 3.0, 1: 1.0, 0: 0.0}[word] + {2: 3.0, 1: 1.5, 0: 0.0}[label]
        score += 1.0 if n >= 3 else 0.5 if n == 2 else 0.0
        negative = 0.0
        for anc in [parent, *parent.iterancestors()]:
            if anc.tag in ("body", "html"):
                break
            if anc.tag in _NEG_TAGS or any(_NEG_CONTEXT.match(t) for t in page.tokens(anc)):
                negative = max(negative, 1.0 if anc.tag == "nav" else 2.0)
        list_tokens = [t for e in (parent, items[0]) for t in page.tokens(e)]
        if any(_BOX_LIST.search(t) for t in list_tokens):
            return None
        if word < 2 and any(_SLIDER_LIST.match(t) for t in list_tokens):
            negative += 2.0
        score -= negative
        if score < MIN_SCORE:
            return None
        return score, [(t, h) for t, h, _ in parsed]

    def headlines(self) -> list[tuple[str, str | None]]:
        root = self.response.selector.root
        if not isinstance(getattr(root, "tag", None), str):
            return []
        page = _Page(root.getroottree().getroot())
        labels = self._labels(page)
        best = None
        for parent, items in self._candidates(page, self._reach(page, labels), labels):
            scored = self._score(page, parent, items, labels)
            if scored and (best is None or (scored[0], len(scored[1])) > (best[0], len(best[1]))):
                best = scored
        if best is None:
            return []
        out = []
        for text, href in best[1]:
            url = None
            if href and href.strip() and not href.strip().startswith(("#", "javascript:")):
                url = safe_url_string(self.response.urljoin(href.strip()), encoding=self.response.encoding)
            out.append((text, url))
        return out
