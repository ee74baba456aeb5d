"""Revisions of a story (newscrawl.storage.revisions), ``scrapy history`` and ``scrapy export --revisions``.

The end-to-end scenario crawls a real saved page (alyaum.com) from a loopback server
that serves version 1, then the same page with tashkeel added (not an edit), then
version 2 (an edited headline word and a removed paragraph, same ``modified`` date: a
stealth edit), each crawl a real ``scrapy crawlall`` child process storing into a real
MongoDB-protocol server (the ``mongo_uri`` fixture), one database per test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pymongo import MongoClient

from newscrawl.items import ArticleItem
from newscrawl.ops.runner import run_all
from newscrawl.storage.revisions import body_diff, changed_fields, comparable, history, is_stealth
from newscrawl.storage.spool import Spool
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item
from tests.loopback import PAGES, LoopbackSite

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
PAGE = PAGES / "alyaum.com" / "tehran-buries-fakhrizadeh-2020-12-01.html"
PATH = "/articles/6291787/tehran-buries-fakhrizadeh"
TITLE_1 = "طهران تدفن «زادة».. وتتهم المعارضة الإيرانية باغتياله"
TITLE_TASHKEEL = "طَهرانُ تدفِن «زادة».. وتتَّهم المعارضة الإيرانية باغتياله"
TITLE_2 = "طهران تشيع «زادة».. وتتهم المعارضة الإيرانية باغتياله"
REMOVED = "وقال الخبير في الشؤون الإيرانية هاني سليمان"  # start of the paragraph version 2 drops
FIRST_WORDS, FIRST_WORDS_TASHKEEL = "شيعت إيران أمس", "شيَّعت إيرانُ أمسِ"


def versions() -> tuple[bytes, bytes, bytes]:
    """(version 1, version 1 with tashkeel only, version 2) of the real page."""
    v1 = PAGE.read_text(encoding="utf-8")
    assert v1.count(TITLE_1) >= 3 and v1.count(REMOVED) == 1 and FIRST_WORDS in v1
    tashkeel = v1.replace(TITLE_1, TITLE_TASHKEEL).replace(FIRST_WORDS, FIRST_WORDS_TASHKEEL)
    start = tashkeel.index(REMOVED)
    end = tashkeel.index("<br>", start)
    assert tashkeel[start - 8:start] == "<br><br>"
    v2 = (tashkeel[:start - 8] + tashkeel[end:]).replace(TITLE_TASHKEEL, TITLE_2)
    return v1.encode(), tashkeel.encode(), v2.encode()


class VersionedSite(LoopbackSite):
    """The loopback server, serving ``self.page`` (bytes, replaceable) at :data:`PATH`."""

    page = b""

    def route(self, path: str):
        if path == PATH:
            return 200, "text/html; charset=UTF-8", self.page
        return super().route(path)


@pytest.fixture
def db_name(mongo_uri):
    name = f"newscrawl_rev_{uuid.uuid4().hex[:10]}"
    yield name
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    client.drop_database(name)
    client.close()


def crawl(site, tmp, mongo_uri, db_name, n: int) -> int:
    settings = {"NEWSCRAWL_FEED_DIR": tmp / "feeds", "NEWSCRAWL_STATE_DIR": tmp / "state",
                "MONGO_SPOOL_DIR": tmp / "spool", "AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0",
                "LOG_LEVEL": "INFO", "MONGO_DATABASE": db_name, "STATS_DUMP": "1", "NEWSCRAWL_LOG_STATS": "1",
                "LOG_FILE": tmp / f"crawl-{n}.log"}
    return run_all(["alyaum"], settings=settings, spider_args={"start_url": site.base + PATH, "follow": "0"},
                   env={"MONGO_ENABLED": "1", "MONGO_URI": mongo_uri}, timeout=180)


def scrapy(*args, mongo_uri, db_name):
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"MONGO_DATABASE={db_name}"], cwd=ROOT,
                          env={**os.environ, "MONGO_URI": mongo_uri}, capture_output=True, timeout=120)


def test_edits_of_a_real_page_are_kept_and_tashkeel_is_not_an_edit(tmp_path, mongo_uri, db_name):
    v1, tashkeel, v2 = versions()
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    db = client[db_name]
    with VersionedSite() as site:
        site.page = v1
        assert crawl(site, tmp_path, mongo_uri, db_name, 1) == 0
        [doc] = list(db.articles.find())
        assert doc["title"] == TITLE_1 and doc["revision_count"] == 0 and doc["last_changed"] is None
        body_1 = doc["body"]
        assert any(p.startswith(REMOVED) for p in body_1)

        site.page = tashkeel  # harakat and shadda only: the same story
        assert crawl(site, tmp_path, mongo_uri, db_name, 2) == 0
        [doc] = list(db.articles.find())
        assert doc["title"] == TITLE_TASHKEEL  # the stored display form is the latest ...
        assert doc["revision_count"] == 0 and db.revisions.count_documents({}) == 0  # ... but no edit
        body_tashkeel = doc["body"]
        assert body_tashkeel[0].startswith("وسط تهديدات") and FIRST_WORDS_TASHKEEL in body_tashkeel[0]

        site.page = v2  # a changed word in the headline, a paragraph removed, same modified date
        assert crawl(site, tmp_path, mongo_uri, db_name, 3) == 0
        site.page = v2  # seen again: nothing new
        assert crawl(site, tmp_path, mongo_uri, db_name, 4) == 0

    [doc] = list(db.articles.find())
    assert doc["title"] == TITLE_2 and doc["revision_count"] == 1
    assert [p for p in doc["body"] if p.startswith(REMOVED)] == []
    assert len(doc["body"]) == len(body_1) - 1
    [rev] = list(db.revisions.find())
    assert rev["canonical_url"] == doc["canonical_url"] and rev["site"] == "alyaum" and rev["revision"] == 1
    assert rev["changed"] == ["title", "body"]  # lead, author, dates, images unchanged
    assert rev["stealth"] is True  # the page states modified 2020-12-01T02:00+03:00 in every version
    assert rev["previous"] == {"title": TITLE_TASHKEEL, "body": body_tashkeel}
    assert doc["last_changed"] == rev["seen_at"] and rev["previous_seen"] < rev["seen_at"]
    assert rev["seen_at"] < doc["last_seen"]  # crawl 4 saw version 2 again
    log3 = (tmp_path / "crawl-3.log").read_text(encoding="utf-8")
    assert "'newscrawl/mongo/revisions/recorded': 1" in log3 and "'newscrawl/mongo/revisions/stealth': 1" in log3
    for n in (1, 2, 4):
        assert "revisions/recorded" not in (tmp_path / f"crawl-{n}.log").read_text(encoding="utf-8")

    # the history of the story, by the URL as fetched
    url = site.base + PATH
    proc = scrapy("history", url, mongo_uri=mongo_uri, db_name=db_name)
    assert proc.returncode == 0, proc.stderr.decode()[-1500:]
    text = proc.stdout.decode("utf-8")
    assert "2 version(s), 1 edit(s)" in text
    assert "changed: title, body (stealth edit: same modified date)" in text
    assert f"  title: {TITLE_TASHKEEL}\n" in text and f"→ {TITLE_2}\n" in text
    removed = [line for line in text.splitlines() if line.startswith("  body - ")]
    assert len(removed) == 1 and removed[0].startswith("  body - " + REMOVED)
    assert not any(line.startswith("  body + ") for line in text.splitlines())
    proc = scrapy("history", url, "--json", mongo_uri=mongo_uri, db_name=db_name)
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["version"] for r in rows] == [0, 1] and rows[0]["title"] == TITLE_TASHKEEL
    assert rows[1]["title"] == TITLE_2 and rows[1]["changed"] == ["title", "body"]
    assert rows[0]["body"] == body_tashkeel and rows[1]["body"] == doc["body"]
    proc = scrapy("history", site.base + "/articles/1/never-stored", mongo_uri=mongo_uri, db_name=db_name)
    assert proc.returncode == 1 and b"no stored story" in proc.stderr

    # export with revisions
    proc = scrapy("export", "--revisions", mongo_uri=mongo_uri, db_name=db_name)
    assert proc.returncode == 0, proc.stderr.decode()[-1500:]
    [item] = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert item["revision_count"] == 1 and len(item["revisions"]) == 1
    assert item["revisions"][0]["previous"]["title"] == TITLE_TASHKEEL
    assert item["revisions"][0]["changed"] == ["title", "body"]
    proc = scrapy("export", "-f", "jsonfeed", "--revisions", mongo_uri=mongo_uri, db_name=db_name)
    feed = json.loads(proc.stdout.decode("utf-8"))
    assert feed["items"][0]["_newscrawl"]["revisions"][0]["previous"]["title"] == TITLE_TASHKEEL
    proc = scrapy("export", mongo_uri=mongo_uri, db_name=db_name)
    assert "revisions" not in json.loads(proc.stdout.decode("utf-8").splitlines()[0])
    client.close()


# ----------------------------------------------------------------------------- the writer, real server
T0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)


def article(seen, **kw):
    fields = dict(url="https://news.example/a/1", canonical_url="https://news.example/a/1", site="alpha",
                  title="وزير الري يشهد توقيع العقد", body=["الفقرة الأولى من الخبر", "الفقرة الثانية"],
                  published=datetime(2024, 3, 14, 10, 30, tzinfo=UTC), modified=None, crawled_at=seen)
    fields.update(kw)
    return ArticleItem(**fields)


def store(writer, items) -> Counter:
    seg = writer.spool.new_segment()
    for item in items:
        seg.append(ops_for_item(item))
    return writer.flush(seg)


@pytest.fixture
def writer(tmp_path, mongo_uri, db_name):
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    w = MongoWriter(client, db_name, WriterSettings(retry_backoff=0.01), Spool(tmp_path / "spool"), uri=mongo_uri)
    assert w.open().available
    yield w
    client.close()


def test_a_batch_sent_twice_records_one_revision(writer):
    db = writer.db
    store(writer, [article(T0)])
    edited = article(T0 + timedelta(hours=1), title="وزير الري يحضر توقيع العقد", modified=T0)
    for _ in range(2):  # e.g. the reply to the first send was lost: the spool sends it again
        seg = writer.spool.new_segment()
        seg.append(ops_for_item(edited))
        counts = writer.flush(seg)
    assert counts["revisions/recorded"] == 0  # the second time, the stored version is already the new one
    [rev] = list(db.revisions.find())
    assert rev["changed"] == ["title", "modified"] and rev["stealth"] is False
    assert rev["previous"] == {"title": "وزير الري يشهد توقيع العقد", "modified": None}
    assert db.articles.find_one()["revision_count"] == 1


def test_two_versions_in_one_batch_and_an_old_batch_replayed_late(writer):
    db = writer.db
    v1 = article(T0)
    v2 = article(T0 + timedelta(hours=1), body=["الفقرة الأولى من الخبر"])
    v3 = article(T0 + timedelta(hours=2), body=["الفقرة الأولى من الخبر"], lead="ملخص جديد")
    counts = store(writer, [v1, v2, v3])
    assert counts["revisions/recorded"] == 2
    revs = list(db.revisions.find().sort("seen_at", 1))
    assert [r["revision"] for r in revs] == [1, 2] and [r["changed"] for r in revs] == [["body"], ["lead"]]
    assert revs[0]["previous"]["body"] == ["الفقرة الأولى من الخبر", "الفقرة الثانية"]
    # an outage batch with an older observation arrives after the newer crawl: not an edit
    counts = store(writer, [article(T0 - timedelta(days=1), title="عنوان أقدم")])
    assert counts["revisions/out_of_order"] == 1 and db.revisions.count_documents({}) == 2
    stored = db.articles.find_one()
    assert stored["title"] == "وزير الري يشهد توقيع العقد" and stored["lead"] == "ملخص جديد"  # not overwritten
    assert stored["first_seen"] == T0 - timedelta(days=1)  # but the older sighting counts
    versions = history(db, "https://news.example/a/1")
    assert [v["version"] for v in versions] == [0, 1, 2]
    assert versions[0]["body"] == ["الفقرة الأولى من الخبر", "الفقرة الثانية"] and versions[0]["lead"] is None
    assert versions[1]["body"] == ["الفقرة الأولى من الخبر"] and versions[1]["lead"] is None
    assert versions[2]["lead"] == "ملخص جديد"


# ----------------------------------------------------------------------------- comparison rules
def test_match_key_comparison():
    old = {"title": "توجه الوفد إلى المستشفى", "body": ["قال الوزير إن العمل مستمر"], "modified": T0}
    # tashkeel, kashida, hamza on alef, alef maqsura, spacing: the same words
    same = {"title": "تـوجّه الوفدُ الى  المستشفي", "body": ["قالَ الوزيرُ إنّ العمل مستمر", "  "], "modified": T0}
    assert changed_fields(old, same) == []
    new = {"title": "توجه الوفد إلى المستشفى الميداني", "body": ["قال الوزير إن العمل متوقف"], "modified": T0}
    assert changed_fields(old, new) == ["title", "body"]
    assert is_stealth(old, new, ["title", "body"]) is True
    assert is_stealth({"modified": None}, {"title": "x"}, ["title"]) is False  # no stated date: cannot say
    # BSON keeps milliseconds: a microsecond difference is not a change of date
    assert comparable("published", T0.replace(microsecond=123456)) == comparable("published", T0.replace(microsecond=123000))
    # a naive datetime read back from MongoDB is UTC
    assert comparable("modified", T0.replace(tzinfo=None)) == comparable("modified", T0)
    assert changed_fields({"images": [{"url": "u", "caption": "صورة"}]}, {"images": [{"url": "u", "caption": "صُورة"}]}) == []
    assert changed_fields({"images": [{"url": "u"}]}, {"images": [{"url": "v"}]}) == ["images"]
    # a field the new version does not carry is not compared
    assert changed_fields({"author": "أحمد", "title": "عنوان"}, {"title": None}) == ["title"]


def test_body_diff_by_match_key():
    old = ["الفقرة الأولى", "فقرة ستحذف", "الفقرة الأخيرة"]
    new = ["الفقرةُ الأولى", "الفقرة الأخيرة", "فقرة مضافة"]
    assert body_diff(old, new) == {"removed": ["فقرة ستحذف"], "added": ["فقرة مضافة"]}


# ----------------------------------------------------------------------------- ticker headlines across runs
HEADLINE_1 = "لا تنه عن خلق وتأتي مثله عار عليك إذا فعلت عظيم"
HEADLINE_1_TASHKEEL = "لا تنهَ عن خلقٍ وتأتيَ مثله عارٌ عليك إذا فعلت عظيم"
HEADLINE_7 = "حرية الفرد لا تكمن في أنه يستطيع أن يفعل ما يريد"
HEADLINE_7_EDITED = "حرية الفرد لا تكمن في أنه يستطيع أن يفعل ما يشاء"


class StripSite(LoopbackSite):
    """The loopback site whose home page (the real Jannah RTL demo) can be replaced."""

    def route(self, path: str):
        if path in ("/rtl/", "/rtl"):
            return 200, "text/html; charset=UTF-8", self.home
        return super().route(path)


def test_ticker_headlines_keep_first_and_last_seen_across_runs(tmp_path, mongo_uri, db_name):
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    tickers = client[db_name].tickers

    def run(site, n):
        settings = {"NEWSCRAWL_FEED_DIR": tmp_path / "feeds", "NEWSCRAWL_STATE_DIR": tmp_path / "state",
                    "MONGO_SPOOL_DIR": tmp_path / "spool", "LOG_LEVEL": "WARNING", "MONGO_DATABASE": db_name}
        assert run_all(["jannah_demo"], settings=settings, spider_args={"start_url": site.base + "/rtl/", "follow": "0"},
                       env={"MONGO_ENABLED": "1", "MONGO_URI": mongo_uri}, timeout=180) == 0
        return datetime.now(UTC)

    with StripSite() as site:
        real = site.home.decode("utf-8")
        assert HEADLINE_1 in real and HEADLINE_7 in real
        t0 = datetime.now(UTC)
        t1 = run(site, 1)
        # the next run: headline 1 with tashkeel (the same line), headline 7 with a changed word (a new line)
        site.home = real.replace(HEADLINE_1, HEADLINE_1_TASHKEEL).replace(HEADLINE_7, HEADLINE_7_EDITED).encode()
        t2 = run(site, 2)

    docs = {d["headline"]: d for d in tickers.find()}
    assert len(docs) == 8  # 7 lines, plus the edited one
    first = docs[HEADLINE_1_TASHKEEL]  # display form: the latest
    assert t0 <= first["first_seen"] <= t1 <= first["last_seen"] <= t2 and len(first["seen_at"]) == 2
    gone = docs[HEADLINE_7]  # last seen in run 1: it left the strip before run 2
    assert t0 <= gone["first_seen"] == gone["last_seen"] <= t1 and len(gone["seen_at"]) == 1
    new = docs[HEADLINE_7_EDITED]
    assert t1 <= new["first_seen"] == new["last_seen"] <= t2
    client.close()


# ----------------------------------------------------------------------------- faults (pure logic: mongomock-ng)
class FlakyFind:
    """A mongomock-ng database whose collections' ``find`` raises the scripted errors first."""

    def __init__(self, db, errors):
        self._db, self.errors = db, list(errors)

    def __getitem__(self, name):
        coll, outer = self._db[name], self

        class Coll:
            def __getattr__(self, attr):
                return getattr(coll, attr)

            def find(self, *a, **kw):
                if outer.errors:
                    raise outer.errors.pop(0)
                return coll.find(*a, **kw)

        return Coll()


