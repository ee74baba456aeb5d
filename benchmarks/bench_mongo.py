"""Throughput of the MongoDB storage path against the in-process double (mongomock-ng).

Run from the repository root::

    .venv/bin/python benchmarks/bench_mongo.py          # 3,000 items, best of 3 (about 2 min)
    .venv/bin/python benchmarks/bench_mongo.py --quick  # 1,000 items, best of 2

Items are synthetic but shaped like real ones: articles with an Arabic title,
6 paragraphs of ~400 characters, categories, images, aware datetimes, SimHash
fields; one ticker headline per 5 articles.  Every figure is items per second
of wall time (best of N runs, a fresh empty database each run), so the
first write of each item (an upsert that inserts).  mongomock-ng matches
filters by scanning the collection, so the database rows start a fresh
database every 500 items (untimed) to keep that cost the same for every row.

Rows (every database row builds the ops and writes into a database that has
the production indexes):

* ``build ops``            -- ``ops_for_item`` alone: copy, key sanitizing, UTC, BSON size check
* ``one-by-one update_one``-- one ``update_one(upsert=True)`` call per op, no spool
* ``bulk, no spool``       -- ``bulk_write`` of 100 items' ``UpdateOne`` per call, no spool
* ``writer, spool no fsync``-- the real path (``Segment.append`` per item, seal, bulk
  write, ack = delete) with ``MONGO_SPOOL_FSYNC=False``
* ``writer, spool fsync``  -- the same with an ``fsync`` of file and directory per batch (default)
* ``spool only, fsync`` / ``no fsync`` -- append + seal + ack without any database; the
  last line isolates ``seal()`` + ``ack()`` per batch, where the fsyncs are
  (spool files go under ``data/``, the file system of the default ``MONGO_SPOOL_DIR``)

Columns: items/s (wall), ratio to one-by-one, CPU µs per item, database calls,
and a *modelled* items/s adding ``--rtt-ms`` (default 0.5 ms) per call.

mongomock-ng runs in-process, so there is no network round trip: against a real
server every ``update_one`` also pays one round trip (~0.1-1 ms on a LAN) that a
bulk of 100 pays once, so the bulk/one-by-one ratio here is a lower bound.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mongomock_ng  # noqa: E402

from newscrawl.items import ArticleItem, TickerItem  # noqa: E402
from newscrawl.storage.spool import Spool  # noqa: E402
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item  # noqa: E402

UTC = timezone.utc
BATCH = 100
SPOOL_PARENT = ROOT / "data"  # the default MONGO_SPOOL_DIR's file system (data/ is git-ignored)
CHUNK = 500  # a fresh database every 500 items: mongomock-ng scans collections linearly
PARAGRAPH = ("أعلنت الحكومة اليوم عن حزمة جديدة من الإجراءات الاقتصادية التي تهدف إلى دعم "
             "القطاعات المتضررة وتخفيف الأعباء عن المواطنين، وقال المتحدث الرسمي إن ") * 3


def make_items(n: int) -> list:
    t0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    items = []
    for i in range(n):
        if i % 6 == 5:
            items.append(TickerItem(site="alpha", headline=f"عاجل: خبر رقم {i}", headline_norm=f"عاجل خبر رقم {i}",
                                    url=f"https://news.example/t/{i}", position=i % 10,
                                    page_url="https://news.example/", seen_at=t0 + timedelta(seconds=i)))
            continue
        items.append(ArticleItem(
            url=f"https://news.example/a/{i}", canonical_url=f"https://news.example/a/{i}", site="alpha",
            title=f"الحكومة تعلن إجراءات جديدة رقم {i}", title_norm=f"الحكومه تعلن اجراءات جديده رقم {i}",
            published=t0 - timedelta(hours=i % 48), published_raw="الخميس ١٤ مارس ٢٠٢٤", modified=None,
            author="محرر", agency="وكالة ثقة", lead=PARAGRAPH[:200],
            body=[f"{PARAGRAPH} {j}" for j in range(6)], body_norm="\n".join(f"{PARAGRAPH[:300]} {j}" for j in range(6)),
            categories=["سياسة", "اقتصاد"], tags=["الحكومة"],
            images=[{"url": f"https://news.example/i/{i}.jpg", "caption": "صورة"}], language="ar",
            crawled_at=t0, extraction="generic", content_hash=f"{i:040x}", simhash=-(2**62) + i,
            simhash_bands=[i % 65536, 1, 2, 3], duplicate_of=None, duplicate_kind=None,
        ))
    return items


def fresh_db():
    """An empty database with the production indexes (they cost on every write)."""
    client = mongomock_ng.MongoClient(tz_aware=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-idx-"))
    try:
        MongoWriter(client, "bench", WriterSettings(), Spool(tmp)).ensure_indexes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return client


class Timer:
    """Accumulates wall seconds, CPU seconds and database calls (round trips on a real server)."""

    def __init__(self):
        self.wall = self.cpu = 0.0
        self.calls = 0

    def __enter__(self):
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c


class CountingDB:
    """Wraps a mongomock-ng database; counts ``update_one``/``bulk_write`` calls."""

    def __init__(self, db, timer: Timer):
        self._db, self._timer = db, timer

    def __getitem__(self, name):
        coll, timer = self._db[name], self._timer

        class Coll:
            def update_one(self, *a, **kw):
                timer.calls += 1
                return coll.update_one(*a, **kw)

            def bulk_write(self, *a, **kw):
                timer.calls += 1
                return coll.bulk_write(*a, **kw)

        return Coll()


def chunks(items):
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def bench_build(items) -> Timer:
    timer = Timer()
    with timer:
        for item in items:
            ops_for_item(item)
    return timer


def bench_one_by_one(items) -> Timer:
    timer = Timer()
    for part in chunks(items):
        db = CountingDB(fresh_db()["bench"], timer)
        with timer:
            for item in part:
                for op in ops_for_item(item):
                    db[op.coll].update_one(op.filter, op.update, upsert=op.upsert)
    return timer


def bench_bulk(items) -> Timer:
    timer = Timer()
    for part in chunks(items):
        db = CountingDB(fresh_db()["bench"], timer)
        with timer:
            for start in range(0, len(part), BATCH):
                groups: dict[str, list] = {}
                for item in part[start:start + BATCH]:
                    for op in ops_for_item(item):
                        groups.setdefault(op.coll, []).append(op.to_pymongo())
                for coll, reqs in groups.items():
                    db[coll].bulk_write(reqs, ordered=False)
    return timer


class _CountingClient:
    def __init__(self, client, timer):
        self._client, self._timer = client, timer
        self.admin = client.admin

    def __getitem__(self, name):
        return CountingDB(self._client[name], self._timer) if name == "bench" else self._client[name]


def bench_writer(items, fsync: bool) -> Timer:
    """The pipeline's path minus Twisted: build ops, append per item, flush per 100."""
    timer = Timer()
    tmp = Path(tempfile.mkdtemp(prefix="bench-spool-", dir=SPOOL_PARENT))
    try:
        spool = Spool(tmp, fsync=fsync)
        for part in chunks(items):
            writer = MongoWriter(fresh_db(), "bench", WriterSettings(), spool)
            writer.open()  # ping + indexes, outside the timing
            writer.db = CountingDB(writer.db, timer)
            with timer:
                seg = spool.new_segment()
                for item in part:
                    seg.append(ops_for_item(item))
                    if len(seg) >= BATCH:
                        writer.flush(seg)
                        seg = spool.new_segment()
                writer.flush(seg)
        assert not spool.pending_paths()
        return timer
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_spool(items, fsync: bool) -> Timer:
    """Append per item + seal/ack per batch, no database.  ``timer.seal`` is the
    wall time spent in ``seal()`` + ``ack()`` alone (where the fsyncs are)."""
    all_ops = [ops_for_item(item) for item in items]
    timer = Timer()
    timer.seal = 0.0
    tmp = Path(tempfile.mkdtemp(prefix="bench-spool-", dir=SPOOL_PARENT))
    try:
        spool = Spool(tmp, fsync=fsync)
        with timer:
            seg = spool.new_segment()
            for ops in all_ops:
                seg.append(ops)
                if len(seg) >= BATCH:
                    t = time.perf_counter()
                    seg.seal().ack()
                    timer.seal += time.perf_counter() - t
                    seg = spool.new_segment()
            t = time.perf_counter()
            batch = seg.seal()
            if batch:
                batch.ack()
            timer.seal += time.perf_counter() - t
        return timer
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--rtt-ms", type=float, default=0.5, help="round trip for the modelled column (ms)")
    args = parser.parse_args()
    n = args.items or (1000 if args.quick else 3000)
    repeat = 2 if args.quick else 3
    items = make_items(n)
    rows = [
        ("build ops (ops_for_item)", lambda: bench_build(items)),
        ("one-by-one update_one", lambda: bench_one_by_one(items)),
        ("bulk_write x100, no spool", lambda: bench_bulk(items)),
        ("writer, spool, no fsync", lambda: bench_writer(items, fsync=False)),
        ("writer, spool, fsync/batch", lambda: bench_writer(items, fsync=True)),
        ("spool only, no fsync", lambda: bench_spool(items, fsync=False)),
        ("spool only, fsync/batch", lambda: bench_spool(items, fsync=True)),
    ]
    best: dict[str, Timer] = {}
    spool_runs: dict[bool, list] = {False: [], True: []}
    SPOOL_PARENT.mkdir(exist_ok=True)
    for _ in range(repeat):  # interleaved, best of N (by wall time)
        for name, fn in rows:
            timer = fn()
            if name.startswith("spool only"):
                spool_runs["no fsync" not in name].append(timer)
            if name not in best or timer.wall < best[name].wall:
                best[name] = timer
    rtt = args.rtt_ms / 1000

    def modelled(t: Timer) -> float:
        return n / (t.wall + t.calls * rtt)

    base, base_model = n / best["one-by-one update_one"].wall, modelled(best["one-by-one update_one"])
    print(f"{n} items ({sum(isinstance(i, ArticleItem) for i in items)} articles), batch {BATCH}, "
          f"mongomock-ng in-process, best of {repeat}")
    print(f"{'mode':<27} {'items/s':>8} {'ratio':>6} {'CPU µs/item':>11} {'calls':>6} "
          f"{f'items/s @{args.rtt_ms:g}ms RTT*':>19} {'ratio*':>7}")
    for name, _ in rows:
        t = best[name]
        rate = n / t.wall
        model = f"{modelled(t):>19,.0f} {modelled(t) / base_model:>7.2f}" if t.calls else f"{'':>19} {'':>7}"
        print(f"{name:<27} {rate:>8,.0f} {rate / base:>6.2f} {t.cpu / n * 1e6:>11.0f} {t.calls:>6} {model}")
    batches = -(-n // BATCH)
    seal0 = min(t.seal for t in spool_runs[False]) / batches * 1e3
    seal1 = min(t.seal for t in spool_runs[True]) / batches * 1e3
    print(f"ratio: items/s / one-by-one items/s.  seal+ack per batch of {BATCH}: {seal1:.2f} ms with fsync "
          f"(file + directory), {seal0:.2f} ms without, i.e. {(seal1 - seal0) / BATCH * 1e3:.1f} µs per item "
          f"on {SPOOL_PARENT}")
    print(f"* modelled: measured time + calls x {args.rtt_ms:g} ms round trip (mongomock-ng has none); "
          f"a real server also does the work mongomock-ng simulates here, faster.")


if __name__ == "__main__":
    main()
