"""``scrapy mongo-replay [--spool DIR] [--dry-run]``: send the MongoDB write spool.

(Registered as ``mongo-replay`` by the ``scrapy.commands`` entry point in setup.py;
``COMMANDS_MODULE`` also lists it as ``mongo_replay``, the module name.)

Batches that a crawl could not store (MongoDB down, a crash) stay in the spool
directory (``MONGO_SPOOL_DIR``, default ``data/spool``; ``--spool`` overrides
it).  This command pings ``MONGO_URI``, creates the indexes, replays every
batch oldest first -- idempotently: upserts and ``$addToSet``, so a batch sent
twice stores once -- and prints the counts.  Batches locked by a crawl that is
running right now are left to that crawl.  ``--dry-run`` only prints what the
spool holds.

Exit status: 0 when nothing is left to send (batches held by a running crawl
are reported, not counted), 1 when items remain in the spool (MongoDB
unreachable or refusing), 2 for a configuration error (bad URI, ``w=0``,
authentication).  Every message names the server by its masked URI.
"""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--spool DIR] [--dry-run]"

    def short_desc(self) -> str:
        return "Replay the MongoDB write spool (items kept while MongoDB was unavailable)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--spool", metavar="DIR", default=None,
                            help="spool directory (default: the MONGO_SPOOL_DIR setting)")
        parser.add_argument("--dry-run", action="store_true", help="only print what the spool holds")

    def run(self, args, opts) -> None:
        from newscrawl.storage.client import MongoConfig, MongoConfigError, client_from_settings
        from newscrawl.storage.spool import Spool
        from newscrawl.storage.writer import MongoWriter, WriterSettings, short_error

        settings = self.settings
        config = MongoConfig.from_settings(settings)
        wsettings = WriterSettings.from_settings(settings)
        spool = Spool(opts.spool or wsettings.spool_dir, fsync=wsettings.spool_fsync)
        before = spool.summary()
        out = sys.stdout
        print(f"spool {spool.directory}: {before.batches} batches, {before.items} items"
              f" ({before.locked} batches held by a running crawl)", file=out)
        if opts.dry_run:
            self.exitcode = 1 if before.items - before.locked_items else 0
            return
        try:
            client = client_from_settings(settings, config)
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
        keys = ("replayed", "replayed_batches", "written", "updated", "unchanged", "retries")
        line = ", ".join(f"{k}={counts.get(k, 0)}" for k in keys)
        dropped = {k: v for k, v in sorted(counts.items()) if k.startswith("dropped/") and v}
        if dropped:
            line += ", " + ", ".join(f"{k}={v}" for k, v in dropped.items())
        print(f"MongoDB {config.masked_uri}: {line}", file=out)
        print(f"remaining: {remaining} items in {after.batches - after.locked} batches"
              + (f" (+{after.locked} batches held by a running crawl)" if after.locked else ""), file=out)
        self.exitcode = 1 if remaining else 0
