"""``scrapy report [-o FILE] [--since T] [--until T] [--site S] [--feed-dir DIR]``: the crawl report.

Writes one self-contained HTML page (:mod:`newscrawl.feeds.report`: tables and matplotlib charts,
no network needed to view it, no script) about the last run of each spider (default) or
the runs started in ``[--since, --until)`` (ISO 8601; no zone = UTC), read from the feeds
and run records under ``--feed-dir`` (default ``NEWSCRAWL_FEED_DIR``; the offline demo's
are under ``data/replay/feeds``).  Default output: ``data/reports/report-<UTC time>.html``.
Exit status 0 when the page was written, 1 when no run was found (the page still says so),
2 for a usage error.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError


def parse_bound(name: str, value: str | None) -> datetime | None:
    """``--since``/``--until``: ISO 8601 date or datetime, no zone = UTC; ``UsageError`` otherwise."""
    if value is None:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} {value!r}: not an ISO 8601 date or time (e.g. 2024-03-14 or "
                         "2024-03-14T06:00+02:00)", print_help=False) from None
    return d.replace(tzinfo=timezone.utc) if d.tzinfo is None else d.astimezone(timezone.utc)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "[-o FILE] [--since T] [--until T] [--site NAME] [--feed-dir DIR]"

    def short_desc(self):
        return "Write a self-contained HTML crawl report (last run, or a date range)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="HTML file (default data/reports/report-<time>.html)")
        parser.add_argument("--since", help="runs started at or after this time (ISO 8601, default UTC)")
        parser.add_argument("--until", help="runs started before this time")
        parser.add_argument("--site", action="append", default=[], help="only these spiders (repeatable or comma list)")
        parser.add_argument("--feed-dir", metavar="DIR", help="feeds and run records (default NEWSCRAWL_FEED_DIR)")
        parser.add_argument("--title", default="newscrawl report", help="page title")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if self.settings.getpriority("LOG_LEVEL") < 40:  # quiet unless -L / -s LOG_LEVEL given
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args, opts):
        from pathlib import Path

        from newscrawl.feeds.report import write_report

        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}", print_help=False)
        since, until = parse_bound("--since", opts.since), parse_bound("--until", opts.until)
        if since and until and since >= until:
            raise UsageError("--since must be before --until", print_help=False)
        feed_dir = Path(opts.feed_dir or self.settings.get("NEWSCRAWL_FEED_DIR", "data/feeds"))
        if not feed_dir.is_dir():
            raise UsageError(f"--feed-dir {feed_dir}: no such folder", print_help=False)
        sites = [s.strip() for v in opts.site for s in v.split(",") if s.strip()] or None
        out = Path(opts.output or f"data/reports/report-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.html")
        data = write_report(out, feed_dir, since=since, until=until, spiders=sites, title=opts.title)
        items = sum(sum(c.values()) for c in data.items_per_site.values())
        sys.stderr.write(f"newscrawl: report of {len(data.runs)} spider runs ({items} items) written to {out}\n")
        self.exitcode = 0 if data.runs else 1
