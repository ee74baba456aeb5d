"""Whole-pipeline crawl benchmark: distinct stories, feed and storage on, against two peers.

The site is :class:`tests.loopback.LoopbackSite` scaled to N article URLs, but every URL
serves its own story (:class:`StorySite`): the real Jannah article page (eldigitaldealbacete.com)
with its text replaced by 5-9 paragraphs of 2-4 sentences of 8-20 words drawn (seeded by the
URL's number, with their corpus frequencies) from the Arabic words of the real saved pages, its title,
canonical URL and JSON-LD ids its own; every tenth URL serves exactly the story of the URL before
it (a republished story: 10% exact duplicates).  Drawing words, not whole sentences, keeps the
other 90% distinct: stories recombined from a pool of ~160 real sentences shared most of their
word 3-shingles, so a third of them were near-duplicates of one another and the dedupe stage,
not the pipeline, dominated the figures.
So extraction, Arabic normalization, fingerprints, dedupe, the JSON Lines feed and storage all
do real work on every page.

Storage is the local MongoDB-compatible server (SecantusDB, started here with
``tests/mongo_server.py`` and given to the crawl as ``MONGO_URI``, so its CPU is measured apart)
when its executable is installed, else the in-process mongomock double; the output says which.

Four crawlers, each a child process, measured the same way:

* **newscrawl**: ``scrapy crawl jannah_demo`` (home page, RSS feed, sitemap, every story);
* **fetch-only**: ``benchmarks/fetch_only_spider.py`` on the same site (fetches every story,
  extracts nothing, no pipeline: the framework's cost on these pages);
* **parse-only**: ``benchmarks/parse_only_spider.py`` (the same, plus lxml parsing every story,
  reading its ``<h1>`` and exporting it to a JSON Lines feed: the floor of any scraper);
* **scrapy bench**: Scrapy's own benchmark (tiny generated pages, its own server) for
  ``--bench-seconds``.

For each: pages/s = ``response_received_count / elapsed_time_seconds`` from the crawl's own
stats (run average, start-up excluded); CPU ms/page, two ways: **process** = user+system CPU of
the child (and the children it waited for: scrapy bench's own page server) / responses, start-up
included; **crawl** = the CPU between ``spider_opened`` and ``spider_closed``
(:mod:`benchmarks.cpu_probe`, enabled in every crawler) / responses -- the per-page cost, without
the imports and connections that a longer crawl spreads thinner.  The storage server's CPU
is reported apart;
peak RSS of the child (``ru_maxrss`` from ``wait4``, this child only).  ``--rounds`` rounds of
all three at ``--pages`` stories (median and spread), then newscrawl's peak RSS at each of
``--rss-at`` sizes.

Usage: python benchmarks/bench_crawl.py [--pages 2000] [--rounds 3] [--rss-at 1000,5000,20000]
(``--rounds 0`` runs only the peak-RSS sizes; ``--site-wide-description`` runs newscrawl once with
one description on every story instead, the case ``DEDUPE_COMMON_KEY_ENTRIES`` is for)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.loopback import ARTICLE, HOME, PAGES, LoopbackSite  # noqa: E402

#: the real article's own URL and title, replaced in every story
_ORIG_URL = ("https://www.eldigitaldealbacete.com/2020/03/20/coronavirus-el-ayuntamiento-garantiza-la-atencion-"
             "integral-a-las-mujeres-victimas-de-la-violencia-de-genero-en-albacete-durante-la-crisis-del-covid-19/")
_ORIG_TITLE = ("CORONAVIRUS | El Ayuntamiento garantiza la atención integral a las mujeres víctimas de la violencia "
               "de género en Albacete durante la crisis del CoVid-19")
_MARK = "<!--STORY-->"
_LEAD = "<!--LEAD-->"  # the description (og:description, JSON-LD), which real sites set per story


def _words() -> list[str]:
    """Every Arabic word of every ``<p>`` of the real saved article pages, in page order (repeats
    kept, so drawing from the list follows the words' frequencies), without edge punctuation."""
    from lxml import html

    out = []
    for path in sorted(PAGES.rglob("*.html")):
        if path == HOME:
            continue
        for p in html.fromstring(path.read_bytes()).xpath("//p"):
            out += [w.strip(".,،؛:!?؟\"'«»()") for w in p.text_content().split()]
    return [w for w in out if re.search("[\u0621-\u064a]", w)]


def _paragraph(rnd: random.Random, words: list[str]) -> str:
    return " ".join(" ".join(rnd.choices(words, k=rnd.randint(8, 20))) + "."
                    for _ in range(rnd.randint(2, 4)))


def _template() -> str:
    """The real Jannah article with its ``.entry-content`` paragraphs replaced by a marker."""
    from lxml import html

    doc = html.fromstring(ARTICLE.read_bytes())
    content = doc.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]")[0]
    first = content.xpath("./p")[0]
    first.addprevious(doc.makeelement("p", {"class": "story-marker"}))
    for p in content.xpath("./p[not(@class='story-marker')]"):
        p.drop_tree()
    page = html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
    page = re.sub(r'(<meta property="og:description" content=")[^"]*', lambda m: m.group(1) + _LEAD, page)
    page = re.sub(r'("description":")\\/Redacci[^"]*', lambda m: m.group(1) + _LEAD, page)
    return page.replace('<p class="story-marker"></p>', _MARK)