def test_a_transient_error_while_reading_the_stored_version_retries_the_batch(tmp_path):
    import mongomock_ng
    from pymongo.errors import AutoReconnect, OperationFailure

    client = mongomock_ng.MongoClient(tz_aware=True)
    writer = MongoWriter(client, "db", WriterSettings(retry_backoff=0.0), Spool(tmp_path), sleep=lambda s: None)
    assert writer.open().available
    store(writer, [article(T0)])
    writer.db = FlakyFind(client["db"], [AutoReconnect("connection reset")])
    writer.revisions.db = writer.db
    counts = store(writer, [article(T0 + timedelta(hours=1), title="وزير الري يحضر توقيع العقد")])
    assert counts["retries"] == 1 and counts["revisions/recorded"] == 1 and counts["updated"] == 1
    assert client["db"].revisions.count_documents({}) == 1
    assert client["db"].articles.find_one()["title"] == "وزير الري يحضر توقيع العقد"
    # any other failure of the tracking is counted, and the article is stored all the same
    writer.db = FlakyFind(client["db"], [OperationFailure("not authorized to execute find", code=13)])
    writer.revisions.db = writer.db
    counts = store(writer, [article(T0 + timedelta(hours=2), title="عنوان ثالث")])
    assert counts["revisions/errors/OperationFailure"] == 1 and counts["updated"] == 1
    assert client["db"].articles.find_one()["title"] == "عنوان ثالث"
    assert client["db"].revisions.count_documents({}) == 1
