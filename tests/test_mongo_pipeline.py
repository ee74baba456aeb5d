"""MongoDB storage logic against the in-process double (mongomock-ng, import name
``mongomock_ng``): documents, idempotence, BSON safety, BR-10, the spool, and the
pipeline driven in-process on an asyncio loop (no reactor needed).

Wire-level faults (dropped connections, E11000, not-primary...) are in
``test_mongo_wire.py``; a real server in ``test_mongo_real.py``.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import os
import shutil
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import bson
import mongomock_ng
import pytest
import scrapy
from bson import CodecOptions, Decimal128, Int64, ObjectId
from pymongo import IndexModel
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem, TickerItem
from newscrawl.pipelines.mongo import MongoPipeline
from newscrawl.storage.client import MongoConfig, MongoConfigError, mask_uri, redact
from newscrawl.storage.spool import Op, Spool, dumps, loads
from newscrawl.storage.writer import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    ItemRejected,
    MongoWriter,
    WriterSettings,
    dedupe_indexes,
    index_plan,
    ops_for_item,
    sanitize_key,
)
from tests.helpers import closed_port

UTC = timezone.utc
CAIRO = ZoneInfo("Africa/Cairo")
RIYADH = ZoneInfo("Asia/Riyadh")
DB = "newscrawl_test"
SECRET_URI = "mongodb://crawler:s3cret@db.example:27017/?authSource=admin"
T0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)


# ----------------------------------------------------------------------------- helpers
def article(n: int, site: str = "alpha", **kw) -> ArticleItem:
    fields = dict(
        url=f"https://news.example/{site}/{n}?utm_source=x",
        canonical_url=f"https://news.example/{site}/{n}",
        site=site,
        title=f"عاجل: خبر رقم {n}",
        title_norm=f"عاجل خبر رقم {n}",
        published=datetime(2024, 3, 14, 12, 30, tzinfo=CAIRO),
        published_raw="الخميس ١٤ مارس ٢٠٢٤ - ١٢:٣٠ م",
        body=["الفقرة الأولى.", "الفقرة الثانية."],
        body_norm="الفقره الاولي\nالفقره الثانيه",
        categories=["سياسة"],
        tags=[],
        images=[{"url": f"https://news.example/img/{n}.jpg", "caption": None}],
        language="ar",
        crawled_at=T0,
        extraction="generic",
        content_hash=f"{n:040x}",
        simhash=-(2**62) + n,
        simhash_bands=[n, 2, 3, 4],
        duplicate_of=None,
    )
    fields.update(kw)
    return ArticleItem(**fields)


def ticker(headline: str, seen_at: datetime, site: str = "alpha", position: int = 0) -> TickerItem:
    return TickerItem(
        site=site,
        headline=headline,
        headline_norm=headline.replace("ـ", ""),
        url=f"https://news.example/{site}/t/{abs(hash(headline)) % 1000}",
        position=position,
        page_url=f"https://news.example/{site}/",
        seen_at=seen_at,
        published=None,
        published_raw=None,
    )


class MetaArticle(ArticleItem):
    """A spider-specific item with raw page metadata (JSON-LD)."""

    jsonld = scrapy.Field()


@pytest.fixture
def client():
    return mongomock_ng.MongoClient(tz_aware=True)


@pytest.fixture
def spool(tmp_path):
    return Spool(tmp_path / "spool")


@pytest.fixture
def writer(client, spool):
    w = MongoWriter(client, DB, WriterSettings(retry_backoff=0.0), spool, uri=SECRET_URI)
    assert w.open().available
    return w


def store(writer: MongoWriter, items) -> Counter:
    seg = writer.spool.new_segment()
    for item in items:
        seg.append(ops_for_item(item))
    return writer.flush(seg)


def articles(client):
    return client[DB]["articles"]


def tickers(client):
    return client[DB]["tickers"]




# ----------------------------------------------------------------------------- documents
def test_recrawl_same_items_changes_no_counts(writer, client, spool):
    items = [article(1), article(2), article(3), ticker("عاجل: زلزال", T0), ticker("انتخابات", T0, position=1)]
    first = store(writer, items)
    assert first["written"] == 5 and first["updated"] == 0 and first["unchanged"] == 0
    second = store(writer, items)
    assert second["written"] == 0 and second["updated"] == 0 and second["unchanged"] == 5
    assert articles(client).count_documents({}) == 3
    assert tickers(client).count_documents({}) == 2
    assert spool.summary().batches == 0  # acknowledged batches left the spool
    doc = articles(client).find_one({"canonical_url": "https://news.example/alpha/1"})
    assert doc["first_seen"] == doc["last_seen"] == T0
    assert doc["simhash"] == -(2**62) + 1 and doc["simhash_bands"] == [1, 2, 3, 4]
    assert "body_truncated" not in doc


def test_changed_article_is_updated_in_place(writer, client):
    store(writer, [article(1)])
    later = T0 + timedelta(hours=2)
    counts = store(writer, [article(1, title="عنوان معدل", crawled_at=later)])
    assert (counts["written"], counts["updated"], counts["unchanged"]) == (0, 1, 0)
    assert articles(client).count_documents({}) == 1
    doc = articles(client).find_one({})
    assert doc["title"] == "عنوان معدل"
    assert doc["first_seen"] == T0 and doc["last_seen"] == later
    # an older spooled copy replayed afterwards does not move first/last_seen the wrong way
    store(writer, [article(1, title="عنوان معدل", crawled_at=T0 - timedelta(days=1))])
    doc = articles(client).find_one({})
    assert doc["first_seen"] == T0 - timedelta(days=1) and doc["last_seen"] == later


def test_ticker_upserts_first_last_seen_and_seen_at(writer, client):
    t1, t2 = T0, T0 + timedelta(minutes=10)
    assert store(writer, [ticker("عاجل: زلزال", t1)])["written"] == 1
    moved = ticker("عاجل: زلزال", t2, position=3)
    assert store(writer, [moved])["updated"] == 1
    assert store(writer, [moved])["unchanged"] == 1  # the same batch sent twice
    # an old spooled sighting replayed late: counts and times stay right
    store(writer, [ticker("عاجل: زلزال", t1)])
    assert tickers(client).count_documents({}) == 1
    doc = tickers(client).find_one({})
    assert doc["site"] == "alpha" and doc["headline_norm"] == "عاجل: زلزال"
    assert doc["first_seen"] == t1 and doc["last_seen"] == t2
    assert sorted(doc["seen_at"]) == [t1, t2]  # $addToSet: never double counted
    assert doc["position"] == 0  # plain fields are last-writer-wins (documented)
    assert "published" in doc and doc["published"] is None


def test_republished_by_links_copy_to_first_seen_original(writer, client):
    original = article(1, site="alpha")
    copy_ = article(7, site="beta", duplicate_of=original["canonical_url"], duplicate_kind="near")
    # the copy comes first in the batch: its $addToSet still runs after the upserts
    counts = store(writer, [copy_, original])
    assert counts["written"] == 2 and counts["republished_linked"] == 1
    doc = articles(client).find_one({"canonical_url": original["canonical_url"]})
    assert doc["republished_by"] == [{"site": "beta", "url": copy_["canonical_url"]}]
    again = store(writer, [copy_, original])
    assert again["unchanged"] == 2 and again["republished_linked"] == 0
    doc = articles(client).find_one({"canonical_url": original["canonical_url"]})
    assert len(doc["republished_by"]) == 1
    stored_copy = articles(client).find_one({"canonical_url": copy_["canonical_url"]})
    assert stored_copy["duplicate_of"] == original["canonical_url"] and stored_copy["duplicate_kind"] == "near"
    # a copy of an article that was never stored: no upsert of a ghost original
    orphan = article(8, site="beta", duplicate_of="https://news.example/gone/1")
    assert store(writer, [orphan])["republished_missing"] == 1
    assert articles(client).count_documents({}) == 3
    assert articles(client).find_one({"canonical_url": "https://news.example/gone/1"}) is None


def test_item_is_not_mutated_and_ops_do_not_alias_it(writer, client):
    item = article(1, images=[{"url": "https://news.example/i.jpg", "caption": "صورة"}])
    before = copy.deepcopy(item)
    ops = ops_for_item(item)
    store(writer, [item])
    assert item == before and type(item) is ArticleItem
    assert "_id" not in item and "_id" not in item["images"][0]
    item["body"].append("فقرة لاحقة")  # the spooled op is a copy, not a view
    item["images"][0]["caption"] = "x"
    assert ops[0].update["$set"]["body"] == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert ops[0].update["$set"]["images"][0]["caption"] == "صورة"


def test_bson_unsafe_keys_are_sanitized_recursively(writer, client):
    meta = {
        "@context": "https://schema.org",
        "$type": "NewsArticle",
        "author": {"name.full": "محرر", "$ref": {"a.b": [{"$id": 1}]}},
        "nul\x00key": 1,
        7: "int key",
    }
    item = MetaArticle(**dict(article(1)), jsonld=meta)
    store(writer, [item])
    doc = articles(client).find_one({})
    assert doc["jsonld"] == {
        "@context": "https://schema.org",
        "＄type": "NewsArticle",
        "author": {"name．full": "محرر", "＄ref": {"a．b": [{"＄id": 1}]}},
        "nul_key": 1,
        "7": "int key",
    }
    assert item["jsonld"]["$type"] == "NewsArticle"  # the item keeps its keys
    assert sanitize_key("a.b$c") == "a．b＄c" and sanitize_key("plain") == "plain"


def test_oversized_article_body_is_truncated_then_untruncated(writer, client):
    big = ["ب" * (MiB_CHARS) for _ in range(20)]  # 20 paragraphs of ~1 MiB of UTF-8 each
    item = article(1, body=big, body_norm="\n".join(p[:10] for p in big))
    before = copy.deepcopy(item)
    counts = store(writer, [item])
    assert counts["written"] == 1
    doc = articles(client).find_one({})
    assert doc["body_truncated"] is True
    assert 0 < len(doc["body"]) < 20 and doc["body"] == big[: len(doc["body"])]
    assert doc["body_norm"].count("\n") == len(doc["body"]) - 1
    assert len(bson.encode(doc)) <= DEFAULT_MAX_DOCUMENT_BYTES < 16 * 1024 * 1024
    # one more paragraph would not have fitted
    bigger = dict(doc, body=big[: len(doc["body"]) + 1])
    assert len(bson.encode(bigger)) > DEFAULT_MAX_DOCUMENT_BYTES
    assert item == before
    # the page shrank: stored whole again, the flag goes away
    store(writer, [article(1)])
    doc = articles(client).find_one({})
    assert "body_truncated" not in doc and len(doc["body"]) == 2


MiB_CHARS = 1024 * 1024 // 2  # "ب" is 2 bytes in UTF-8


def test_oversized_article_without_body_is_rejected():
    item = article(1, title="ت" * (9 * 1024 * 1024), body=["قصير"])  # 18 MiB title
    with pytest.raises(ItemRejected) as info:
        ops_for_item(item)
    assert info.value.reason == "bson_too_large"
    with pytest.raises(ItemRejected) as info:
        ops_for_item(article(2, simhash=2**70))
    assert info.value.reason == "unencodable"


# ----------------------------------------------------------------------------- BR-10
def test_br10_cairo_wall_clock_is_stored_as_utc_and_reads_back_aware(writer, client):
    # 'الخميس ١٤ مارس ٢٠٢٤ - ١٢:٣٠ م' on a Cairo site = 12:30 at UTC+2 (parsed elsewhere)
    cairo = datetime(2024, 3, 14, 12, 30, tzinfo=CAIRO)
    assert cairo.utcoffset() == timedelta(hours=2)
    riyadh = datetime(2024, 3, 14, 12, 30, tzinfo=RIYADH)
    store(writer, [article(1, published=cairo), article(2, published=riyadh)])
    got = articles(client).find_one({"canonical_url": "https://news.example/alpha/1"})["published"]
    assert got == datetime(2024, 3, 14, 10, 30, tzinfo=UTC) == cairo
    assert got.utcoffset() == timedelta(0)
    assert got.isoformat() == "2024-03-14T10:30:00+00:00"
    got2 = articles(client).find_one({"canonical_url": "https://news.example/alpha/2"})["published"]
    assert got2 == datetime(2024, 3, 14, 9, 30, tzinfo=UTC)
    # what goes on the wire: the BSON date is the UTC instant 10:30Z
    op = ops_for_item(article(1, published=cairo))[0]
    raw = bson.encode(op.update["$set"])
    assert bson.decode(raw)["published"] == datetime(2024, 3, 14, 10, 30)  # naive = UTC in BSON
    aware = bson.decode(raw, CodecOptions(tz_aware=True, tzinfo=UTC))["published"]
    assert aware == datetime(2024, 3, 14, 10, 30, tzinfo=UTC) and aware.tzinfo == UTC


def test_naive_datetime_is_refused_not_guessed():
    with pytest.raises(ItemRejected) as info:
        ops_for_item(article(1, published=datetime(2024, 3, 14, 12, 30)))
    assert info.value.reason == "naive_datetime" and "'published'" in info.value.detail
    with pytest.raises(ItemRejected) as info:
        ops_for_item(article(1, images=[{"url": "u", "taken": datetime(2024, 1, 1)}]))
    assert "images[0].taken" in info.value.detail


def test_real_client_is_tz_aware_utc():
    client = MongoConfig.from_settings(Settings({"MONGO_URI": "mongodb://127.0.0.1:1"})).make_client(connect=False)
    try:
        opts = client.codec_options
        assert opts.tz_aware is True and opts.tzinfo == UTC
        assert client.write_concern.document == {"w": "majority", "j": True}  # acknowledged = in the journal
    finally:
        client.close()
    off = Settings({"MONGO_URI": "mongodb://127.0.0.1:1", "MONGO_WRITE_JOURNAL": "0"})
    with MongoConfig.from_settings(off).make_client(connect=False) as client:
        assert client.write_concern.document == {"w": "majority"}


# ----------------------------------------------------------------------------- spool
def test_spool_round_trips_bson_types_and_keeps_arabic_readable(spool):
    op = Op(
        "articles", "article", {"canonical_url": "https://news.example/ا"},
        {"$set": {"published": datetime(2024, 3, 14, 10, 30, 0, 123000, tzinfo=UTC), "simhash": Int64(-(2**63)),
                  "big": 2**40, "price": Decimal128("1.10"), "ref": ObjectId("65f2a0000000000000000000"),
                  "nan": float("inf"), "title": "عاجل", "none": None, "old": datetime(1960, 1, 1, tzinfo=UTC)}},
    )
    batch = spool.write_batch([op])
    raw = batch.path.read_bytes()
    assert "عاجل".encode() in raw and b"\\u0639" not in raw
    batch.keep()
    (claimed,) = list(spool.claim_all())
    assert claimed.ops == [op]
    got = claimed.ops[0].update["$set"]
    assert got["published"].tzinfo is not None and got["published"] == op.update["$set"]["published"]
    assert isinstance(got["simhash"], int) and got["simhash"] == -(2**63)
    claimed.ack()
    assert spool.summary().batches == 0
    assert loads(dumps({"d": datetime(2024, 3, 14, 12, 30, tzinfo=CAIRO)}))["d"] == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)


def test_spool_files_owned_by_a_live_writer_are_not_claimed(tmp_path):
    live = Spool(tmp_path)
    seg = live.new_segment()
    seg.append(ops_for_item(article(1)))
    batch = seg.seal()  # sealed, locked, being sent by "another process"
    other = Spool(tmp_path)
    assert list(other.claim_all()) == []
    s = other.summary()
    assert (s.batches, s.locked, s.items, s.locked_items) == (1, 1, 1, 1)
    batch.keep()  # unlocked: e.g. the outage path, or the process died
    (claimed,) = list(other.claim_all())
    assert claimed.items == 1
    claimed.keep()


def test_summary_does_not_count_a_batch_acknowledged_while_it_looks(tmp_path, monkeypatch):
    """Issue 12 (a): ``crawlall`` exited 4 with every item stored -- spider A's close counted, as
    left in the spool, a batch that spider B (same process, same spool folder) was sending and
    acknowledged between A reading the file and A testing its lock."""
    from newscrawl.storage import spool as spool_module

    batch = Spool(tmp_path).write_batch(ops_for_item(article(1)))  # B: sealed, locked, being sent
    real_try_lock = spool_module._try_lock

    def acknowledged_now(fh):
        if batch.path is not None:
            batch.ack()  # B's bulk write is acknowledged at this instant: unlinked, lock released
        return real_try_lock(fh)

    monkeypatch.setattr(spool_module, "_try_lock", acknowledged_now)
    s = Spool(tmp_path).summary()
    assert (s.batches, s.items, s.ops) == (0, 0, 0)


def test_a_segment_being_created_is_never_claimed_by_a_replayer(tmp_path, monkeypatch):
    """Between creating a segment file and locking it, another spider replaying the shared spool
    at its open could claim it empty and acknowledge (delete) it: the segment's items were lost."""
    from newscrawl.storage import spool as spool_module

    replayer = Spool(tmp_path)
    real_try_lock = spool_module._try_lock
    claimed = []

    def replay_meanwhile(fh):
        spool_module._try_lock = real_try_lock  # once
        claimed.extend(replayer.claim_all())
        for b in claimed:
            b.ack()  # an empty batch is acknowledged at once (MongoWriter.replay_pending)
        return real_try_lock(fh)

    monkeypatch.setattr(spool_module, "_try_lock", replay_meanwhile)
    seg = Spool(tmp_path).new_segment()
    seg.append(ops_for_item(article(1)))
    seg.append(ops_for_item(article(2)))
    assert claimed == []
    batch = seg.seal()
    assert batch.items == 2 and batch.path.exists()
    assert [p.name for p in replayer.pending_paths()] == [batch.path.name]
    batch.keep()
    assert replayer.summary().items == 2


