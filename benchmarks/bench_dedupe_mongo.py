"""Dedupe lookups on a real MongoDB-protocol server: time per query with 1k / 10k (/ 100k)
articles stored, each with 128 LSH band keys (``lsh_keys``, the most an article gets).

Server: ``MONGO_URI`` when set (real MongoDB), else a throw-away SecantusDB process
(:mod:`tests.mongo_server`).  Collection indexes: :data:`newscrawl.dedupe.index.DEDUPE_INDEXES`.

Rows (wall-clock milliseconds per query, median of the probes; this is a server round
trip, so CPU time of this process would not count the server's work):

* ``lsh $in 128`` -- the MinHash LSH stage's query: ``{"lsh_keys": {"$in": keys}}``
  with the 128 keys of a probe, answered from the multikey index.
* ``lsh $in 128 + fetch`` -- the same plus a planted copy sharing 16 keys, its
  ``body_norm`` returned and its shingles computed (what
  :meth:`newscrawl.dedupe.index.MongoDedupeIndex.fetch` adds for one candidate).
* ``bands $or`` / ``exact $or`` -- the SimHash band and url/content-hash queries that
  ``fetch`` also sends, for comparison (SecantusDB 0.7 answers ``$or`` slowly at any
  size; it is not MongoDB).

Run: ``.venv/bin/python benchmarks/bench_dedupe_mongo.py [SIZES...]`` (default
``1000 10000``; a 100k run on SecantusDB did not finish within an hour on the shared
2-core machine -- use ``MONGO_URI`` with a real MongoDB for 100k).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymongo  # noqa: E402

from newscrawl.dedupe.index import BAND_FIELDS, DEDUPE_INDEXES, MongoDedupeIndex  # noqa: E402
from newscrawl.dedupe.fingerprints import bands, to_signed64  # noqa: E402

WORDS = [f"كلمة{i}" for i in range(5000)]


def article(i: int, rng: random.Random, keys: list[int] | None = None) -> dict:
    fp = rng.getrandbits(64)
    return {
        "canonical_url": f"https://s{i % 40}.example/{i}",
        "site": f"s{i % 40}",
        "content_hash": f"{rng.getrandbits(160):040x}",
        "simhash": to_signed64(fp),
        **dict(zip(BAND_FIELDS, bands(fp))),
        "lsh_keys": keys or [rng.getrandbits(64) - 2**63 for _ in range(128)],
        "body_norm": " ".join(rng.choice(WORDS) for _ in range(150)),
    }


def median_ms(fn, probes) -> float:
    times = []
    for p in probes:
        t0 = time.perf_counter()
        fn(p)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def measure(coll, n: int, rng: random.Random) -> dict[str, float]:
    coll.drop()
    coll.create_indexes(DEDUPE_INDEXES)
    for k in range(0, n, 500):
        coll.insert_many([article(i, rng) for i in range(k, min(n, k + 500))])
    probes = [article(10**7 + j, rng) for j in range(60)]
    copies = []
    for j in range(30):  # a probe sharing 16 keys with a stored article
        stored = coll.find_one({"canonical_url": f"https://s{(j * 37) % 40}.example/{(j * 37) % n}"})
        keys = stored["lsh_keys"][:16] + [rng.getrandbits(64) - 2**63 for _ in range(112)]
        copies.append(article(2 * 10**7 + j, rng, keys))
    idx = MongoDedupeIndex(coll)
    lsh_only = {"_id": 0, "canonical_url": 1}

    def fetch_lsh(p):
        found = [e for e in idx.fetch({"lsh_keys": p["lsh_keys"]}) if e.shingles is not None]
        assert found, "planted copy not found"

    return {
        "lsh $in 128": median_ms(lambda p: list(coll.find({"lsh_keys": {"$in": p["lsh_keys"]}}, lsh_only)), probes),
        "lsh $in 128 + fetch": median_ms(fetch_lsh, copies),
        "bands $or": median_ms(lambda p: list(coll.find({"$or": [{f: p[f]} for f in BAND_FIELDS]}, lsh_only)), probes[:8]),
        "exact $or": median_ms(
            lambda p: list(coll.find({"$or": [{"canonical_url": p["canonical_url"]}, {"content_hash": p["content_hash"]}]},
                                     lsh_only)), probes[:8]),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000]
    uri = os.environ.get("MONGO_URI")
    server = None
    if not uri:
        from tests.mongo_server import MongoTestServer

        server = MongoTestServer().start()
        uri = server.uri
    try:
        client = pymongo.MongoClient(uri)
        coll = client["newscrawl_bench_dedupe"].articles
        rng = random.Random(18)
        results = {}
        for n in sizes:
            t0 = time.perf_counter()
            results[n] = measure(coll, n, rng)
            print(f"{n:,} stored (loaded and measured in {time.perf_counter() - t0:.0f} s): "
                  + ", ".join(f"{k} {v:.2f} ms" for k, v in results[n].items()), flush=True)
        client.drop_database("newscrawl_bench_dedupe")
    finally:
        if server is not None:
            server.stop()
    print(f"\nserver: {'MONGO_URI' if os.environ.get('MONGO_URI') else 'SecantusDB (tests.mongo_server)'}; "
          "median wall-clock ms per query")
    head = f"{'query':<22}" + "".join(f"{n:>12,}" for n in sizes) + f"{'last/first':>12}"
    print(head)
    print("-" * len(head))
    for row in results[sizes[0]]:
        vals = [results[n][row] for n in sizes]
        print(f"{row:<22}" + "".join(f"{v:>12.2f}" for v in vals) + f"{vals[-1] / vals[0]:>12.2f}")


if __name__ == "__main__":
    main()
