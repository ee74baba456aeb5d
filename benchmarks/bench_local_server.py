"""The local MongoDB-compatible server (SecantusDB): start/stop time, and the cost of journaled writes.

Run from the repository root::

    .venv/bin/python benchmarks/bench_local_server.py            # 1,000 items x 3 rounds
    .venv/bin/python benchmarks/bench_local_server.py --items 300 --rounds 2

Rows:

* ``start`` / ``stop`` -- :class:`newscrawl.storage.local_server.LocalServer` ``acquire()``
  of a fresh data folder until the server answers a ``ping``, and ``release()`` until the
  process is gone (SIGTERM), seconds of wall time, median of the rounds;
* ``j=True`` / ``j=False`` -- the real storage path (:class:`MongoWriter`: spool segment,
  seal with fsync, unordered bulk upserts of 100 items, ack) into one server, items/s of
  wall time, each round on a fresh database; the two write concerns alternate in every
  round so the machine's load hits both alike.  The ratio ``j=False / j=True`` is the
  price of ``MONGO_WRITE_JOURNAL`` (the default: an acknowledged write survives a crash).

Items are synthetic articles (Arabic title, one short paragraph); the figures depend on
the disk and the load of the machine: compare rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy.settings import Settings  # noqa: E402

from newscrawl.items import ArticleItem  # noqa: E402
from newscrawl.storage import local_server  # noqa: E402
from newscrawl.storage.client import MongoConfig  # noqa: E402
from newscrawl.storage.spool import Spool  # noqa: E402
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item  # noqa: E402

UTC = timezone.utc


def article(n: int) -> ArticleItem:
    t = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    return ArticleItem(url=f"https://news.example/a/{n}", canonical_url=f"https://news.example/a/{n}", site="alpha",
                       title=f"خبر عاجل رقم {n}", title_norm=f"خبر عاجل رقم {n}", body=["فقرة أولى من الخبر"] * 3,
                       body_norm="فقره", published=t, crawled_at=t, content_hash=f"{n:040x}")


def store(uri: str, database: str, journal: bool, items: list, spool_dir: str) -> float:
    config = MongoConfig.from_settings(Settings({"MONGO_URI": uri, "MONGO_DATABASE": database,
                                                 "MONGO_WRITE_JOURNAL": journal}))
    client = config.make_client()
    try:
        writer = MongoWriter(client, database, WriterSettings(), Spool(spool_dir))
        assert writer.open().available
        started = time.perf_counter()
        for k in range(0, len(items), 100):
            seg = writer.spool.new_segment()
            for item in items[k:k + 100]:
                seg.append(ops_for_item(item))
            counts = writer.flush(seg)
            assert counts["written"] == len(items[k:k + 100]), counts
        elapsed = time.perf_counter() - started
        client.drop_database(database)
        return elapsed
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if local_server.executable() is None:
        sys.exit(f"secantusd-py not installed: {local_server.INSTALL_HINT}")
    items = [article(i) for i in range(args.items)]
    starts, stops, rates = [], [], {True: [], False: []}
    for rnd in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-local-") as tmp:
            server = local_server.LocalServer(Path(tmp) / "db")
            t = time.perf_counter()
            uri = server.acquire()
            starts.append(time.perf_counter() - t)
            for journal in ((True, False) if rnd % 2 == 0 else (False, True)):
                elapsed = store(uri, f"bench_{int(journal)}", journal, items, tempfile.mkdtemp(dir=tmp))
                rates[journal].append(len(items) / elapsed)
            t = time.perf_counter()
            server.release()
            stops.append(time.perf_counter() - t)
    print(f"local server: start {statistics.median(starts):.2f} s, stop {statistics.median(stops):.2f} s "
          f"(median of {args.rounds})")
    for journal in (True, False):
        r = rates[journal]
        print(f"j={journal!s:5}: {statistics.median(r):7.0f} items/s (median; rounds: "
              + ", ".join(f"{x:.0f}" for x in r) + ")")
    print(f"j=False / j=True: {statistics.median(rates[False]) / statistics.median(rates[True]):.2f}x")


if __name__ == "__main__":
    main()