def test_orphaned_segment_with_torn_line_is_replayed(tmp_path, client):
    spool = Spool(tmp_path)
    seg = spool.new_segment()
    seg.append(ops_for_item(article(1)))
    seg.append(ops_for_item(article(2)))
    seg._fh.write(b'{"c":"articles","k":"article","f":{"canonical_url":"https://news.ex')  # crash mid-append
    seg._fh.flush()
    path = seg.path
    seg._fh.close()  # the process "died": lock gone, file still .open
    assert path.name.endswith(".jsonl.open")
    writer = MongoWriter(client, DB, WriterSettings(), Spool(tmp_path), uri="mongodb://h/")
    report = writer.open()
    assert (report.pending_batches, report.pending_items) == (1, 2)
    counts = writer.replay_pending()
    assert counts["replayed"] == 2 and counts["written"] == 2
    assert articles(client).count_documents({}) == 2
    assert spool.summary().batches == 0
    (rejected,) = (tmp_path / "rejected").iterdir()
    assert [loads(line)["reason"] for line in rejected.read_text().splitlines()] == ["spool_torn_line"]


def test_replaying_the_same_batch_twice_stores_once(tmp_path, client):
    spool = Spool(tmp_path / "spool")
    spool.write_batch([op for i in range(5) for op in ops_for_item(article(i))]).keep()
    saved = tmp_path / "copy.jsonl"
    (only,) = spool.pending_paths()
    shutil.copy(only, saved)
    writer = MongoWriter(client, DB, WriterSettings(), spool)
    writer.open()
    first = writer.replay_pending()
    assert (first["replayed"], first["written"], first["replayed_batches"]) == (5, 5, 1)
    shutil.copy(saved, only)  # the same batch shows up again (e.g. crash before the delete)
    second = writer.replay_pending()
    assert (second["replayed"], second["written"], second["unchanged"]) == (5, 0, 5)
    assert articles(client).count_documents({}) == 5


