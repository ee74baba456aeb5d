"""``scrapy crawlall [SPIDER ...]``: run several spiders in one process, with an exit status cron can act on.

Options: ``--replay PATH`` (offline: serve the saved pages of a snapshot folder
``PATH/index.json``, or of a WARC file / folder of WARC files, and run only the
spiders that have pages there), ``--sequential`` (one spider
after the other, each in a child process -- a fresh reactor and memory per spider;
default: all at once in this process), ``--lock FILE`` (refuse to start while
another run holds the lock), ``--min-items N``, ``--report FILE`` (write the HTML
crawl report of this run at the end, :mod:`newscrawl.feeds.report`), ``-a NAME=VALUE`` (spider
arguments, passed to every spider).  Exit status: see :mod:`newscrawl.ops.runstatus`.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from newscrawl.ops import runstatus
from newscrawl.feeds.files import use_replay_folders
from newscrawl.ops.lock import LockHeld, LockUnavailable, RunLock
from newscrawl.ops.middlewares import open_snapshot
from newscrawl.storage import local_server
from newscrawl.text.urls import host_in_domains

logger = logging.getLogger(__name__)

#: set in the environment of a ``--sequential`` child (one spider each): it leaves the final exit line to its parent
CHILD_ENV = "NEWSCRAWL_CRAWLALL_CHILD"


def spiders_in_snapshot(spider_loader, replay_dir: str) -> list[str]:
    """Names of the spiders with at least one saved page in the snapshot ``replay_dir``
    (``index.json`` folder or WARC, :func:`newscrawl.ops.middlewares.open_snapshot`), sorted."""
    hosts = {urlsplit(u).hostname for u in open_snapshot(replay_dir).urls()}
    names = []
    for name in spider_loader.list():
        domains = getattr(spider_loader.load(name), "allowed_domains", None)
        if any(host_in_domains(h, domains) for h in hosts):
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
        parser.add_argument("--replay", metavar="PATH",
                            help="offline: replay saved pages from PATH (a folder with index.json, a WARC file, "
                                 "or a folder of WARC files)")
        parser.add_argument("--sequential", action="store_true",
                            help="one spider after another, each in its own child process")
        parser.add_argument("--lock", metavar="FILE", help="lock file: exit 75 at once if another run holds it")
        parser.add_argument("--min-items", type=int, default=None, help="exit non-zero below this many items per spider")
        parser.add_argument("--report", metavar="FILE",
                            help="at the end, write the HTML crawl report of this run to FILE (see 'scrapy report')")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False)
        if opts.replay:
            try:
                open_snapshot(opts.replay)
            except (OSError, ValueError) as exc:
                raise UsageError(f"--replay {opts.replay}: {exc}", print_help=False) from None
            self.settings.set("REPLAY_DIR", opts.replay, priority="cmdline")
            use_replay_folders(self.settings)  # the offline demo keeps out of the live feeds/state/spool
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
        # run ids have whole seconds: a run started in this second belongs to this command
        self._started = datetime.now(timezone.utc).replace(microsecond=0)
        lock = RunLock(opts.lock) if opts.lock else None
        if lock:
            try:
                lock.acquire()
            except LockHeld as exc:
                sys.stderr.write(f"newscrawl: another run holds the lock: {exc}\n")
                self.exitcode = runstatus.EXIT_LOCKED
                return
            except LockUnavailable as exc:  # a folder, a read-only folder, a path under a file
                sys.stderr.write(f"newscrawl: cannot take the lock {exc.strerror}\n")
                self.exitcode = runstatus.EXIT_CANNOT_START
                sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")
                return
        try:
            # one local MongoDB-compatible server (no MONGO_URI) for every spider of the run,
            # and for the --sequential children (they join it); stopped when the run ends
            with local_server.held(self.settings):
                if opts.sequential:
                    self.exitcode = self._run_sequential(names, opts, self._child_args(opts))
                else:
                    crawlers = self._run(names, opts)
                    self.exitcode = runstatus.exit_code_for(crawlers, self.settings, failed=self.failed)
                    for c in crawlers:
                        sys.stderr.write(runstatus.summary_line(c, self.failed, self.settings) + "\n")
                    sys.stderr.write(self._totals_line(crawlers) + "\n")
            if opts.report:
                self._write_report(opts.report, names)
        except local_server.LocalServerError as exc:
            sys.stderr.write(f"newscrawl: cannot start: {exc}\n")
            self.exitcode = runstatus.EXIT_CANNOT_START
        finally:
            if lock:
                lock.release()
        if self.exitcode and not os.environ.get(CHILD_ENV):  # a --sequential child: the parent says it once
            sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")

    def _write_report(self, path: str, names: list[str]) -> None:
        """The report of the runs this command just made (started at or after its own start)."""
        from newscrawl.feeds.report import write_report

        try:
            data = write_report(path, self.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds"),
                                since=self._started, spiders=names)
        except Exception as exc:  # noqa: BLE001 -- the crawl is done; a report failure must not hide its status
            sys.stderr.write(f"newscrawl: report not written to {path}: {type(exc).__name__}: {exc}\n")
            return
        sys.stderr.write(f"newscrawl: report of {len(data.runs)} spider runs written to {path}\n")

    def _totals_line(self, crawlers) -> str:
        """Where the run's items went: the feeds, and what MongoDB acknowledged."""
        stats = [runstatus._stats(c) for c in crawlers]
        items = sum(st.get("item_scraped_count", 0) for st in stats)
        feeds = f"{self.settings.get('NEWSCRAWL_FEED_DIR', 'data/feeds').rstrip('/')}/<spider>/"
        line = f"newscrawl: {items} items in the feeds under {feeds}"
        if any(k.startswith("newscrawl/mongo/") for st in stats for k in st):
            from newscrawl.storage.client import MongoConfig

            config = MongoConfig.from_settings(self.settings)
            line += (f"; stored in MongoDB {config.masked_uri} (database {config.database!r}): "
                     f"{sum(runstatus.stored_count(st) for st in stats)}, left in the spool: "
                     f"{sum(st.get('newscrawl/mongo/spool_remaining', 0) for st in stats)}")
        else:
            line += "; MongoDB storage off (MONGO_ENABLED=0)"
        return line

    @staticmethod
    def _child_args(opts) -> list[str]:
        """The options a per-spider child gets (everything but the spider names, --sequential and --lock)."""
        args = []
        for k, v in opts.spargs.items():
            args += ["-a", f"{k}={v}"]
        if opts.replay:
            args += ["--replay", opts.replay]
        if opts.min_items is not None:
            args += ["--min-items", str(opts.min_items)]
        for item in getattr(opts, "set", None) or []:
            args += ["-s", item]
        if getattr(opts, "loglevel", None):
            args += ["-L", opts.loglevel]
        if getattr(opts, "logfile", None):
            args += ["--logfile", opts.logfile]
        return args

    def _run(self, names, opts):
        """Run the crawlers at once in this process; a crawler that cannot start is recorded."""
        process = self.crawler_process
        crawlers = [process.create_crawler(n) for n in names]
        self.failed: dict[str, str] = {}
        for c in crawlers:
            task = process.crawl(c, **opts.spargs)
            task.add_done_callback(lambda t, c=c: self._crawl_done(t, c))
        process.start()
        return crawlers

    def _crawl_done(self, task, crawler) -> None:
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            name = getattr(crawler.spidercls, "name", "?")
            self.failed[name] = f"{type(exc).__name__}: {exc}"

    def _run_sequential(self, names, opts, argv_rest) -> int:
        """One child process per spider, one after another (fresh reactor and memory each).

        SIGINT/SIGTERM to this process are forwarded to the running child (started in its
        own session, so a terminal's Ctrl-C reaches it once, through here); this process
        waits for the child -- holding the lock -- starts no further spider, and returns 2
        (never a ``KeyboardInterrupt`` traceback, never an orphan crawling unlocked).
        """
        import signal
        import subprocess

        codes: list[int] = []
        interrupted: list[int] = []
        running: list[subprocess.Popen] = []

        def forward(signum, frame):
            interrupted.append(signum)
            for child in running:
                if child.poll() is None:
                    child.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name in names:
                if interrupted:
                    break
                cmd = [sys.executable, "-m", "scrapy", "crawlall", name, *argv_rest]
                child = subprocess.Popen(cmd, start_new_session=True, env={**os.environ, CHILD_ENV: "1"})
                running[:] = [child]
                codes.append(child.wait())  # PEP 475: the wait resumes after the handler forwarded a signal
                running.clear()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if interrupted:
            sys.stderr.write(f"newscrawl: stopped by {signal.Signals(interrupted[0]).name}\n")
            codes.append(runstatus.EXIT_SPIDER_ERROR)
        failures = [c if c in runstatus.EXIT_MEANING else runstatus.EXIT_SPIDER_ERROR for c in codes if c]
        return min(failures) if failures else runstatus.EXIT_OK
