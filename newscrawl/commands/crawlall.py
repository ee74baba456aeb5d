"""``scrapy crawlall [SPIDER ...]``: run several spiders in one process, with an exit status cron can act on.

Options: ``--replay DIR`` (offline: serve the saved pages of ``DIR/index.json``
and run only the spiders that have pages there), ``--sequential`` (one spider
after the other, each in a child process -- a fresh reactor and memory per spider;
default: all at once in this process), ``--lock FILE`` (refuse to start while
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
from newscrawl.lock import LockHeld, LockUnavailable, RunLock
from newscrawl.urls import host_in_domains

logger = logging.getLogger(__name__)


def spiders_in_snapshot(spider_loader, replay_dir: str) -> list[str]:
    """Names of the spiders with at least one saved page in ``replay_dir/index.json`` (sorted)."""
    entries = json.loads((Path(replay_dir) / "index.json").read_text(encoding="utf-8"))
    hosts = {urlsplit(e["url"]).hostname for e in entries}
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
        parser.add_argument("--replay", metavar="DIR", help="offline: replay saved pages from DIR (index.json)")
        parser.add_argument("--sequential", action="store_true",
                            help="one spider after another, each in its own child process")
        parser.add_argument("--lock", metavar="FILE", help="lock file: exit 75 at once if another run holds it")
        parser.add_argument("--min-items", type=int, default=None, help="exit non-zero below this many items per spider")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False)
        if opts.replay:
            if not (Path(opts.replay) / "index.json").is_file():
                raise UsageError(f"--replay {opts.replay}: no index.json there (a snapshot folder is expected)",
                                 print_help=False)
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
            except LockUnavailable as exc:  # a folder, a read-only folder, a path under a file
                sys.stderr.write(f"newscrawl: cannot take the lock {exc.strerror}\n")
                self.exitcode = runstatus.EXIT_CANNOT_START
                sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")
                return
        try:
            if opts.sequential:
                self.exitcode = self._run_sequential(names, opts, self._child_args(opts))
            else:
                crawlers = self._run(names, opts)
                self.exitcode = runstatus.exit_code_for(crawlers, self.settings, failed=self.failed)
                for c in crawlers:
                    sys.stderr.write(runstatus.summary_line(c, self.failed) + "\n")
        finally:
            if lock:
                lock.release()
        if self.exitcode:
            sys.stderr.write(f"newscrawl: exit status {self.exitcode} ({runstatus.EXIT_MEANING[self.exitcode]})\n")

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
                child = subprocess.Popen(cmd, start_new_session=True)
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