# ----------------------------------------------------------------------------- indexes
def test_indexes_created_idempotently(writer, client):
    writer.ensure_indexes()  # second time: no error, nothing new
    info = articles(client).index_information()
    keys = {tuple(v["key"]) for v in info.values()}
    assert {(("canonical_url", 1),), (("content_hash", 1),), (("site", 1), ("published", -1)), (("title_norm", 1),)} <= keys
    assert info["canonical_url_1"]["unique"] is True
    tinfo = tickers(client).index_information()
    assert tinfo["site_1_headline_norm_1"]["unique"] is True and "last_seen_1" in tinfo
    # the dedupe module's band indexes (sh0..sh3 today), or the simhash_bands fallback
    wanted = [tuple(m.document["key"].items()) for m in (dedupe_indexes() or [IndexModel([("simhash_bands", 1)])])]
    assert set(wanted) <= keys


def test_index_plan_uses_dedupe_indexes_when_given():
    fallback = {tuple(m.document["key"].items()) for m in index_plan(None)["articles"]}
    assert (("simhash_bands", 1),) in fallback and (("content_hash", 1),) in fallback
    bands = [IndexModel([(f"sh{i}", 1)]) for i in range(4)] + [[("content_hash", 1)], "title_norm"]
    plan = [tuple(m.document["key"].items()) for m in index_plan(bands)["articles"]]
    assert plan == [
        (("canonical_url", 1),), (("content_hash", 1),),
        (("sh0", 1),), (("sh1", 1),), (("sh2", 1),), (("sh3", 1),), (("title_norm", 1),),
        (("site", 1), ("published", -1)),
    ]


