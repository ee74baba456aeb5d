"""Extractors: page objects that turn one response into item fields.

They know nothing about crawling (web-poet style): give them a Scrapy
``Response`` and they answer ``is_article()``, ``title()``, ``body()`` ... so a
saved page is a complete test case.  Shared markup families live in base
classes (:mod:`.base` for metadata-driven pages, :mod:`.jannah` for the
WordPress Jannah theme); a site parser holds only what is particular to it.
"""

from newscrawl.extractors.base import ArticlePage, ExtractionError, TickerStrip

__all__ = ["ArticlePage", "ExtractionError", "TickerStrip"]
