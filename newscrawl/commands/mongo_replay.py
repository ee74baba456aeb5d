"""``scrapy mongo-replay [--spool DIR] [--dry-run] [--rejected]``: send the MongoDB write spool.

(Registered as ``mongo-replay`` by the ``scrapy.commands`` entry point in setup.py;
``COMMANDS_MODULE`` also lists it as ``mongo_replay``, the module name.)

Batches that a crawl could not store (MongoDB down, a crash) stay in the spool
directory (``MONGO_SPOOL_DIR``, default ``data/spool``; ``--spool`` overrides
it).  This command pings ``MONGO_URI``, creates the indexes, replays every
batch oldest first -- idempotently: upserts and ``$addToSet``, so a batch sent
twice stores once -- and prints the counts.  Batches locked by a crawl that is
running right now are left to that crawl.  ``--dry-run`` only prints what the
spool holds.  ``--rejected`` first moves the writes MongoDB refused for good
(``rejected/``, e.g. a validation rule since fixed) back into the spool; entries that
are not writes (items that could not be made into one) stay there, and exit 1.

When the spool holds nothing to send, the command says so and exits 0
without contacting MongoDB (so it needs neither the server nor a valid
``MONGO_URI`` then).

A spool directory that does not exist: given on the command line (``--spool
DIR`` or ``-s MONGO_SPOOL_DIR=DIR``), it is a usage error (a typo would
otherwise look like "nothing to send"): exit 2, also with ``--dry-run``.  The
directory of the project settings (``MONGO_SPOOL_DIR``, default
``data/spool``) is only created by the first crawl that spools: when it does
not exist yet there is nothing to send (exit 0, it is not created).

Exit status: 0 when nothing is left to send (batches held by a running crawl
are reported, not counted), 1 when writes remain in the spool (MongoDB
unreachable or refusing; with ``--dry-run``: there is something to send), 2
for a usage or configuration error (missing ``--spool`` directory, bad URI,
``w=0``, authentication).  Every message names the server by its masked URI.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.settings import SETTINGS_PRIORITIES


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--spool DIR] [--dry-run] [--rejected]"

    def short_desc(self) -> str:
        return "Replay the MongoDB write spool (items kept while MongoDB was unavailable)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--spool", metavar="DIR", default=None,
                            help="spool directory (default: the MONGO_SPOOL_DIR setting)")
        parser.add_argument("--dry-run", action="store_true", help="only print what the spool holds")
        parser.add_argument("--rejected", action="store_true",
                            help="also send again the writes MongoDB refused for good (rejected/), after a fix")

    def run(self, args, opts) -> None:
        from newscrawl.storage.client import MongoConfig, MongoConfigError, client_from_settings
        from newscrawl.storage.spool import Spool
        from newscrawl.storage.writer import MongoWriter, WriterSettings, short_error

        settings = self.settings
        config = MongoConfig.from_settings(settings)
        wsettings = WriterSettings.from_settings(settings)
        out = sys.stdout
        directory = Path(opts.spool or wsettings.spool_dir)
        explicit = opts.spool is not None or (
            (settings.getpriority("MONGO_SPOOL_DIR") or 0) >= SETTINGS_PRIORITIES["cmdline"])
        if not directory.is_dir():
            if directory.exists():
                print(f"error: spool {directory} is not a directory", file=sys.stderr)
                self.exitcode = 2
            elif explicit:
                print(f"error: spool directory {directory.absolute()} does not exist "
                      "(check --spool / MONGO_SPOOL_DIR)", file=sys.stderr)
                self.exitcode = 2
            else:  # the configured spool, never created: no crawl ever had to spool anything
                print(f"spool {directory.absolute()}: does not exist yet (no crawl has spooled anything): "
                      "nothing to send", file=out)
                self.exitcode = 0
            return
        spool = Spool(directory, fsync=wsettings.spool_fsync)
        rejected = getattr(opts, "rejected", False)
        if rejected and not opts.dry_run:
            requeued, left = spool.requeue_rejected()
            print(f"rejected/: {requeued} writes queued again, {left} entries cannot be sent as they are "
                  "(no write: see their reason)", file=out)
        before = spool.summary()
        print(f"spool {spool.directory}: {before.batches} batches, {before.items} items"
              f" ({before.locked} batches held by a running crawl)", file=out)
        pending = before.ops - before.locked_ops
        if opts.dry_run:
            self.exitcode = 1 if pending else 0
            return
        if not pending:
            print("nothing to send", file=out)
            self.exitcode = 0
            return
        try:
            client = client_from_settings(settings, config)
        except MongoConfigError as exc:  # the local server (no MONGO_URI) cannot be used: says what to do
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        except Exception as exc:  # noqa: BLE001 - InvalidURI, ConfigurationError, ValueError (w=0)
            print(f"error: MongoDB {config.masked_uri}: bad configuration: {short_error(exc, uri=config.uri)}", file=sys.stderr)
            self.exitcode = 2
            return
        try:
            writer = MongoWriter(client, config.database, wsettings, spool, uri=config.uri)
            try:
                report = writer.open()
            except MongoConfigError as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
            if not report.available:
                print(f"error: MongoDB {config.masked_uri} unavailable ({report.error}); nothing replayed",
                      file=sys.stderr)
                self.exitcode = 1
                return
            counts = writer.replay_pending()
        finally:
            if hasattr(client, "close"):
                client.close()
        after = spool.summary()
        remaining = after.items - after.locked_items
        remaining_ops = after.ops - after.locked_ops
        keys = ("replayed", "replayed_batches", "written", "updated", "unchanged", "retries")
        line = ", ".join(f"{k}={counts.get(k, 0)}" for k in keys)
        dropped = {k: v for k, v in sorted(counts.items()) if k.startswith("dropped/") and v}
        if dropped:
            line += ", " + ", ".join(f"{k}={v}" for k, v in dropped.items())
        print(f"MongoDB {config.masked_uri}: {line}", file=out)
        print(f"remaining: {remaining} items in {after.batches - after.locked} batches"
              + (f" (+{after.locked} batches held by a running crawl)" if after.locked else ""), file=out)
        self.exitcode = 1 if remaining_ops else 0
        if rejected and spool.rejected_entries():
            print(f"still in {spool.directory}/rejected: {len(spool.rejected_entries())} entries", file=out)
            self.exitcode = 1