# ----------------------------------------------------------------------------- configuration
def test_w0_is_refused():
    config = MongoConfig.from_settings(Settings({"MONGO_WRITE_CONCERN": "0"}))
    with pytest.raises(ValueError, match="refused"):
        config.make_client()


@pytest.mark.parametrize(
    "settings, expected",
    [
        ({"MONGO_URI": "mongodb://db.example/newsdb"}, "newsdb"),  # MONGO_DATABASE unset
        ({"MONGO_URI": "mongodb://db.example/newsdb", "MONGO_DATABASE": None}, "newsdb"),
        ({"MONGO_URI": "mongodb://u:p%40ss@db.example:27017/newsdb?authSource=admin", "MONGO_DATABASE": ""}, "newsdb"),
        ({"MONGO_URI": "mongodb+srv://u:pw@cluster0.example.invalid/srvdb?retryWrites=true&srvMaxHosts=2",
          "MONGO_DATABASE": None}, "srvdb"),  # no DNS lookup, srv-only options accepted
        ({"MONGO_URI": "mongodb://db.example/newsdb", "MONGO_DATABASE": "explicit"}, "explicit"),
        ({"MONGO_URI": "mongodb://db.example/", "MONGO_DATABASE": None}, "newscrawl"),
        ({"MONGO_URI": "mongodb://db.example", "MONGO_DATABASE": None}, "newscrawl"),
        ({"MONGO_DATABASE": None}, "newscrawl"),
        ({"MONGO_URI": "mongodb://u:pw@db.example:99999/newsdb", "MONGO_DATABASE": None}, "newscrawl"),  # reported later
        ({"MONGO_URI": "http://db.example/newsdb", "MONGO_DATABASE": None}, "newscrawl"),
    ],
)
def test_database_from_the_uri_when_mongo_database_is_unset(settings, expected):
    started = time.monotonic()
    assert MongoConfig.from_settings(Settings(settings)).database == expected
    assert time.monotonic() - started < 0.5


