"""``scrapy extract FILE_OR_URL [FILE ...] [--url URL] [--spider NAME]``: the items saved pages give.

Prints, one JSON object per line (UTF-8, ISO datetimes), exactly the items the
spider produces for that one page after the Arabic normalization pipeline --
the tool for developing a site parser against a saved page:

* ``FILE``: a saved page.  Its URL is ``--url``, else the URL recorded for that
  file in a sibling ``.expected.json`` oracle / ``data/snapshot/index.json``, else
  ``https://<folder name>/<file name>`` when the folder is named after a host
  (``tests/fixtures/pages/<host>/``); otherwise ``--url`` is required.  No network,
  no reactor.
* ``URL``: fetched through a one-page crawl (links not followed); with
  ``REPLAY_DIR`` set it comes from the snapshot instead of the network.

With no ``--spider``, the spider whose ``allowed_domains`` match the URL is
used, else ``generic``; a ``--spider`` whose domains do not cover the page is named on
stderr.  Several files (a shell glob) are read one after the other; one URL at most.
Exit status 1 when a page gives no item (each such page is named on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import DropItem, UsageError
from scrapy.http import HtmlResponse, Request

from newscrawl.feeds.exporters import dumps
from newscrawl.text.urls import host_in_domains


def url_for_file(path: Path) -> str | None:
    """The real URL of a saved page: its ``.expected.json`` oracle, the snapshot index, or --
    for a new page saved as ``tests/fixtures/pages/<host>/<slug>.html`` -- ``https://<host>/<slug>``
    (enough to pick the spider; give ``--url`` for the exact address)."""
    oracle = path.with_name(path.name.removesuffix(".html") + ".expected.json")
    if oracle.exists():
        return json.loads(oracle.read_text(encoding="utf-8")).get("url")
    for index in (Path("data/snapshot/index.json"),):
        if index.exists():
            for entry in json.loads(index.read_text(encoding="utf-8")):
                if (index.parent / entry["file"]).resolve() == path.resolve():
                    return entry["url"]
    host = path.resolve().parent.name
    if "." in host and " " not in host:
        return f"https://{host}/{path.name.removesuffix('.html')}"
    return None


def spider_for_url(spider_loader, url: str) -> str:
    host = urlsplit(url).hostname
    for name in spider_loader.list():
        if host_in_domains(host, getattr(spider_loader.load(name), "allowed_domains", None)):
            return name
    return "generic"


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self):
        return "FILE_OR_URL [FILE ...] [--url URL] [--spider NAME]"

    def short_desc(self):
        return "Print the items a spider extracts from one saved page or URL (JSON lines)"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--url", help="the page's real URL (for a saved file)")
        parser.add_argument("--spider", help="spider to use (default: by the URL's domain)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if self.settings.getpriority("LOG_LEVEL") < 40:  # quiet unless -L / -s LOG_LEVEL given
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def run(self, args, opts):
        if not args:
            raise UsageError()
        loader = self.crawler_process.spider_loader
        if opts.spider and opts.spider not in loader.list():
            raise UsageError(f"no spider named {opts.spider!r}; see 'scrapy list'", print_help=False)
        files, urls = [], []
        for target in args:
            path = Path(target)
            if path.is_file():
                files.append(path)
            elif urlsplit(target).scheme in ("http", "https") and urlsplit(target).hostname:
                urls.append(target)
            else:
                raise UsageError(f"{target}: no such file, and not an http(s) URL", print_help=False)
        if len(urls) > 1:
            raise UsageError("one URL per run (a crawl cannot be restarted in one process); files: any number",
                             print_help=False)
        if opts.url and len(files) + len(urls) > 1:
            raise UsageError("--url names the address of one saved page: give one FILE with it", print_help=False)
        empty = 0
        for path in files:
            url = opts.url or url_for_file(path)
            if not url:
                raise UsageError(f"{path}: which URL is this page? give --url (not found in an oracle, "
                                 "data/snapshot/index.json, or a <host>/ folder name)", print_help=False)
            self._check_spider(opts.spider, url)
            items = self.extract_file(path, url, opts.spider)
            self._print(items)
            if not items:
                empty += 1
                sys.stderr.write(f"extract: {path}: no item\n")
        for url in urls:
            self._check_spider(opts.spider, url)
            items = self.extract_url(url, opts.spider)
            self._print(items)
            if not items:
                empty += 1
                sys.stderr.write(f"extract: {url}: no item\n")
        self.exitcode = 1 if empty else 0

    @staticmethod
    def _print(items) -> None:
        for item in items:
            sys.stdout.write(dumps(dict(item)) + "\n")

    def _check_spider(self, name: str | None, url: str) -> None:
        """``--spider`` whose ``allowed_domains`` do not cover the page's host: say so (it would follow no link)."""
        if not name:
            return
        domains = getattr(self.crawler_process.spider_loader.load(name), "allowed_domains", None)
        host = urlsplit(url).hostname
        if domains and not host_in_domains(host, domains):
            sys.stderr.write(f"extract: --spider {name} is for {', '.join(domains)}, not {host}; "
                             f"the page is read with {name}'s parsers anyway\n")

    def extract_file(self, path: Path, url: str, spider_name: str | None):
        from newscrawl.pipelines.normalize import ArabicNormalizationPipeline

        loader = self.crawler_process.spider_loader
        name = spider_name or spider_for_url(loader, url)
        spider = loader.load(name)(follow="0")  # no crawl: the page objects need no crawler
        response = HtmlResponse(url, body=path.read_bytes(), request=Request(url))
        pipeline = ArabicNormalizationPipeline()
        out = []
        for obj in spider.parse(response) or []:
            if isinstance(obj, Request):
                continue
            try:
                out.append(pipeline.process_item(obj, spider))
            except DropItem as exc:
                sys.stderr.write(f"dropped: {exc}\n")
        return out

    def extract_url(self, url: str, spider_name: str | None):
        from scrapy import signals

        name = spider_name or spider_for_url(self.crawler_process.spider_loader, url)
        collected = []
        settings_override = {
            "ITEM_PIPELINES": {"newscrawl.pipelines.normalize.ArabicNormalizationPipeline": 100},
            "FEEDS": {},
            "NEWSCRAWL_INCREMENTAL": False,  # one page on request: fetch it even if stored
            "MONGO_ENABLED": False,
        }
        crawler = self.crawler_process.create_crawler(name)
        crawler.settings.frozen = False
        crawler.settings.setdict(settings_override, priority="cmdline")

        def collect(item, **kw):
            collected.append(item)

        # signal receivers are held weakly by default: keep a strong reference
        crawler.signals.connect(collect, signal=signals.item_scraped, weak=False)
        self.crawler_process.crawl(crawler, start_url=url, max_listing_pages=0, max_articles=0, follow="0")
        self.crawler_process.start()
        return collected
