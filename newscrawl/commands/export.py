"""``scrapy export [options]``: stored articles or tickers from MongoDB as JSON Lines, JSON or JSON Feed 1.1.

A thin wrapper around :mod:`newscrawl.feeds.export`.  Options: ``--format
jsonl|json|jsonfeed`` (default ``jsonl``), ``--type article|ticker`` (default
``article``), ``--site NAME`` (repeatable or comma list), ``--since`` / ``--until``
(ISO 8601; a date or a datetime without zone is UTC; ``since`` inclusive, ``until``
exclusive; on ``published`` for articles, ``last_seen`` for tickers), ``--limit
N``, ``--all-fields`` (keep ``_id`` and the ``*_norm`` / dedupe fields in
jsonl/json), ``--revisions`` (articles: each with ``revisions``, its earlier
versions, oldest first; see :mod:`newscrawl.storage.revisions`), ``-o FILE`` (default ``-``, stdout; a file is written as ``FILE.tmp``
then renamed onto ``FILE``), and for jsonfeed ``--title``, ``--home-page-url``,
``--feed-url``, ``--description``, ``--language``.

Exit status: 0 on success (``exported N items to FILE`` on stderr), 1 when MongoDB
cannot be read or the output cannot be written (message with the URI's password
masked), 2 for a usage error.
"""

from __future__ import annotations

import io
import os
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.feeds import export
from newscrawl.storage.client import MongoConfig, MongoConfigError, client_from_settings, redact


def _split_sites(values) -> list[str]:
    sites: list[str] = []
    for value in values or []:
        for name in value.split(","):
            name = name.strip()
            if not name:
                raise UsageError(f"empty site name in --site {value!r}", print_help=False)
            if name not in sites:
                sites.append(name)
    return sites


