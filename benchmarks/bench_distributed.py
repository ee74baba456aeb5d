"""Distributed crawl throughput: pages/s with 1 and 2 workers sharing a Redis frontier.

    .venv/bin/python benchmarks/bench_distributed.py [--articles 300] [--concurrency 16] [--nagle]

Starts its own redis-server (no persistence, loopback port) and the loopback site of
the tests (the real Jannah demo home page + ``--articles`` extra article URLs in the RSS
feed / sitemap, each serving the real Jannah article page), then crawls it with
``scrapy crawl jannah_demo`` in subprocesses:

* ``single``   -- one process, no Redis (the baseline);
* ``redis x1`` -- one worker on Redis;
* ``redis x2`` -- two workers on Redis at the same time.

pages/s = pages served by the site (robots.txt excluded) / time from the first to the
last request the site saw (process start-up and the idle timeout at the end are in the
``wall`` column only).  Redis cost per page: ``INFO commandstats`` calls before/after
(every command the server executed, including the ones inside MULTI/EXEC blocks and Lua
scripts), and client round trips counted by a ``redis.Redis`` subclass passed through
scrapy-redis's ``REDIS_PARAMS["redis_cls"]`` (a MULTI/EXEC pipeline or a script = 1).

The loopback server writes headers and body in separate ``send()`` calls; with Nagle's
algorithm on, every *small* response (404s, robots.txt) waits ~40 ms for the delayed ACK.
That is a property of the test server, not of the crawler, so it is switched off here
unless ``--nagle``.  Settings per worker: AutoThrottle off, DOWNLOAD_DELAY 0,
``--concurrency`` requests per domain (16 by default: the CPU-bound regime; the
politeness default of 2 makes any crawl latency-bound, where N workers trivially give
N times the throughput), dedupe off (every page stored), MongoDB off.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import redis as redis_py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.loopback import LoopbackSite  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

RTT_FILE_ENV = "BENCH_REDIS_RTT_FILE"


class CountingRedis(redis_py.Redis):
    """redis-py client counting round trips (loaded in the workers via REDIS_PARAMS)."""

    round_trips = 0

    def execute_command(self, *args, **options):
        CountingRedis.round_trips += 1
        return super().execute_command(*args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        pipe = super().pipeline(transaction, shard_hint)
        execute = pipe.execute

        def counted(*a, **kw):
            CountingRedis.round_trips += 1
            return execute(*a, **kw)

        pipe.execute = counted
        return pipe


if os.environ.get(RTT_FILE_ENV):  # in a worker: write the count at exit
    import atexit

    atexit.register(lambda: Path(os.environ[RTT_FILE_ENV]).write_text(str(CountingRedis.round_trips)))


def commandstats(client) -> Counter:
    stats = client.info("commandstats")
    return Counter({k.removeprefix("cmdstat_"): v["calls"] for k, v in stats.items()})


class Clock:
    """Wraps the site's router to timestamp every request."""

    def __init__(self, site: LoopbackSite):
        self.times: list[float] = []
        self._lock = threading.Lock()
        route = site.route

        def timed(path):
            with self._lock:
                self.times.append(time.monotonic())
            return route(path)

        site.route = timed

    def span(self, start: int) -> float:
        t = self.times[start:]
        return t[-1] - t[0] if len(t) > 1 else 0.0


