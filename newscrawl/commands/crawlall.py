"""``scrapy crawlall [SPIDER ...]``: run several spiders in one process, with an exit status cron can act on.

Options: ``--replay DIR`` (offline: serve the saved pages of ``DIR/index.json``
and run only the spiders that have pages there), ``--sequential`` (one spider
after the other; default: all at once), ``--lock FILE`` (refuse to start while
another run holds the lock), ``--min-items N``, ``-a NAME=VALUE`` (spider
arguments, passed to every spider).  Exit status: see :mod:`newscrawl.runstatus`.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from newscrawl import runstatus
from newscrawl.lock import LockHeld, RunLock

logger = logging.getLogger(__name__)


def spiders_in_snapshot(spider_loader, replay_dir: str) -> list[str]:
    """Names of the spiders with at least one saved page in ``replay_dir/index.json`` (sorted)."""
    entries = json.loads((Path(replay_dir) / "index.json").read_text(encoding="utf-8"))
    hosts = {(urlsplit(e["url"]).hostname or "").lower() for e in entries}
    names = []
    for name in spider_loader.list():
        domains = getattr(spider_loader.load(name), "allowed_domains", None) or []
        if any(h == d or h.endswith("." + d) for h in hosts for d in domains):
            names.append(name)
    return sorted(names)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self):
        return "[SPIDER ...] [options]"

    def short_desc(self):
        return "Run all (or the named) spiders in one process; exit status for cron"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="spider argument, passed to every spider")
        parser.add_argument("--replay", metavar="DIR", help="offline: replay saved pages from DIR (index.json)")
        parser.add_argument("--sequential", action="store_true", help="one spider after another")
        parser.add_argument("--lock", metavar="FILE", help="lock file: exit 75 at once if another run holds it")
        parser.add_argument("--min-items", type=int, default=None, help="exit non-zero below this many items per spider")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False)
        if opts.replay:
            self.settings.set("REPLAY_DIR", opts.replay, priority="cmdline")
        if opts.min_items is not None:
            self.settings.set("NEWSCRAWL_MIN_ITEMS", opts.min_items, priority="cmdline")

    def run(self, args, opts):
        loader = self.crawler_process.spider_loader
        if args:
            names = args
            unknown = [n for n in names if n not in loader.list()]
            if unknown:
                raise UsageError(f"unknown spider(s): {', '.join(unknown)}; see 'scrapy list'", print_help=False)
        elif opts.replay:
            names = spiders_in_snapshot(loader, opts.replay)
        else:
            names = [n for n in loader.list() if getattr(loader.load(n), "start_urls", None)]
        if not names:
            raise UsageError("no spider to run", print_help=False)
        lock = RunLock(opts.lock) if opts.lock else None
        if lock:
            try:
                lock.acquire()
            except LockHeld as exc:
                sys.stderr.write(f"newscrawl: another run holds the lock: {exc}\n")
                self.exitcode = runstatus.EXIT_LOCKED
                return
        try:
            crawlers = self._run(names, opts)
        finally:
            if lock:
                lock.release()
        self.exitcode = runstatus.exit_code_for(crawlers, self.settings)
        for c in crawlers:
            sys.stderr.write(runstatus.summary_line(c) + "\n")
        if self.exitcode:
            sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")

    def _run(self, names, opts):
        process = self.crawler_process
        crawlers = [process.create_crawler(n) for n in names]
        if opts.sequential:
            from twisted.internet import defer

            @defer.inlineCallbacks
            def chain():
                try:
                    for c in crawlers:
                        yield process.crawl(c, **opts.spargs)
                finally:
                    process.stop()
                    from twisted.internet import reactor

                    if reactor.running:
                        reactor.callLater(0, reactor.stop)

            chain()
            process.start(stop_after_crawl=False)
        else:
            for c in crawlers:
                process.crawl(c, **opts.spargs)
            process.start()
        return crawlers