def _silence_stdout() -> None:
    """After EPIPE: point fd 1 at /dev/null so the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "[--format jsonl|json|jsonfeed] [--type article|ticker] [--site NAME] [--since D] [--until D] [--limit N] [-o FILE]"

    def short_desc(self):
        return "Export stored articles or tickers from MongoDB (JSON Lines, JSON, JSON Feed 1.1)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", default="-",
                            help="output file, written atomically (FILE.tmp then rename); '-' = stdout (default)")
        parser.add_argument("-f", "--format", dest="format", choices=export.FORMATS, default="jsonl",
                            help="jsonl (default), json (one array) or jsonfeed (JSON Feed 1.1)")
        parser.add_argument("--type", dest="kind", choices=export.KINDS, default="article",
                            help="article (default) or ticker")
        parser.add_argument("--site", dest="sites", action="append", default=[], metavar="NAME",
                            help="only this site (spider name); repeatable, or a comma list")
        parser.add_argument("--since", metavar="WHEN",
                            help="ISO 8601 date/datetime, inclusive (no zone = UTC); published / last_seen")
        parser.add_argument("--until", metavar="WHEN",
                            help="ISO 8601 date/datetime, exclusive (no zone = UTC); published / last_seen")
        parser.add_argument("--limit", type=int, default=0, metavar="N", help="at most N items (0: all)")
        parser.add_argument("--all-fields", action="store_true",
                            help="jsonl/json: keep _id and the *_norm / content_hash / simhash fields")
        parser.add_argument("--revisions", action="store_true",
                            help="articles: add 'revisions' (earlier versions of each story, oldest first)")
        parser.add_argument("--batch-size", type=int, default=export.DEFAULT_BATCH_SIZE, metavar="N",
                            help=f"MongoDB cursor batch size (default {export.DEFAULT_BATCH_SIZE})")
        parser.add_argument("--title", help="jsonfeed: feed title (default 'newscrawl articles' followed by the sites)")
        parser.add_argument("--home-page-url", help="jsonfeed: home_page_url")
        parser.add_argument("--feed-url", help="jsonfeed: feed_url (where this file is published)")
        parser.add_argument("--description", help="jsonfeed: description")
        parser.add_argument("--language", help="jsonfeed: feed language, e.g. ar")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}", print_help=False)
        opts.sites = _split_sites(opts.sites)
        for name in ("since", "until"):
            text = getattr(opts, name)
            try:
                setattr(opts, name, export.parse_when(text) if text is not None else None)
            except ValueError:
                raise UsageError(f"--{name} {text!r}: not an ISO 8601 date or datetime "
                                 "(e.g. 2024-03-14 or 2024-03-14T10:30:00+02:00)", print_help=False) from None
        if opts.since and opts.until and opts.since >= opts.until:
            raise UsageError(f"--since {opts.since.isoformat()} is not before --until {opts.until.isoformat()}",
                             print_help=False)
        if opts.limit < 0:
            raise UsageError("--limit must be 0 (all) or a positive number", print_help=False)
        if opts.revisions and opts.kind != "article":
            raise UsageError("--revisions is for --type article", print_help=False)
        if opts.batch_size < 1:
            raise UsageError("--batch-size must be positive", print_help=False)
        if not opts.output:
            raise UsageError("-o needs a file name or '-'", print_help=False)

    def feed_options(self, opts) -> dict:
        if opts.format != "jsonfeed":
            return {}
        title = opts.title or "newscrawl " + ("tickers" if opts.kind == "ticker" else "articles") + (
            ": " + ", ".join(opts.sites) if opts.sites else "")
        return dict(title=title, home_page_url=opts.home_page_url, feed_url=opts.feed_url,
                    description=opts.description, language=opts.language, kind=opts.kind)

    def run(self, args, opts):
        from pymongo.errors import PyMongoError

        config = MongoConfig.from_settings(self.settings)
        collection_name = config.tickers if opts.kind == "ticker" else config.articles
        where = f"MongoDB {config.masked_uri} (database {config.database!r}, collection {collection_name!r})"
        try:
            client = client_from_settings(self.settings, config)
            owned = not self.settings.get("MONGO_CLIENT_FACTORY")  # an injected client is the caller's to close
        except MongoConfigError as exc:  # the local server (no MONGO_URI) cannot be used: says what to do
            sys.stderr.write(f"export: {exc}\n")
            self.exitcode = 1
            return
        except (PyMongoError, ValueError) as exc:
            return self.fail(f"cannot connect to {where}", exc, config)
        try:
            client.admin.command("ping")  # fail before any output is written
            docs = export.iter_documents(
                client[config.database][collection_name], kind=opts.kind, sites=opts.sites,
                since=opts.since, until=opts.until, limit=opts.limit, all_fields=opts.all_fields,
                batch_size=opts.batch_size)
            if opts.revisions:
                from newscrawl.storage.revisions import attach_revisions

                name = self.settings.get("MONGO_REVISIONS_COLLECTION", "revisions") or "revisions"
                docs = attach_revisions(docs, client[config.database][name])
            if opts.output == "-":
                n = self.write_stdout(opts.format, docs, self.feed_options(opts))
                target = "stdout"
            else:
                with export.atomic_output(opts.output) as fh:
                    n = export.write(opts.format, docs, fh, **self.feed_options(opts))
                target = opts.output
        except PyMongoError as exc:
            return self.fail(f"cannot read {where}", exc, config)
        except BrokenPipeError:
            _silence_stdout()
            sys.stderr.write("export: stdout was closed before the export finished\n")
            self.exitcode = 1
            return
        except OSError as exc:
            sys.stderr.write(f"export: cannot write {opts.output}: {exc.strerror or exc}\n")
            self.exitcode = 1
            return
        finally:
            if owned:
                client.close()
        sys.stderr.write(f"exported {n} items to {target}\n")
        self.exitcode = 0

    def fail(self, what: str, exc: Exception, config: MongoConfig) -> None:
        text = str(exc).splitlines()[0] if str(exc) else ""
        for noise in (" (configured timeouts", ", Timeout:"):  # pymongo's topology dump: not for a cron mail
            text = text.split(noise)[0]
        text = redact(text, config.uri)
        if len(text) > 300:
            text = text[:300] + "..."
        sys.stderr.write(f"export: {what}: {type(exc).__name__}: {text}\n"
                         "export: is the server up, and is MONGO_URI right (environment or -s MONGO_URI=...)?\n")
        self.exitcode = 1

    @staticmethod
    def write_stdout(fmt, docs, feed_options) -> int:
        """Write UTF-8 to stdout whatever the locale (``PYTHONIOENCODING``/C locale would escape or fail)."""
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            return export.write(fmt, docs, sys.stdout, **feed_options)
        sys.stdout.flush()
        out = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
        try:
            n = export.write(fmt, docs, out, **feed_options)
            out.flush()
            return n
        finally:
            try:
                out.detach()
            except (OSError, ValueError):
                pass