class StorySite(LoopbackSite):
    """``LoopbackSite`` where every article URL serves its own story (every tenth: the one before)."""

    def __init__(self, extra_articles: int, host: str = "127.0.0.1", description: str | None = None):
        super().__init__(extra_articles=extra_articles, host=host)
        self.description = description  # one site-wide description on every story (else each its own)
        self.template = _template()
        assert self.template.count(_MARK) == 1 and self.template.count(_LEAD) == 2 and _ORIG_TITLE in self.template
        self.words = _words()
        self.index = {path: i for i, path in enumerate(self.articles)}
        self.stories = 0

    def story(self, path: str) -> bytes:
        i = self.index[path]
        source = i - 1 if i % 10 == 9 else i  # a republished story: the same text under another URL
        rnd = random.Random(source)
        paragraphs = [_paragraph(rnd, self.words) for _ in range(rnd.randint(5, 9))]
        title = " ".join(paragraphs[0].split()[:10]).rstrip(".,،") + f" ({source})"
        lead = self.description or " ".join(paragraphs[0].split()[:25]) + " […]"  # a WordPress excerpt
        page = self.template.replace(_LEAD, lead).replace(_MARK, "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs))
        page = page.replace(_ORIG_TITLE, escape(title)).replace(_ORIG_URL, self.base + path)
        return page.encode("utf-8")

    def route(self, path):
        if path in self.index:
            self.stories += 1
            return 200, "text/html; charset=UTF-8", self.story(path)
        return super().route(path)


def _run(cmd: list[str], cwd, env=None) -> dict:
    """Run ``cmd``; its own CPU seconds and peak RSS (``wait4``), and its stats from the log."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        log = out.read().decode("utf-8", "replace")
    if proc.returncode:
        raise SystemExit(f"{cmd[:4]} exited {proc.returncode}:\n{log[-3000:]}")

    def stat(name):
        m = re.search(rf"'{re.escape(name)}': ([\d.]+)", log)
        return float(m.group(1)) if m else None

    responses = stat("response_received_count") or 0
    elapsed = stat("elapsed_time_seconds") or wall
    cpu = usage.ru_utime + usage.ru_stime
    crawl_cpu = stat("bench/crawl_cpu_seconds")
    return {"responses": int(responses), "elapsed": elapsed, "wall": wall, "pages_s": responses / elapsed,
            "cpu_ms": 1000 * cpu / max(responses, 1), "rss_mb": usage.ru_maxrss / 1024, "log": log,
            "crawl_cpu_ms": 1000 * crawl_cpu / max(responses, 1) if crawl_cpu is not None else float("nan"),
            "items": stat("item_scraped_count"), "dropped": stat("item_dropped_count")}


_PROBE = "benchmarks.cpu_probe.CpuProbe"


def _extensions(base: dict) -> list[str]:
    """``-s EXTENSIONS=`` for a crawler: its own extensions plus the CPU probe (a setting given on
    the command line replaces the project's dict, so the project's entries are repeated)."""
    return ["-s", "EXTENSIONS=" + json.dumps({**base, _PROBE: 0})]


def _newscrawl_extensions() -> dict:
    from newscrawl import settings

    return dict(settings.EXTENSIONS)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: ``--site-wide-description``: what a site that never sets a per-article description repeats
SITE_DESCRIPTION = ("نشرة الأخبار اليومية من موقعنا: آخر الأخبار المحلية والعربية والدولية على مدار الساعة مع "
                    "تغطية شاملة لكل الأحداث السياسية والاقتصادية والرياضية والثقافية")


def crawl(n: int, description: str | None = None) -> dict:
    """The full pipeline.  Storage: the local SecantusDB server, started here (not by the crawl) so
    its CPU is measured apart from the crawl's; the mongomock double when it is not installed."""
    from tests.mongo_server import MongoTestServer, available

    with StorySite(extra_articles=n, description=description) as site, tempfile.TemporaryDirectory() as tmp:
        server = MongoTestServer(storage_path=f"{tmp}/db").start() if available() else None
        if server is not None:
            storage, env = [], {"MONGO_URI": server.uri}
            used = "local MongoDB-compatible server (SecantusDB secantusd-py, tests/mongo_server.py), own process"
        else:
            storage, env = ["-s", "MONGO_CLIENT_FACTORY=benchmarks.doubles.mongomock_client"], {}
            used = "in-process mongomock double (SecantusDB is not installed)"
        try:
            server_cpu0 = _cpu_seconds(server.proc.pid) if server else 0.0
            cmd = [sys.executable, "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
                   "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=16",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO", "-s", "NEWSCRAWL_LOG_STATS=1",
                   "-s", f"NEWSCRAWL_FEED_DIR={tmp}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp}/state",
                   "-s", f"MONGO_SPOOL_DIR={tmp}/spool", "-s", "NEWSCRAWL_INCREMENTAL=0", *storage,
                   *_extensions(_newscrawl_extensions())]
            r = _run(cmd, ROOT, env={"MONGO_ENABLED": "1", **env})
            server_cpu = (_cpu_seconds(server.proc.pid) - server_cpu0) if server else 0.0
        finally:
            if server is not None:
                server.stop()
        feed_lines = sum(len(f.read_bytes().splitlines()) for f in Path(tmp, "feeds").rglob("*.jsonl"))
        m = re.search(r"'newscrawl/mongo/written': (\d+)", r["log"])
        r.update(storage=used, stories=site.stories, feed_lines=feed_lines, stored=m.group(1) if m else "?",
                 server_cpu_ms=1000 * server_cpu / max(r["responses"], 1))
        return r


def _peer(n: int, script: str, *extra: str) -> dict:
    """A ``scrapy runspider`` peer on the same kind of site, run outside the project (Scrapy's
    defaults, not newscrawl's settings); the CPU probe importable through ``PYTHONPATH``."""
    with StorySite(extra_articles=n) as site, tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / script),
               "-a", f"base={site.base}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
               "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO",
               "-s", "ROBOTSTXT_OBEY=0", "-s", "TELNETCONSOLE_ENABLED=0", *_extensions({}),
               *(a.format(tmp=tmp) for a in extra)]
        r = _run(cmd, tmp, env={"PYTHONPATH": str(ROOT)})
        r["stories"] = site.stories
        return r


