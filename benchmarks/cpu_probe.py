"""A benchmark extension: the crawl's own CPU time, from ``spider_opened`` to ``spider_closed``.

Whole-process CPU divided by responses also counts the start-up (imports, settings,
connections: ~0.4 s for a bare Scrapy spider, ~2 s for newscrawl with its pipelines), which
depends on the crawl's length, not on the pages.  This extension puts the process CPU
(``time.process_time()``: user + system, all threads) spent between the two signals in the
stats as ``bench/crawl_cpu_seconds``; ``bench_crawl.py`` enables it the same way in every
crawler it runs (``-s EXTENSIONS=...``) and reports both figures.
"""

import time

from scrapy import signals


class CpuProbe:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.opened = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.opened = time.process_time()

    def spider_closed(self, spider, reason):
        if self.opened is not None:
            self.stats.set_value("bench/crawl_cpu_seconds", round(time.process_time() - self.opened, 3))
