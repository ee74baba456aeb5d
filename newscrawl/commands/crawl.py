"""``scrapy crawl <spider>``: Scrapy's command, with the exit status and end line of ``crawlall``.

Scrapy's own ``crawl`` exits 0 when the site could not be reached (an empty run) and
prints a traceback for a bad spider argument.  Here one crawl ends like a
``crawlall`` of one spider: one line ``newscrawl: <spider>: ok|FAILED <why>; ...`` on
standard error and the exit status of :mod:`newscrawl.ops.runstatus` (2 spider error, 3 no
page fetched, 4 MongoDB kept failing, 5 too few items, 6 could not start: bad ``-a``
value, MongoDB configuration error).
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.ops import runstatus


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        if len(args) < 1:
            raise UsageError()
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported; "
                             "use 'scrapy crawlall SPIDER ...'", print_help=False)
        name = args[0]
        if name not in self.crawler_process.spider_loader.list():
            raise UsageError(f"unknown spider {name!r}; see 'scrapy list'", print_help=False)
        crawler = self.crawler_process.create_crawler(name)
        self.failed: dict[str, str] = {}

        def done(task):
            exc = None if task.cancelled() else task.exception()
            if exc is not None:
                self.failed[name] = f"{type(exc).__name__}: {exc}"

        task = self.crawler_process.crawl(crawler, **opts.spargs)
        if hasattr(task, "add_done_callback"):
            task.add_done_callback(done)
        else:  # a Deferred (non-asyncio reactor)
            task.addErrback(lambda f: self.failed.setdefault(name, f"{f.type.__name__}: {f.value}"))
        self.crawler_process.start()
        self.exitcode = runstatus.exit_code_for([crawler], self.settings, failed=self.failed)
        sys.stderr.write(runstatus.summary_line(crawler, self.failed, self.settings) + "\n")
        if self.exitcode:
            sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")
