"""``scrapy crawl SPIDER``: Scrapy's command, with a spider that cannot start reported in one line.

A bad spider argument (``-a max_articles=abc``, ``-a tz=Beirut``, ``-a follow=maybe``)
raises in the spider's ``__init__``; Scrapy's own command then prints an asyncio
"Task exception was never retrieved" traceback and exits 1.  Here it prints
``newscrawl: <spider>: could not start: <error>`` and exits 6, as ``crawlall`` does
(:mod:`newscrawl.runstatus`).  A crawl stopped by Ctrl-C/SIGTERM (``shutdown``, or no
finish reason at all after a second signal) exits 2, as in ``crawlall``, instead of
Scrapy's 0.  Every other exit status is Scrapy's own.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl import runstatus


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        name = args[0]
        failed: dict[str, str] = {}

        def done(task):
            exc = None if task.cancelled() else task.exception()  # retrieved: no asyncio traceback
            if exc is not None:
                failed[name] = f"{type(exc).__name__}: {exc}"

        crawler = self._create_crawler(name)
        task = self.crawler_process.crawl(crawler, **opts.spargs)
        if hasattr(task, "add_done_callback"):
            task.add_done_callback(done)
        else:  # a Deferred (non-asyncio reactor)
            task.addErrback(lambda f: failed.setdefault(name, f"{f.type.__name__}: {f.value}"))
        self.crawler_process.start()
        if failed:
            sys.stderr.write(f"newscrawl: {name}: could not start: {failed[name]}\n")
            self.exitcode = runstatus.EXIT_CANNOT_START
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        else:
            stats = runstatus._stats(crawler)
            reason = stats.get("finish_reason")
            if "start_time" in stats and reason in (None, "shutdown"):  # Ctrl-C/SIGTERM, once or twice
                sys.stderr.write(f"newscrawl: {name}: stopped before the end (finish_reason={reason})\n")
                self.exitcode = runstatus.EXIT_SPIDER_ERROR