def test_pipeline_writes_to_the_database_named_in_the_uri(tmp_path, client, caplog):
    uri = "mongodb://crawler:s3cret@db.example:27017/newsdb?authSource=admin"
    pipeline = pipeline_for(tmp_path, client, MONGO_URI=uri, MONGO_DATABASE=None)

    async def crawl(p):
        await p.open_spider()
        await feed(p, [article(1)])
        await p.close_spider()

    asyncio.run(crawl(pipeline))
    assert client["newsdb"]["articles"].count_documents({}) == 1
    assert "newscrawl" not in client.list_database_names() and DB not in client.list_database_names()
    # an explicit MONGO_DATABASE still wins, with a warning naming both
    explicit = pipeline_for(tmp_path, client, MONGO_URI=uri, MONGO_DATABASE="other")
    with caplog.at_level(logging.WARNING):
        asyncio.run(crawl(explicit))
    assert client["other"]["articles"].count_documents({}) == 1
    assert "'newsdb'" in caplog.text and "'other'" in caplog.text and "s3cret" not in caplog.text


def test_mask_and_redact():
    assert mask_uri(SECRET_URI) == "mongodb://***@db.example:27017/?authSource=admin"
    assert mask_uri("mongodb://h:1/") == "mongodb://h:1/"
    assert redact("auth failed for s3cret and mongodb://a:s3cret@h", SECRET_URI) == "auth failed for *** and mongodb://***@h"


