"""End-to-end crawl throughput: the loopback site scaled to >= 2,000 real article pages.

Crawls ``LoopbackSite(extra_articles=N)`` (the real Jannah home page and the real
Jannah article page served under N varied URLs, found through the RSS feed and the
sitemap) with the full pipeline -- extraction, Arabic normalization, dedupe,
storage into the in-process MongoDB double (mongomock-ng) -- in a child process,
and reports pages/s, CPU seconds per page and the child's peak RSS, at two sizes
(to see RSS growth).  In the same run it measures two ceilings: a spider that
fetches the same pages from the same server and extracts nothing
(``fetch_only_spider.py``), and ``scrapy bench`` (tiny pages, no pipeline).

Usage: python benchmarks/bench_crawl.py [--pages 2000] [--small 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.loopback import LoopbackSite  # noqa: E402


def crawl(n_articles: int) -> dict:
    with LoopbackSite(extra_articles=n_articles) as site, tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=16",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
               "-s", f"NEWSCRAWL_FEED_DIR={tmp}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp}/state",
               "-s", f"MONGO_SPOOL_DIR={tmp}/spool", "-s", "MONGO_CLIENT_FACTORY=benchmarks.doubles.mongomock_client",
               "-s", "NEWSCRAWL_INCREMENTAL=0"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "MONGO_ENABLED": "1"}, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        pages = len(site.fetched("/rtl/"))
        articles = len([p for p in site.fetched("/rtl/") if re.match(r"^/rtl/\d{4}/", p)])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"pages": pages, "articles": articles, "wall": wall, "pages_s": pages / wall,
                "cpu_per_page_ms": 1000 * cpu / pages, "peak_rss_mb": after.ru_maxrss / 1024}


def fetch_only(n_articles: int) -> dict:
    """Same site, same server, same concurrency, a spider that extracts nothing: the framework's ceiling."""
    with LoopbackSite(extra_articles=n_articles) as site:
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "fetch_only_spider.py"),
               "-a", f"base={site.base}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
               "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
               "-s", "ROBOTSTXT_OBEY=0", "-s", "TELNETCONSOLE_ENABLED=0"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd="/", capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        pages = len(site.fetched("/rtl/"))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"pages": pages, "articles": pages - 2, "wall": wall, "pages_s": pages / wall,
                "cpu_per_page_ms": 1000 * cpu / pages, "peak_rss_mb": after.ru_maxrss / 1024}


def scrapy_bench(seconds: int = 10) -> float:
    with tempfile.TemporaryDirectory() as tmp:  # outside the project: the framework alone
        proc = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                              cwd=tmp, capture_output=True, text=True)
    rates = [int(m) for m in re.findall(r"at (\d+) pages/min", proc.stderr)]
    rates = [r for r in rates if r > 0]
    return (max(rates) if rates else 0) / 60.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--small", type=int, default=1000)
    args = ap.parse_args()
    # RSS is per child and ru_maxrss(RUSAGE_CHILDREN) is the max over children so far: run the small crawl first
    small = crawl(args.small)
    large = crawl(args.pages)
    ceiling = fetch_only(args.pages)
    bench = scrapy_bench()
    print("| run | pages fetched | article pages | wall s | pages/s | CPU ms/page | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in ((f"newscrawl, {args.small} articles", small), (f"newscrawl, {args.pages} articles", large)):
        print(f"| {name} | {r['pages']} | {r['articles']} | {r['wall']:.1f} | {r['pages_s']:.0f} | "
              f"{r['cpu_per_page_ms']:.1f} | {r['peak_rss_mb']:.0f} |")
    print(f"| fetch-only spider, same pages (no extraction, no pipeline) | {ceiling['pages']} | {ceiling['articles']} | "
          f"{ceiling['wall']:.1f} | {ceiling['pages_s']:.0f} | {ceiling['cpu_per_page_ms']:.1f} | |")
    print(f"| scrapy bench (same machine, 10 s) | | | | {bench:.0f} | | |")
    print()
    print(f"newscrawl / scrapy bench pages/s: {large['pages_s'] / bench:.2f}" if bench else "scrapy bench gave no rate")
    print(f"newscrawl / fetch-only on the same pages: {large['pages_s'] / ceiling['pages_s']:.2f}")
    print(f"peak RSS growth {args.small} -> {args.pages} articles: "
          f"{100 * (large['peak_rss_mb'] / small['peak_rss_mb'] - 1):+.1f}%")


if __name__ == "__main__":
    main()
