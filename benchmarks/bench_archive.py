"""Cost of the archive features: WARC output per page, revision tracking per article.

Run from the repository root::

    .venv/bin/python benchmarks/bench_archive.py            # 300 pages, 1,000 articles
    .venv/bin/python benchmarks/bench_archive.py --quick    # 100 pages, 300 articles

**WARC** (``newscrawl.ops.warc.WarcFileWriter.write_exchange``): the real Jannah article
page (eldigitaldealbacete.com, ~150 kB) written N times as a request + response pair
into per-record-gzipped files, against its peer in the same run: ``zlib`` level 9
(what warcio's gzip member uses) of the same bytes alone, no file.  CPU time per page.

**Revisions** (``newscrawl.storage.revisions``): ``MongoWriter.flush`` of M synthetic
articles shaped like real ones (Arabic title, 6 paragraphs) in batches of 100 into a
real MongoDB-protocol server (``MONGO_URI``, else a throw-away SecantusDB server),
tracking on vs off (``MONGO_REVISIONS_COLLECTION=""``), alternating, best of two, for three passes: first store
(inserts), re-store unchanged (a re-crawl), re-store with every title edited.  Wall
time per article (the server is a separate process), ratio on/off per pass.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscrawl.items import ArticleItem  # noqa: E402
from newscrawl.storage.spool import Spool  # noqa: E402
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item  # noqa: E402
from newscrawl.ops.warc import WarcFileWriter  # noqa: E402

UTC = timezone.utc
PAGE = ROOT / "tests" / "fixtures" / "pages" / "eldigitaldealbacete.com" / "ayuntamiento-violencia-genero-covid-2020-03-20.html"


def bench_warc(n: int) -> None:
    body = PAGE.read_bytes()
    req_headers = [("User-Agent", "newscrawl/0.1"), ("Accept", "text/html"), ("Accept-Encoding", "gzip, deflate, br")]
    resp_headers = [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(body)))]
    with tempfile.TemporaryDirectory() as tmp:
        writer = WarcFileWriter(tmp, "bench", {"software": "bench"}, max_size=50_000_000)
        t0 = time.process_time()
        for i in range(n):
            writer.write_exchange(url=f"https://news.example/a/{i}", method="GET", request_headers=req_headers,
                                  request_body=b"", status=200, protocol="HTTP/1.1", response_headers=resp_headers,
                                  body=body, date=datetime.now(UTC), ip_address="127.0.0.1")
        writer.close()
        warc_cpu = (time.process_time() - t0) / n
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    t0 = time.process_time()
    for _ in range(n):
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        c.compress(body)
        c.flush()
    peer_cpu = (time.process_time() - t0) / n
    print(f"WARC, {n} pages of {len(body):,} bytes: {warc_cpu * 1e3:.2f} ms CPU/page "
          f"(zlib-9 of the page alone: {peer_cpu * 1e3:.2f} ms; ratio {warc_cpu / peer_cpu:.2f}); "
          f"{size / n:,.0f} bytes/page on disk")


def article(i: int, seen: datetime, title_suffix: str = "") -> ArticleItem:
    para = "قال الوزير في مؤتمر صحفي إن العمل في المشروع مستمر وفق الجدول الزمني المحدد " * 5
    return ArticleItem(url=f"https://news.example/a/{i}", canonical_url=f"https://news.example/a/{i}", site="bench",
                       title=f"وزير الري يشهد توقيع عقد رقم {i}{title_suffix}", body=[para] * 6,
                       published=datetime(2024, 3, 14, 10, 30, tzinfo=UTC), crawled_at=seen)


def bench_revisions(m: int, uri: str) -> None:
    from pymongo import MongoClient

    client = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    t_base = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    results: dict[str, list[float]] = {}
    # alternating, twice each, best of the two per pass (the server warms up; the machine is shared)
    for label, collection in (("off", ""), ("on", "revisions")) * 2:
        db_name = f"bench_rev_{uuid.uuid4().hex[:8]}"
        with tempfile.TemporaryDirectory() as tmp:
            writer = MongoWriter(client, db_name, WriterSettings(revisions=collection, spool_fsync=False),
                                 Spool(tmp), uri=uri)
            assert writer.open().available
            times = []
            counts: Counter = Counter()
            for n, suffix in enumerate(("", "", " (محدث)")):
                seen = t_base + timedelta(hours=n)
                t0 = time.perf_counter()
                for start in range(0, m, 100):
                    seg = writer.spool.new_segment()
                    for i in range(start, min(m, start + 100)):
                        seg.append(ops_for_item(article(i, seen, suffix)))
                    counts += writer.flush(seg)
                times.append((time.perf_counter() - t0) / m)
            best = results.get(label)
            results[label] = times if best is None else [min(a, b) for a, b in zip(best, times)]
            if collection:
                assert counts["revisions/recorded"] == m, counts
            client.drop_database(db_name)
    client.close()
    for k, name in enumerate(("first store", "re-store unchanged", "re-store, titles edited")):
        off, on = results["off"][k], results["on"][k]
        print(f"revisions, {m} articles, {name}: off {off * 1e3:.2f} ms/article, on {on * 1e3:.2f} ms/article "
              f"(ratio {on / off:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    bench_warc(100 if args.quick else 300)
    uri = os.environ.get("MONGO_URI")
    if uri:
        bench_revisions(300 if args.quick else 1000, uri)
        return
    from tests import mongo_server

    if not mongo_server.available():
        print("revisions: skipped (no MONGO_URI and no SecantusDB installed)")
        return
    with mongo_server.MongoTestServer() as server:
        bench_revisions(300 if args.quick else 1000, server.uri)


if __name__ == "__main__":
    main()
