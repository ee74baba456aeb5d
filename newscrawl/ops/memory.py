"""Give freed heap memory back to the operating system during a long crawl.

Each page's lxml tree (~0.6 MB, allocated by libxml2 with ``malloc``) is freed when the
spider is done with it (:func:`newscrawl.spiders.base.release_tree`), but glibc keeps freed
blocks in its heaps (one arena per thread that allocates: the reactor, pymongo's and the
dedupe lookups' worker threads) and pages of different sizes leave them fragmented, so the
process's RSS kept growing with the crawl although nothing was alive: 182 MB peak at 1,000
benchmark pages, 210 MB at 5,000, 262 MB at 20,000 (``benchmarks/bench_crawl.py``), while
tracemalloc saw the Python heap flat between 1,000 and 3,500 pages.  ``malloc_trim(0)``
(glibc, ``man 3 malloc_trim``) returns the free memory at the top and inside the heaps.

:class:`MallocTrim` calls it every ``NEWSCRAWL_MALLOC_TRIM_PAGES`` responses (default 500;
0 disables it) and counts the calls (``newscrawl/memory/malloc_trim``) and the milliseconds
they took (``newscrawl/memory/malloc_trim_ms``).  On a C library without ``malloc_trim``
(musl, macOS) the extension is not enabled (``NotConfigured``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def _malloc_trim():
    """glibc's ``malloc_trim`` as a callable, or ``None`` where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class MallocTrim:
    """Extension: ``malloc_trim(0)`` every ``NEWSCRAWL_MALLOC_TRIM_PAGES`` responses."""

    def __init__(self, crawler, every: int, trim):
        self.stats = crawler.stats
        self.every = every
        self.trim = trim
        self.responses = 0
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        every = crawler.settings.getint("NEWSCRAWL_MALLOC_TRIM_PAGES", 500)
        if every <= 0:
            raise NotConfigured("NEWSCRAWL_MALLOC_TRIM_PAGES is 0")
        trim = _malloc_trim()
        if trim is None:
            raise NotConfigured("the C library has no malloc_trim")
        return cls(crawler, every, trim)

    def response_received(self, response, request, spider):
        self.responses += 1
        if self.responses % self.every:
            return
        t0 = time.perf_counter()
        self.trim(0)
        self.stats.inc_value("newscrawl/memory/malloc_trim")
        self.stats.inc_value("newscrawl/memory/malloc_trim_ms", round(1000 * (time.perf_counter() - t0), 3))