def pipeline_for(tmp_path, client=None, **settings) -> MongoPipeline:
    base = {
        "MONGO_URI": SECRET_URI,
        "MONGO_DATABASE": DB,
        "MONGO_SPOOL_DIR": str(tmp_path / "spool"),
        "MONGO_RETRY_BACKOFF": 0,
    }
    if client is not None:
        base["MONGO_CLIENT_FACTORY"] = lambda config: client
    base.update(settings)
    crawler = get_crawler(scrapy.Spider, base)
    return MongoPipeline.from_crawler(crawler)


async def feed(pipeline, items):
    out = []
    for item in items:
        result = pipeline.process_item(item)
        if inspect.isawaitable(result):
            result = await result
        out.append(result)
    return out


@pytest.mark.parametrize(
    "settings, expected",
    [
        ({"MONGO_WRITE_CONCERN": 0}, "unacknowledged writes"),
        ({"MONGO_URI": "mongodb://crawler:s3cret@"}, "bad configuration"),
        ({"MONGO_URI": "http://crawler:s3cret@db.example"}, "bad configuration"),
    ],
)
def test_configuration_errors_stop_the_pipeline_at_open(tmp_path, caplog, settings, expected):
    pipeline = pipeline_for(tmp_path, **settings)
    with caplog.at_level(logging.INFO), pytest.raises(MongoConfigError) as info:
        asyncio.run(pipeline.open_spider())
    assert expected in str(info.value)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "MongoDB storage not started" in errors[0].getMessage()
    assert "s3cret" not in caplog.text and "s3cret" not in str(info.value)


def test_disabled_pipeline_is_not_configured(tmp_path):
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        pipeline_for(tmp_path, MONGO_ENABLED="0")


