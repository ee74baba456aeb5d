"""The storage scenarios against a real MongoDB-protocol server, in every test run.

The server is the session fixture ``mongo_uri`` (tests/conftest.py): ``MONGO_URI`` when set
(real MongoDB), else a SecantusDB process on a free loopback port.  Never skipped: without
either the fixture fails.  Each test uses its own database ``newscrawl_test_<random>``.
The crash scenario starts its own SecantusDB on a data folder it can kill (SIGKILL) and
restart.  Crawls are real ``scrapy crawlall`` child processes on the loopback site
(tests/loopback.py: the real Jannah home and article pages).  SecantusDB is not MongoDB:
assertions are on counts, keys and error codes, never on server message text.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pymongo
import pytest
from scrapy.settings import Settings

from newscrawl.ops import runstatus
from newscrawl.text.arabic import match_key
from newscrawl.feeds.export import is_internal_field
from newscrawl.items import ArticleItem, TickerItem
from newscrawl.storage.client import MongoConfig
from newscrawl.storage.spool import Spool
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item
from newscrawl.text.urls import canonicalize
from tests.loopback import LoopbackSite
from tests.mongo_server import MongoTestServer

pytestmark = pytest.mark.mongo

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
T0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
ARTICLE_PATH = re.compile(r"^/rtl/\d{4}/\d{2}/\d{2}/")


def new_database() -> str:
    return f"newscrawl_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def real(mongo_uri, tmp_path):
    uri = mongo_uri
    database = new_database()
    config = MongoConfig.from_settings(Settings({"MONGO_URI": uri, "MONGO_DATABASE": database,
                                                 "MONGO_SERVER_SELECTION_TIMEOUT_MS": 5000}))
    client = config.make_client()
    writers = []

    def make_writer(spool_dir=None):
        w = MongoWriter(client, database, WriterSettings(retry_backoff=0.05), Spool(spool_dir or tmp_path / "spool"), uri=uri)
        report = w.open()
        assert report.available, report.error
        writers.append(w)
        return w

    try:
        yield client, database, make_writer
    finally:
        client.drop_database(database)
        client.close()


def article(n, **kw):
    fields = dict(url=f"https://news.example/a/{n}", canonical_url=f"https://news.example/a/{n}", site="alpha",
                  title=f"خبر {n}", title_norm=f"خبر {n}", body=["فقرة"], body_norm="فقره",
                  published=datetime(2024, 3, 14, 10, 30, tzinfo=UTC), crawled_at=T0, content_hash=f"{n:040x}")
    fields.update(kw)
    return ArticleItem(**fields)


def store(writer, items) -> Counter:
    seg = writer.spool.new_segment()
    for item in items:
        seg.append(ops_for_item(item))
    return writer.flush(seg)


def test_real_recrawl_is_idempotent(real):
    client, database, make_writer = real
    writer = make_writer()
    items = [article(i) for i in range(20)] + [
        TickerItem(site="alpha", headline=f"عاجل {i}", headline_norm=f"عاجل {i}", position=i, url=None,
                   page_url="https://news.example/", seen_at=T0) for i in range(5)
    ] + [article(99, site="beta", duplicate_of="https://news.example/a/0")]
    assert store(writer, items)["written"] == 26
    again = store(writer, items)
    assert again["unchanged"] == 26 and again["written"] == 0 and again["updated"] == 0
    db = client[database]
    assert db.articles.count_documents({}) == 21 and db.tickers.count_documents({}) == 5
    assert db.articles.find_one({"canonical_url": "https://news.example/a/0"})["republished_by"] == [
        {"site": "beta", "url": "https://news.example/a/99"}]
    info = db.articles.index_information()
    assert info["canonical_url_1"]["unique"] is True


def test_real_br10_round_trip(real):
    client, database, make_writer = real
    writer = make_writer()
    cairo = datetime(2024, 3, 14, 12, 30, tzinfo=ZoneInfo("Africa/Cairo"))
    store(writer, [article(1, published=cairo)])
    doc = client[database].articles.find_one({})
    assert doc["published"] == datetime(2024, 3, 14, 10, 30, tzinfo=UTC) == cairo
    assert doc["published"].utcoffset() == timedelta(0)
    # the stored instant, read with a naive codec, is 10:30 (UTC), not 12:30.  (pymongo refuses a
    # tzinfo without tz_aware: the naive codec drops both -- this line never ran before issue 12.)
    naive = client.codec_options.with_options(tz_aware=False, tzinfo=None)
    raw = client[database].articles.with_options(codec_options=naive)
    assert raw.find_one({})["published"] == datetime(2024, 3, 14, 10, 30)


def test_real_replay_twice_stores_once(real, tmp_path):
    client, database, make_writer = real
    spool = Spool(tmp_path / "left")
    spool.write_batch([op for i in range(10) for op in ops_for_item(article(i))]).keep()
    (path,) = spool.pending_paths()
    saved = path.read_bytes()
    writer = make_writer(tmp_path / "left")
    assert writer.replay_pending()["replayed"] == 10
    path.write_bytes(saved)
    counts = writer.replay_pending()
    assert counts["replayed"] == 10 and counts["unchanged"] == 10
    assert client[database].articles.count_documents({}) == 10


def test_real_concurrent_upserts_race_without_duplicates(real, tmp_path):
    client, database, make_writer = real
    items = [article(i) for i in range(200)]
    writers = [make_writer(tmp_path / f"spool{i}") for i in range(4)]
    results: list[Counter] = []
    barrier = threading.Barrier(len(writers))

    def run(w):
        barrier.wait()
        results.append(store(w, items))

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    total = sum(results, Counter())
    assert total["written"] == 200  # each document upserted exactly once, E11000 races retried
    assert not any(k.startswith("dropped/") for k in total) and total["spooled"] == 0
    assert client[database].articles.count_documents({}) == 200


# ----------------------------------------------------------------------------- two processes, one story
def _store_in_child(uri: str, database: str, spool_dir: str, barrier, queue) -> None:
    """Child process: wait for the other one, then store the same 40 stories (one bulk write)."""
    config = MongoConfig.from_settings(Settings({"MONGO_URI": uri, "MONGO_DATABASE": database}))
    client = config.make_client()
    try:
        writer = MongoWriter(client, database, WriterSettings(retry_backoff=0.05), Spool(spool_dir), uri=uri)
        assert writer.open().available
        items = [article(i, crawled_at=T0 + timedelta(seconds=os.getpid() % 7)) for i in range(40)]
        barrier.wait(30)
        queue.put(dict(store(writer, items)))
    finally:
        client.close()


def test_two_processes_storing_the_same_stories_at_once_make_one_document_each(real, mongo_uri, tmp_path):
    client, database, _ = real
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_store_in_child, args=(mongo_uri, database,
                                                          str(tmp_path / f"spool{i}"), barrier, queue))
             for i in range(2)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    total = sum((Counter(r) for r in results), Counter())
    assert total["written"] == 40  # the unique index let exactly one upsert insert each story
    assert total["written"] + total["updated"] + total["unchanged"] == 80  # the loser matched it
    assert not any(k.startswith("dropped/") for k in total) and total["spooled"] == 0
    db = client[database]
    assert db.articles.count_documents({}) == 40
    assert len(db.articles.distinct("canonical_url")) == 40


# ----------------------------------------------------------------------------- crawls of the loopback site
def crawl_settings(tmp: Path, uri: str, database: str, **extra) -> dict:
    return {"NEWSCRAWL_FEED_DIR": tmp / "feeds", "NEWSCRAWL_STATE_DIR": tmp / "state", "MONGO_SPOOL_DIR": tmp / "spool",
            "AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "WARNING",
            "MONGO_URI": uri, "MONGO_DATABASE": database, **extra}


def crawlall_cmd(spider: str, start_url: str, settings: dict) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawlall", spider, "-a", f"start_url={start_url}"]
    for k, v in settings.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_"))}
    return {**env, **extra}


def run_crawl(spider, start_url, settings, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(crawlall_cmd(spider, start_url, settings), cwd=ROOT, env=child_env(), capture_output=True,
                          text=True, timeout=timeout)


def feed_items(tmp: Path, spider: str) -> list[list[dict]]:
    files = sorted((tmp / "feeds" / spider).glob("*.jsonl"))
    return [[json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()] for f in files]


@pytest.fixture(scope="module")
def loopback_crawls(mongo_uri, tmp_path_factory):
    """Three crawls into one database: jannah_demo twice (the second incremental), then the
    same pages under another host by another spider (a cross-site copy).  Returns what each
    saw; the database is dropped at the end of the module."""
    tmp = tmp_path_factory.mktemp("loopback")
    database = new_database()
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, tzinfo=UTC)
    db = client[database]
    out = {"tmp": tmp, "database": database, "db": db}
    settings = crawl_settings(tmp, mongo_uri, database)
    with LoopbackSite() as site, LoopbackSite(host="127.0.0.2") as mirror:
        out["site"] = site
        out["first"] = run_crawl("jannah_demo", site.base + "/rtl/", settings)
        out["first_fetched"] = site.fetched()
        out["after_first"] = {"articles": list(db.articles.find()), "tickers": list(db.tickers.find()),
                              "indexes": {c: db[c].index_information() for c in ("articles", "tickers")}}
        site.log.clear()
        out["second"] = run_crawl("jannah_demo", site.base + "/rtl/", settings)
        out["second_fetched"] = site.fetched()
        out["after_second"] = {"articles": list(db.articles.find()), "tickers": list(db.tickers.find())}
        out["third"] = run_crawl("eldigitaldealbacete", mirror.base + "/rtl/", settings)
        out["mirror"] = mirror
    try:
        yield out
    finally:
        client.drop_database(database)
        client.close()


def test_loopback_crawl_stores_every_feed_item_exactly_once(loopback_crawls):
    c = loopback_crawls
    assert c["first"].returncode == 0, c["first"].stderr[-3000:]
    (feed, *_) = feed_items(c["tmp"], "jannah_demo")
    articles = [i for i in feed if "title" in i]
    tickers = [i for i in feed if "headline" in i]
    # 33 article URLs (every story link of the real Jannah demo home page) all serve the one real
    # article page: 1 story stored, the other 32 URLs are
    # its same-site aliases (dropped from the feed); 7 ticker headlines
    assert (len(articles), len(tickers)) == (1, 7)
    stored = c["after_first"]
    assert len(stored["articles"]) == 1 and len(stored["tickers"]) == 7
    assert [d["canonical_url"] for d in stored["articles"]] == [articles[0]["canonical_url"]]
    assert sorted(d["headline"] for d in stored["tickers"]) == sorted(i["headline"] for i in tickers)
    # feeds keep to the public schema: the stored match keys are those of the fed headlines
    assert {d["headline_norm"] for d in stored["tickers"]} == {match_key(i["headline"]) for i in tickers}
    (story,) = stored["articles"]
    urls = {canonicalize(c["site"].base + p) for p in c["site"].articles}
    assert len(story["aliases"]) == 32 and {story["canonical_url"], *story["aliases"]} == urls
    assert story["first_seen"] == story["last_seen"] and story["first_seen"].utcoffset() == timedelta(0)
    assert "newscrawl: jannah_demo:" in c["first"].stderr and " stored=8 spooled=0" in c["first"].stderr
    # indexes: keys and uniqueness
    keys = {c: {tuple(spec["key"]): bool(spec.get("unique")) for spec in info.values()}
            for c, info in stored["indexes"].items()}
    assert keys["articles"][(("canonical_url", 1),)] is True
    assert keys["articles"][(("content_hash", 1),)] is False
    assert keys["articles"][(("site", 1), ("published", -1))] is False
    assert keys["articles"][(("title_norm", 1),)] is False
    assert keys["tickers"][(("site", 1), ("headline_norm", 1))] is True
    assert keys["tickers"][(("last_seen", 1),)] is False


def test_second_crawl_skips_the_urls_stored_in_the_server(loopback_crawls):
    c = loopback_crawls
    assert c["second"].returncode == 0, c["second"].stderr[-3000:]
    first_articles = {p for p in c["first_fetched"] if ARTICLE_PATH.match(p)}
    assert len(first_articles) == 33
    assert [p for p in c["second_fetched"] if ARTICLE_PATH.match(p)] == []  # all 33 known from MongoDB
    assert "/rtl/" in c["second_fetched"]  # the home page (ticker) is always fetched
    assert not (c["tmp"] / "state" / "jannah_demo.jsonl").exists()  # read from the server, not the file
    stored = c["after_second"]
    assert len(stored["articles"]) == 1 and len(stored["tickers"]) == 7
    assert stored["articles"][0]["_id"] == c["after_first"]["articles"][0]["_id"]
    for t in stored["tickers"]:
        assert len(t["seen_at"]) == 2 and t["last_seen"] > t["first_seen"]  # seen by both crawls, one document


def test_a_copy_on_another_site_is_linked_by_republished_by(loopback_crawls):
    c = loopback_crawls
    assert c["third"].returncode == 0, c["third"].stderr[-3000:]
    db = c["db"]
    original = db.articles.find_one({"site": "jannah_demo"})
    (copy,) = list(db.articles.find({"site": "eldigitaldealbacete"}))
    assert copy["duplicate_of"] == original["canonical_url"] and copy["canonical_url"].startswith(c["mirror"].base)
    assert original["republished_by"] == [{"site": "eldigitaldealbacete", "url": copy["canonical_url"], "relation": "copy"}]
    assert len(copy["aliases"]) == 32
    assert db.articles.count_documents({}) == 2
    assert Counter(t["site"] for t in db.tickers.find()) == {"jannah_demo": 7, "eldigitaldealbacete": 7}


def _jsonable(value):
    if isinstance(value, datetime):
        assert value.utcoffset() == timedelta(0)
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def run_export(mongo_uri, database, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "export", *args, "-s", f"MONGO_URI={mongo_uri}",
                           "-s", f"MONGO_DATABASE={database}"], cwd=ROOT, env=child_env(), capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_export_equals_what_was_stored(loopback_crawls, mongo_uri, tmp_path):
    db, database = loopback_crawls["db"], loopback_crawls["database"]
    stored_articles = {d["canonical_url"]: d for d in db.articles.find()}
    stored_tickers = {(d["site"], d["headline"]): d for d in db.tickers.find()}
    assert (len(stored_articles), len(stored_tickers)) == (2, 14)
    runs = [("jsonl", "article", stored_articles), ("jsonl", "ticker", stored_tickers),
            ("json", "article", stored_articles), ("jsonfeed", "article", stored_articles)]
    for fmt, kind, stored in runs:
        out = tmp_path / f"{kind}.{fmt}"
        proc = run_export(mongo_uri, database, "-f", fmt, "--type", kind, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        assert f"exported {len(stored)} items to {out}" in proc.stderr
        text = out.read_text(encoding="utf-8")
        if fmt == "jsonfeed":
            feed = json.loads(text)
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            assert {i["id"] for i in feed["items"]} == set(stored)
            for item in feed["items"]:
                published = datetime.fromisoformat(item["date_published"])
                assert published == stored[item["id"]]["published"] and published.utcoffset() == timedelta(0)
                assert item["title"] == stored[item["id"]]["title"]
            continue
        items = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else json.loads(text)
        assert len(items) == len(stored)
        for item in items:
            key = item["canonical_url"] if kind == "article" else (item["site"], item["headline"])
            expected = {k: _jsonable(v) for k, v in stored[key].items() if not is_internal_field(k)}
            assert item == expected  # every exported field is the stored value; datetimes UTC ISO 8601
            for name in ("published", "crawled_at", "first_seen", "last_seen"):
                if item.get(name):
                    assert item[name].endswith("+00:00")


# ----------------------------------------------------------------------------- the server killed mid-crawl
def test_server_killed_mid_crawl_then_restarted_and_replayed_loses_and_duplicates_nothing(tmp_path):
    database = "newscrawl"
    with MongoTestServer(storage_path=tmp_path / "db") as server, LoopbackSite(extra_articles=35) as site:
        settings = crawl_settings(
            tmp_path, server.uri, database, DEDUPE_ENABLED="0",  # 68 URLs of one page: 68 documents
            DOWNLOAD_DELAY="0.08", CONCURRENT_REQUESTS_PER_DOMAIN="1", MONGO_BATCH_SIZE="5",
            MONGO_FLUSH_INTERVAL="0.2", MONGO_RETRY_TIMES="1", MONGO_RETRY_BACKOFF="0.05",
            MONGO_SERVER_SELECTION_TIMEOUT_MS="300", MONGO_OUTAGE_PROBE_INTERVAL="600")
        proc = subprocess.Popen(crawlall_cmd("jannah_demo", site.base + "/rtl/", settings), cwd=ROOT,
                                env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=2000) as watch:
            deadline = time.monotonic() + 90
            while watch[database].articles.count_documents({}) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            before_kill = watch[database].articles.count_documents({})
        server.kill()  # SIGKILL: a crash, mid-crawl
        _, err = proc.communicate(timeout=180)
        fetched_after_kill = len([p for p in site.fetched() if ARTICLE_PATH.match(p)])
        assert proc.returncode == runstatus.EXIT_MONGO_SPOOLED == 4, err[-3000:]
        assert "MongoDB kept failing" in err
        (feed,) = feed_items(tmp_path, "jannah_demo")
        feed_articles = {i["canonical_url"] for i in feed if "title" in i}
        feed_tickers = {match_key(i["headline"]) for i in feed if "headline" in i}
        assert len(feed_articles) == fetched_after_kill == 68 and len(feed_tickers) == 7
        spooled = Spool(tmp_path / "spool").summary()
        assert 0 < spooled.items and spooled.locked == 0

        server.start()  # same port, same data folder
        with pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=5000) as check:
            survived = check[database].articles.count_documents({})
        assert survived >= before_kill >= 5  # acknowledged (journaled) writes survived the crash
        replay = subprocess.run([sys.executable, "-m", "scrapy", "mongo-replay", "--spool", str(tmp_path / "spool"),
                                 "-s", f"MONGO_URI={server.uri}", "-s", f"MONGO_DATABASE={database}"],
                                cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=120)
        assert replay.returncode == 0, replay.stderr + replay.stdout
        assert "remaining: 0 items in 0 batches" in replay.stdout
        with pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=5000) as check:
            db = check[database]
            stored_articles = db.articles.distinct("canonical_url")
            assert db.articles.count_documents({}) == len(stored_articles) == 68  # nothing duplicated
            assert set(stored_articles) == feed_articles  # nothing lost
            assert db.tickers.count_documents({}) == 7 and set(db.tickers.distinct("headline_norm")) == feed_tickers
        assert Spool(tmp_path / "spool").summary().items == 0
        counts = dict(re.findall(r"(\w+)=(\d+)", replay.stdout))
        assert int(counts["replayed"]) == spooled.items


# ----------------------------------------------------------------------------- the main job, stored
def test_snapshot_crawl_stores_every_item_and_exits_0(mongo_uri, tmp_path):
    """Issue 12 (a), end to end: nine spiders of one process share one spool folder; with a healthy
    server the run exits 0 and every article and ticker item is stored once."""
    database = new_database()
    cmd = [sys.executable, "-m", "scrapy", "crawlall", "--replay", "data/snapshot"]
    for k, v in crawl_settings(tmp_path, mongo_uri, database).items():
        if k not in ("AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY"):
            cmd += ["-s", f"{k}={v}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=300)
    with pymongo.MongoClient(mongo_uri) as client:
        try:
            db = client[database]
            assert proc.returncode == 0, proc.stderr[-3000:]
            assert db.articles.count_documents({}) == 11 and db.tickers.count_documents({}) == 39
            assert Counter(d["site"] for d in db.tickers.find()) == {"youm7": 10, "thenassauguardian": 10, "hatawtabloid": 10,
                                                                   "jannah_demo": 7, "sputnik_ar": 2}
            assert "stored in MongoDB" in proc.stderr and "): 50, left in the spool: 0" in proc.stderr
        finally:
            client.drop_database(database)


# ----------------------------------------------------------------------------- acknowledged = durable
def test_a_batch_acknowledged_just_before_a_crash_is_still_stored(tmp_path):
    """The writer deletes a spool batch once MongoDB acknowledged it, so an acknowledged write
    must survive a crash of the server: writes ask for the journal (``MONGO_WRITE_JOURNAL``, on
    by default).  With ``MONGO_WRITE_JOURNAL=0`` SecantusDB kept 28 of the 30 here (2026-12-06)."""
    with MongoTestServer(storage_path=tmp_path / "db") as server:
        config = MongoConfig.from_settings(Settings({"MONGO_URI": server.uri}))
        with config.make_client() as client:
            writer = MongoWriter(client, config.database, WriterSettings(), Spool(tmp_path / "spool"), uri=server.uri)
            assert writer.open().available
            assert store(writer, [article(i) for i in range(30)])["written"] == 30
            assert Spool(tmp_path / "spool").summary().items == 0  # acknowledged: gone from the spool
            server.kill()  # SIGKILL right after the acknowledgement
        server.start()
        with pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=5000) as check:
            assert check[config.database].articles.count_documents({}) == 30


def _plan_stages(plan: dict) -> set[str]:
    """Every ``stage`` named in an explain() plan tree."""
    found = {plan["stage"]} if "stage" in plan else set()
    for value in plan.values():
        for sub in value if isinstance(value, list) else [value]:
            if isinstance(sub, dict):
                found |= _plan_stages(sub)
    return found


def test_every_dedupe_lookup_query_is_answered_from_an_index(real):
    """The dedupe lookup runs once per article: a collection scan there makes a crawl quadratic
    (an ``$or`` of the same fields was scanned by SecantusDB: 290 ms a lookup at 4,000 documents)."""
    from newscrawl.dedupe.fingerprints import bands
    from newscrawl.dedupe.index import BAND_FIELDS, DEDUPE_INDEXES, MongoDedupeIndex

    client, database, _ = real
    coll = client[database].articles
    coll.create_indexes(DEDUPE_INDEXES)
    fp = 0x0123_4567_89AB_CDEF
    coll.insert_many([{"canonical_url": f"https://news.example/{i}", "content_hash": f"h{i}", "simhash": i,
                       **dict(zip(BAND_FIELDS, bands(fp ^ i))), "lsh_keys": [i, i + 1]} for i in range(50)])

    class Explaining:
        def __init__(self):
            self.plans = []

        def find(self, query, projection=None):
            self.plans.append((query, coll.find(query, projection).explain()["queryPlanner"]["winningPlan"]))
            return coll.find(query, projection)

    rec = Explaining()
    item = {"canonical_url": "https://news.example/7", "content_hash": "h7", "simhash": fp, "lsh_keys": [7, 99],
            "body_norm": "نص", **dict(zip(BAND_FIELDS, bands(fp)))}
    found = MongoDedupeIndex(rec).fetch(item)
    assert "https://news.example/7" in {e.canonical_url for e in found}
    assert len(rec.plans) == 7  # url, hash, four bands, LSH keys
    for query, plan in rec.plans:
        assert "COLLSCAN" not in _plan_stages(plan), (query, plan)