def fetch_only(n: int) -> dict:
    return _peer(n, "fetch_only_spider.py")


def parse_only(n: int) -> dict:
    return _peer(n, "parse_only_spider.py", "-o", "{tmp}/items.jsonl")


def scrapy_bench(seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:  # outside the project: the framework alone
        return _run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                     *_extensions({})], tmp, env={"PYTHONPATH": str(ROOT)})


def _summary(values: list[float], fmt: str) -> str:
    med = statistics.median(values)
    return f"{med:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000, help="stories per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bench-seconds", type=int, default=20)
    ap.add_argument("--rss-at", default="1000,5000,20000", help="story counts for the peak-RSS runs ('' = none)")
    ap.add_argument("--site-wide-description", action="store_true",
                    help="one og:description on every story (a site that sets none per article): newscrawl only")
    args = ap.parse_args()
    if args.site_wide_description:
        r = crawl(args.pages, SITE_DESCRIPTION)
        skipped = re.search(r"'newscrawl/dedupe/common_lsh_keys_skipped': (\d+)", r["log"])
        print(f"site-wide description, {args.pages} stories: {r['responses']} responses, {r['items']:.0f} items, "
              f"{r['wall']:.0f} s, {r['pages_s']:.0f} pages/s, CPU {r['cpu_ms']:.2f} ms/page (crawl "
              f"{r['crawl_cpu_ms']:.2f}), storage server {r['server_cpu_ms']:.2f} ms/page, common LSH keys skipped "
              f"on {skipped.group(1) if skipped else 0} items")
        return
    runs: dict[str, list[dict]] = {"newscrawl": [], "fetch-only": [], "parse-only": [], "scrapy bench": []}
    for rnd in range(args.rounds):  # interleaved, so a busy moment of the shared machine hits all of them
        runs["newscrawl"].append(crawl(args.pages))
        runs["fetch-only"].append(fetch_only(args.pages))
        runs["parse-only"].append(parse_only(args.pages))
        runs["scrapy bench"].append(scrapy_bench(args.bench_seconds))
        print(f"round {rnd + 1}: " + ", ".join(f"{k} {v[-1]['pages_s']:.0f} pages/s {v[-1]['cpu_ms']:.2f} "
                                               f"({v[-1]['crawl_cpu_ms']:.2f}) ms CPU/page"
                                               for k, v in runs.items()), flush=True)
    sizes = [int(s) for s in args.rss_at.split(",") if s.strip()]
    if args.rounds:
        _report(runs, args)
    if sizes:
        print("\n| stories | responses | items | wall s | pages/s | CPU ms/page process (crawl) | storage server "
              "CPU ms/page | peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|")
        for n in sizes:
            r = crawl(n)
            print(f"| {n} | {r['responses']} | {r['items']:.0f} | {r['wall']:.0f} | {r['pages_s']:.0f} | "
                  f"{r['cpu_ms']:.2f} ({r['crawl_cpu_ms']:.2f}) | {r['server_cpu_ms']:.2f} | {r['rss_mb']:.0f} |",
                  flush=True)