# ----------------------------------------------------------------------------- the pipeline, in-process
def test_pipeline_batches_flushes_and_counts(tmp_path, client):
    pipeline = pipeline_for(tmp_path, client, MONGO_BATCH_SIZE=100, MONGO_FLUSH_INTERVAL=60)
    items = [article(i) for i in range(230)] + [ticker(f"خبر {i}", T0, position=i) for i in range(20)]
    snapshot = copy.deepcopy(items)

    async def crawl():
        await pipeline.open_spider()
        out = await feed(pipeline, items)
        await pipeline.close_spider()
        return out

    out = asyncio.run(crawl())
    assert all(a is b for a, b in zip(out, items)) and items == snapshot
    stats = pipeline.crawler.stats.get_stats()
    assert stats["newscrawl/mongo/written"] == 250
    assert stats["newscrawl/mongo/spool_remaining"] == 0
    assert "newscrawl/mongo/spooled" not in stats and "newscrawl/mongo/unavailable_at_open" not in stats
    assert articles(client).count_documents({}) == 230 and tickers(client).count_documents({}) == 20
    assert os.listdir(tmp_path / "spool") == []

    # the same pages again, through a new pipeline: same documents, all unchanged
    again = pipeline_for(tmp_path, client, MONGO_BATCH_SIZE=100)

    async def recrawl():
        await again.open_spider()
        await feed(again, items)
        await again.close_spider()

    asyncio.run(recrawl())
    stats = again.crawler.stats.get_stats()
    assert stats["newscrawl/mongo/unchanged"] == 250 and "newscrawl/mongo/written" not in stats
    assert articles(client).count_documents({}) == 230


def test_pipeline_timer_flushes_a_partial_batch(tmp_path, client):
    pipeline = pipeline_for(tmp_path, client, MONGO_BATCH_SIZE=1000, MONGO_FLUSH_INTERVAL=0.05)

    async def crawl():
        await pipeline.open_spider()
        await feed(pipeline, [article(1), article(2)])
        for _ in range(100):
            await asyncio.sleep(0.02)
            if articles(client).count_documents({}) == 2:
                break
        stored_before_close = articles(client).count_documents({})
        await pipeline.close_spider()
        return stored_before_close

    assert asyncio.run(crawl()) == 2


def test_pipeline_drops_bad_items_from_storage_only(tmp_path, client):
    pipeline = pipeline_for(tmp_path, client)
    naive = article(1, published=datetime(2024, 3, 14, 12, 30))
    huge = article(2, title="ت" * (9 * 1024 * 1024))
    keyless = article(3, canonical_url=None)
    fine = article(4)

    async def crawl():
        await pipeline.open_spider()
        out = await feed(pipeline, [naive, huge, keyless, fine])
        await pipeline.close_spider()
        return out

    out = asyncio.run(crawl())
    assert out == [naive, huge, keyless, fine]  # all still go to the feed
    stats = pipeline.crawler.stats.get_stats()
    assert stats["newscrawl/mongo/dropped/naive_datetime"] == 1
    assert stats["newscrawl/mongo/dropped/bson_too_large"] == 1
    assert stats["newscrawl/mongo/dropped/missing_key"] == 1
    assert stats["newscrawl/mongo/written"] == 1
    (rejected,) = (tmp_path / "spool" / "rejected").iterdir()
    entries = [loads(line) for line in rejected.read_text().splitlines()]
    assert [e["reason"] for e in entries] == ["naive_datetime", "bson_too_large", "missing_key"]
    assert entries[0]["document"]["canonical_url"] == "https://news.example/alpha/1"


def test_pipeline_mongo_down_at_open_spools_then_next_run_replays(tmp_path, client, caplog):
    down_uri = f"mongodb://crawler:s3cret@127.0.0.1:{closed_port()}/"
    down = pipeline_for(tmp_path, None, MONGO_URI=down_uri, MONGO_SERVER_SELECTION_TIMEOUT_MS=200,
                        MONGO_BATCH_SIZE=10, MONGO_OUTAGE_PROBE_INTERVAL=3600, MONGO_RETRY_TIMES=1)
    items = [article(i) for i in range(25)] + [ticker("عاجل", T0)]

    async def crawl(p):
        await p.open_spider()
        out = await feed(p, items)
        await p.close_spider()
        return out

    with caplog.at_level(logging.DEBUG):
        out = asyncio.run(crawl(down))
    assert out == items
    stats = down.crawler.stats.get_stats()
    assert stats["newscrawl/mongo/unavailable_at_open"] == 1
    assert stats["newscrawl/mongo/spooled"] == 26 and stats["newscrawl/mongo/spooled_batches"] == 3
    assert stats["newscrawl/mongo/spool_remaining"] == 26
    assert "newscrawl/mongo/written" not in stats
    warnings = [r.getMessage() for r in caplog.records if "unavailable at spider open" in r.getMessage()]
    assert len(warnings) == 1 and "***@127.0.0.1" in warnings[0]
    assert "s3cret" not in caplog.text
    assert Spool(tmp_path / "spool").summary().items == 26

    nxt = pipeline_for(tmp_path, client)
    asyncio.run(crawl(nxt))
    stats = nxt.crawler.stats.get_stats()
    assert stats["newscrawl/mongo/replayed"] == 26 and stats["newscrawl/mongo/replayed_batches"] == 3
    # replayed first (written), then this run's own copy of the same items (unchanged)
    assert stats["newscrawl/mongo/written"] == 26 and stats["newscrawl/mongo/unchanged"] == 26
    assert articles(client).count_documents({}) == 25 and tickers(client).count_documents({}) == 1
    assert stats["newscrawl/mongo/spool_remaining"] == 0


