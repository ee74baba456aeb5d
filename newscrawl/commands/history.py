"""``scrapy history URL``: every stored version of one story, oldest first.

The story is looked up by its canonical URL (:func:`newscrawl.text.urls.canonicalize`
of ``URL``), else by the fetched ``url`` or one of its ``aliases``.  Versions come
from the article document and its ``revisions`` (:func:`newscrawl.storage.revisions.history`).

Text output: per version its number, when it was seen (UTC), what changed from the
version before (``stealth edit`` when the page's ``modified`` date stayed the same),
the changed title / lead / author / agency / dates, and the body as paragraphs
removed (``-``) and added (``+``), compared by match key.  ``--json``: one JSON object
per version per line (ISO 8601 UTC datetimes), every tracked field in full.

Exit status: 0 the story is stored, 1 it is not (or MongoDB cannot be read; the
URI's password masked), 2 usage error.
"""

from __future__ import annotations

import io
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.feeds.export import dumps, iso
from newscrawl.storage.client import MongoConfig, client_from_settings, redact
from newscrawl.storage.revisions import TRACKED_FIELDS, body_diff, history
from newscrawl.text.urls import canonicalize


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "URL [--json]"

    def short_desc(self):
        return "Show every stored version of one story (edits of headline, body, lead, author, dates, images)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per version per line")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if len(args) != 1 or not args[0].strip():
            raise UsageError("give exactly one URL", print_help=False)

    def run(self, args, opts):
        from pymongo.errors import PyMongoError

        url = args[0].strip()
        config = MongoConfig.from_settings(self.settings)
        revisions = self.settings.get("MONGO_REVISIONS_COLLECTION", "revisions") or "revisions"
        owned = not self.settings.get("MONGO_CLIENT_FACTORY")
        try:
            client = client_from_settings(self.settings, config)
        except (PyMongoError, ValueError) as exc:
            return self.fail(exc, config)
        try:
            db = client[config.database]
            key = self.find_key(db[config.articles], url)
            versions = history(db, key, articles=config.articles, revisions=revisions) if key else []
        except PyMongoError as exc:
            return self.fail(exc, config)
        finally:
            if owned:
                client.close()
        if not versions:
            sys.stderr.write(f"history: no stored story for {url} (database {config.database!r})\n")
            self.exitcode = 1
            return
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n") if hasattr(sys.stdout, "buffer") else sys.stdout
        sys.stdout.flush()
        try:
            if opts.json:
                for v in versions:
                    out.write(dumps({"canonical_url": key, **v}) + "\n")
            else:
                out.write(render(key, versions))
            out.flush()
        finally:
            if out is not sys.stdout:
                out.detach()
        self.exitcode = 0

    @staticmethod
    def find_key(articles, url: str) -> str | None:
        """The stored ``canonical_url`` of the story at ``url``, or None."""
        try:
            canonical = canonicalize(url)
        except Exception:  # noqa: BLE001 - not a URL we can canonicalize: try it as given
            canonical = url
        for query in ({"canonical_url": canonical}, {"canonical_url": url}, {"url": url}, {"aliases": canonical}):
            doc = articles.find_one(query, {"canonical_url": 1})
            if doc is not None:
                return doc["canonical_url"]
        return None

    def fail(self, exc: Exception, config: MongoConfig) -> None:
        text = redact(str(exc).splitlines()[0] if str(exc) else "", config.uri).split(", Timeout:")[0][:300]
        sys.stderr.write(f"history: cannot read MongoDB {config.masked_uri}: {type(exc).__name__}: {text}\n")
        self.exitcode = 1


def render(key: str, versions: list[dict]) -> str:
    """The text report of :func:`newscrawl.storage.revisions.history` ``versions``."""
    lines = [key, f"{len(versions)} version(s), {len(versions) - 1} edit(s)", ""]
    for i, v in enumerate(versions):
        head = f"version {v['version']}: seen {iso(v['seen_from']) or '?'} .. {iso(v['seen_until']) or '?'}"
        if i:
            head += f"; changed: {', '.join(v['changed'])}" + (" (stealth edit: same modified date)" if v["stealth"] else "")
        lines.append(head)
        if i == 0:
            lines.append(f"  title: {v.get('title')}")
        else:
            prev = versions[i - 1]
            for f in v["changed"]:
                if f == "body":
                    diff = body_diff(prev.get("body"), v.get("body"))
                    lines += [f"  body - {p}" for p in diff["removed"]]
                    lines += [f"  body + {p}" for p in diff["added"]]
                    if not diff["removed"] and not diff["added"]:
                        lines.append("  body: paragraphs reordered")
                elif f in TRACKED_FIELDS:
                    lines.append(f"  {f}: {_show(prev.get(f))}")
                    lines.append(f"  {' ' * len(f)}→ {_show(v.get(f))}")
        lines.append("")
    return "\n".join(lines)


def _show(value) -> str:
    if value is None:
        return "(none)"
    if hasattr(value, "isoformat"):
        return iso(value)
    if isinstance(value, list):
        return "; ".join(str(x.get("url") if isinstance(x, dict) else x) for x in value) or "(none)"
    return str(value)
