"""The storage scenarios against a real MongoDB server.

Runs only when ``MONGO_URI`` is set (e.g. ``MONGO_URI=mongodb://localhost:27017
pytest -m mongo``); each test uses a throwaway database ``newscrawl_test_<random>``
and drops it afterwards.  Skipped otherwise, with the reason shown.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from scrapy.settings import Settings

from newscrawl.items import ArticleItem, TickerItem
from newscrawl.storage.client import MongoConfig
from newscrawl.storage.spool import Spool
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item

pytestmark = pytest.mark.mongo

UTC = timezone.utc
T0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def real(tmp_path):
    uri = os.environ.get("MONGO_URI")
    if not uri:
        pytest.skip("MONGO_URI not set: these tests need a real MongoDB server (e.g. MONGO_URI=mongodb://localhost:27017)")
    database = f"newscrawl_test_{uuid.uuid4().hex[:12]}"
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
    # the stored instant, read with a naive codec, is 10:30 (UTC), not 12:30
    raw = client[database].articles.with_options(codec_options=client.codec_options.with_options(tz_aware=False))
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