class SlowClient:
    """mongomock-ng with 20 ms per bulk_write: the writer falls behind the spider."""

    def __init__(self, client):
        self._client = client
        self.admin = client.admin

    def __getitem__(self, name):
        db = self._client[name]

        class DB:
            def __getitem__(self, coll_name):
                coll = db[coll_name]

                class Coll:
                    name = coll_name

                    def bulk_write(self, *a, **kw):
                        time.sleep(0.02)
                        return coll.bulk_write(*a, **kw)

                    def create_indexes(self, *a, **kw):
                        return coll.create_indexes(*a, **kw)

                return Coll()

        return DB()


def test_pipeline_applies_back_pressure_instead_of_queueing_without_bound(tmp_path, client):
    pipeline = pipeline_for(tmp_path, SlowClient(client), MONGO_BATCH_SIZE=1, MONGO_MAX_PENDING_BATCHES=2)
    waited = []

    async def crawl():
        await pipeline.open_spider()
        for i in range(30):
            result = pipeline.process_item(article(i))
            if inspect.isawaitable(result):
                waited.append(i)
                result = await result
            assert pipeline._queued <= 3
        await pipeline.close_spider()

    asyncio.run(crawl())
    assert len(waited) > 10  # the spider was held back...
    assert articles(client).count_documents({}) == 30  # ...and nothing was lost
    assert pipeline.crawler.stats.get_value("newscrawl/mongo/written") == 30


class ScriptedClient:
    """mongomock-ng whose ``bulk_write`` raises the scripted exceptions first
    (``None`` in the script = behave normally); counts the calls."""

    def __init__(self, client, script):
        self._client = client
        self.admin = client.admin
        self.script = list(script)
        self.calls = 0

    def __getitem__(self, name):
        db, outer = self._client[name], self

        class DB:
            def __getitem__(self, coll_name):
                coll = db[coll_name]

                class Coll:
                    name = coll_name

                    def bulk_write(self, *a, **kw):
                        outer.calls += 1
                        exc = outer.script.pop(0) if outer.script else None
                        if exc is not None:
                            raise exc
                        return coll.bulk_write(*a, **kw)

                    def create_indexes(self, *a, **kw):
                        return coll.create_indexes(*a, **kw)

                return Coll()

        return DB()


def test_replay_stops_at_the_first_batch_when_writes_keep_failing(tmp_path, client):
    from pymongo.errors import AutoReconnect

    spool = Spool(tmp_path)
    for i in range(3):
        spool.write_batch(ops_for_item(article(i))).keep()
    flaky = ScriptedClient(client, [AutoReconnect("connection reset")] * 100)  # ping works, writes fail
    sleeps = []
    writer = MongoWriter(flaky, DB, WriterSettings(retry_times=3, retry_backoff=0.5, retry_backoff_max=1.5),
                         spool, sleep=sleeps.append)
    assert writer.open().available
    counts = writer.replay_pending()
    assert flaky.calls == 4  # first batch: 1 try + 3 retries; the two younger batches wait
    assert sleeps == [0.5, 1.0, 1.5]  # exponential, capped
    assert counts["retries"] == 3 and counts["replayed"] == 0 and counts["errors/AutoReconnect"] == 1
    assert not writer.available and writer.backlog
    assert spool.summary().items == 3


def test_non_transient_failure_keeps_the_batch_and_does_not_hammer(tmp_path, client):
    from pymongo.errors import OperationFailure

    denied = OperationFailure("not authorized on newscrawl_test to execute command update", code=13)
    scripted = ScriptedClient(client, [denied])
    spool = Spool(tmp_path)
    writer = MongoWriter(scripted, DB, WriterSettings(), spool, sleep=lambda s: None)
    writer.open()
    first = store(writer, [article(1)])
    assert first["spooled"] == 1 and first["errors/OperationFailure"] == 1 and first["retries"] == 0
    assert writer.available  # not an outage: other batches go on
    second = store(writer, [article(2)])
    assert second["written"] == 1 and scripted.calls == 2  # the failed batch was not resent
    assert spool.summary().items == 1
    # the next run (a new writer) sends it
    nxt = MongoWriter(client, DB, WriterSettings(), Spool(tmp_path))
    nxt.open()
    assert nxt.replay_pending()["replayed"] == 1
    assert articles(client).count_documents({}) == 2
