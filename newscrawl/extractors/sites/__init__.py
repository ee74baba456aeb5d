"""Site parsers: one module per site, holding only what is particular to that site.

Each module defines ``<Site>ArticlePage`` (a subclass of
:class:`~newscrawl.extractors.base.ArticlePage` or of a markup-family base such
as :class:`~newscrawl.extractors.jnews.JNewsArticlePage`) and, where the site
has a breaking-news strip, ``<Site>Ticker``.  The spiders in
:mod:`newscrawl.spiders` wire them up.

**Parser versions.**  A site redesign must not break old saved pages, so a site
may have several page classes, one per markup generation, each with its own
``is_article()`` keyed on markup only that generation has (``ARTICLE_CSS``).
The spider lists them newest first in ``article_pages``; :class:`NewsSpider`
uses the first that recognises the page, and the item's ``extraction`` field
names the version that read it (``site:sputnik-2020``).  See
:mod:`newscrawl.extractors.sites.sputnik`.
"""

from __future__ import annotations

import re

#: breadcrumb entries that are the home page, not a category
HOME_CRUMBS = frozenset({"الرئيسية", "الصفحة الرئيسية", "الرئيسيه", "Home", "Inicio"})

_SENTENCE_END = re.compile(r"[.!?؟…:؛»\")]$")


def without_home(crumbs: list[str]) -> list[str]:
    """Breadcrumb texts without the leading «الرئيسية» (home) entry."""
    return [c for c in crumbs if c.strip() not in HOME_CRUMBS]


def is_crosshead(block: str, max_words: int = 5) -> bool:
    """A short in-body subheading («انتكاسة جديدة»): at most ``max_words`` words and no
    sentence punctuation at the end.  Used by sites whose paragraph count excludes them."""
    words = block.split()
    return 0 < len(words) <= max_words and not _SENTENCE_END.search(block.strip())