def _report(runs: dict, args) -> None:
    first = runs["newscrawl"][0]
    print(f"\nstorage: {first['storage']}; its CPU per page (not in newscrawl's figure): "
          f"{_summary([r['server_cpu_ms'] for r in runs['newscrawl']], '.2f')} ms")
    print(f"newscrawl round 1: {first['stories']} story pages served ({args.pages // 10} exact duplicates), "
          f"{first['responses']} responses, {first['items']:.0f} items scraped, {first['dropped'] or 0:.0f} dropped "
          f"(duplicates), {first['feed_lines']} feed lines, stored={first['stored']}")
    print(f"\n{args.rounds} rounds of {args.pages} stories; median (min-max)\n")
    print("| crawler | pages/s (run average) | CPU ms/page, process | CPU ms/page, crawl | peak RSS MB |")
    print("|---|---|---|---|---|")
    for name, rs in runs.items():
        print(f"| {name} | {_summary([r['pages_s'] for r in rs], '.0f')} | {_summary([r['cpu_ms'] for r in rs], '.2f')} | "
              f"{_summary([r['crawl_cpu_ms'] for r in rs], '.2f')} | {_summary([r['rss_mb'] for r in rs], '.0f')} |")
    med = {k: {f: statistics.median(r[f] for r in v) for f in ("pages_s", "cpu_ms", "crawl_cpu_ms")}
           for k, v in runs.items()}
    for peer in ("fetch-only", "parse-only"):
        print(f"\nCPU per page, newscrawl / {peer}: process {med['newscrawl']['cpu_ms'] / med[peer]['cpu_ms']:.2f}x, "
              f"crawl {med['newscrawl']['crawl_cpu_ms'] / med[peer]['crawl_cpu_ms']:.2f}x")
    print(f"pages/s, newscrawl / fetch-only: {med['newscrawl']['pages_s'] / med['fetch-only']['pages_s']:.2f}; "
          f"newscrawl / scrapy bench: {med['newscrawl']['pages_s'] / med['scrapy bench']['pages_s']:.2f}")


if __name__ == "__main__":
    main()