def run_mode(name, workers, site, clock, server, args, tmp: Path):
    cmd_base = [sys.executable, "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
                "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}", "-s", f"CONCURRENT_REQUESTS={max(16, args.concurrency)}",
                "-s", "DEDUPE_ENABLED=0", "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_INCREMENTAL=0"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "NEWSCRAWL_REDIS_"))}
    env["MONGO_ENABLED"] = "0"
    if server is not None:
        env.update({"REDIS_URL": server.url, "NEWSCRAWL_REDIS_IDLE_TIMEOUT": "1"})
        before = commandstats(server.client())
    first = len(clock.times)
    log_start = len(site.fetched())
    children0, self0 = (resource.getrusage(w) for w in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF))
    t0 = time.monotonic()
    procs = []
    for i in range(workers):
        d = tmp / f"{name.replace(' ', '_')}-{i}"
        extra = ["-s", f"NEWSCRAWL_FEED_DIR={d}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={d}/state", "-s", f"MONGO_SPOOL_DIR={d}/spool"]
        wenv = dict(env)
        if server is not None:
            extra += ["-s", "REDIS_PARAMS=" + json.dumps({"redis_cls": "benchmarks.bench_distributed.CountingRedis"})]
            wenv[RTT_FILE_ENV] = str(tmp / f"rtt-{name.replace(' ', '_')}-{i}")
        procs.append(subprocess.Popen(cmd_base + extra, cwd=ROOT, env=wenv, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True))
    errs = [p.communicate(timeout=600)[1] for p in procs]
    wall = time.monotonic() - t0
    children1, self1 = (resource.getrusage(w) for w in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF))
    workers_cpu = children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime
    site_cpu = self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime  # the loopback server's threads
    for p, err in zip(procs, errs):
        if p.returncode != 0:
            raise SystemExit(f"{name}: worker exited {p.returncode}\n{err[-3000:]}")
    fetched = site.fetched()[log_start:]
    counts = Counter(fetched)
    robots = counts.pop("/robots.txt", 0)
    twice = sum(1 for n in counts.values() if n > 1)
    pages = sum(counts.values())
    span = clock.span(first)
    row = {"mode": name, "workers": workers, "pages": pages, "robots": robots, "twice": twice,
           "crawl_s": span, "pages_s": pages / span if span else 0.0, "wall_s": wall,
           "cpu_page_ms": 1000 * workers_cpu / pages, "site_cpu_s": site_cpu}
    if server is not None:
        calls = commandstats(server.client()) - before
        calls.pop("info", None)
        rtts = sum(int((tmp / f"rtt-{name.replace(' ', '_')}-{i}").read_text()) for i in range(workers))
        row.update(cmds=sum(calls.values()), cmds_page=sum(calls.values()) / pages, rtt_page=rtts / pages,
                   top=", ".join(f"{k} {v / pages:.2f}" for k, v in calls.most_common(6)))
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=300, help="extra article URLs (default 300)")
    ap.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS_PER_DOMAIN per worker")
    ap.add_argument("--nagle", action="store_true", help="keep Nagle's algorithm on the loopback server")
    ap.add_argument("--repeat", type=int, default=3, help="runs per mode, the fastest is reported (default 3)")
    args = ap.parse_args()
    rows = []
    with RedisServer() as server, LoopbackSite(extra_articles=args.articles) as site, \
            tempfile.TemporaryDirectory() as tmp:
        if not args.nagle:
            site.server.RequestHandlerClass.disable_nagle_algorithm = True
        clock = Clock(site)
        for name, workers, srv in (("single", 1, None), ("redis x1", 1, server), ("redis x2", 2, server)):
            best = None
            for _ in range(args.repeat):
                row = run_mode(name, workers, site, clock, srv, args, Path(tmp))
                if best is None or row["pages_s"] > best["pages_s"]:
                    best = row
            rows.append(best)
    base = rows[0]["pages_s"]
    print(f"\nloopback site: {args.articles} extra articles; {os.cpu_count()} CPU cores; best of {args.repeat}; "
          f"{args.concurrency} requests/domain per worker; Nagle {'on' if args.nagle else 'off'}")
    print(f"{'mode':<9} {'workers':>7} {'pages':>6} {'robots':>6} {'twice':>5} {'crawl s':>8} {'pages/s':>8} "
          f"{'x single':>8} {'wall s':>7} {'cmds/page':>9} {'RTT/page':>8} {'CPU ms/page':>11} {'site CPU s':>10}")
    for r in rows:
        print(f"{r['mode']:<9} {r['workers']:>7} {r['pages']:>6} {r['robots']:>6} {r['twice']:>5} {r['crawl_s']:>8.2f} "
              f"{r['pages_s']:>8.1f} {r['pages_s'] / base:>8.2f} {r['wall_s']:>7.2f} "
              f"{r.get('cmds_page', 0):>9.2f} {r.get('rtt_page', 0):>8.2f} {r['cpu_page_ms']:>11.1f} {r['site_cpu_s']:>10.2f}")
    for r in rows[1:]:
        print(f"  {r['mode']}: Redis commands per page: {r['top']}")
    x1, x2 = rows[1]["pages_s"], rows[2]["pages_s"]
    print(f"2 workers / 1 worker on Redis: {x2 / x1:.2f}x   (CPU ms/page: worker processes incl. start-up, "
          f"all workers summed; site CPU: the loopback server, same machine)")


if __name__ == "__main__":
    main()
