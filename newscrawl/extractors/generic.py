"""Generic fallback for sites without a parser (and for a site parser that finds no body).

Metadata from JSON-LD / OpenGraph / ``<time>`` (via :class:`ArticlePage`), the
Arabic date rules for visible dates, and trafilatura (a maintained boilerplate
remover; we do not write our own) for the body.  Items are flagged
``extraction="generic"``.
"""

from __future__ import annotations

from functools import cached_property

import trafilatura

from newscrawl.extractors.base import ArticlePage, clean_byline
from newscrawl.extractors.boilerplate import is_boilerplate


class GenericArticlePage(ArticlePage):
    parser_name = "generic"
    TITLE_CSS = "h1"
    #: a page with less main text than this (characters) is not taken for an article
    MIN_BODY_CHARS = 200

    @cached_property
    def _doc(self):
        try:
            return trafilatura.bare_extraction(
                self.response.text,
                url=self.response.url,
                include_comments=False,
                include_tables=False,
                include_images=False,
                with_metadata=True,
            )
        except Exception:  # trafilatura raises on some malformed trees; a fallback must not crash
            return None

    def is_article(self) -> bool:
        text = getattr(self._doc, "text", None) or ""
        return len(text) >= self.MIN_BODY_CHARS or super().is_article()

    def body(self) -> list[str]:
        text = getattr(self._doc, "text", None) or ""
        return [line.strip() for line in text.split("\n") if line.strip() and not is_boilerplate(line)]

    def title(self) -> str | None:
        return super().title() or getattr(self._doc, "title", None)

    def byline(self) -> str | None:
        return super().byline() or clean_byline(getattr(self._doc, "author", None))

    def to_item(self):
        item = super().to_item()
        item["extraction"] = "generic"
        return item
