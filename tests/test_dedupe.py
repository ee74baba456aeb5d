"""newscrawl.dedupe.index (index) and newscrawl.pipelines.dedupe (policy), with a real Scrapy
crawler object, mongomock-ng for MongoDB, a real pymongo client against a closed port
for the failure path, and one real crawl per reactor kind in a subprocess."""

import asyncio
import json
import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from tests.helpers import closed_port

try:
    import mongomock_ng as mongomock  # the mongomock-ng distribution's import name
except ImportError:  # pragma: no cover
    import mongomock
import pymongo
import pytest
from pymongo.errors import ServerSelectionTimeoutError
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.text.arabic import match_key
from newscrawl.dedupe.index import (
    BAND_FIELDS,
    DEDUPE_INDEXES,
    Entry,
    MemoryDedupeIndex,
    MongoDedupeIndex,
)
from newscrawl.dedupe.fingerprints import bands, content_hash, hamming, simhash64, to_signed64
from newscrawl.items import ArticleItem, TickerItem
from newscrawl.pipelines.dedupe import DedupePipeline, DropSameSiteCopiesPipeline
from newscrawl.text.urls import canonicalize
from tests import dedupe_corpus as corpus

ROOT = Path(__file__).resolve().parent.parent


# --- helpers -------------------------------------------------------------------------------

def article(url, site, doc=None, *, title=None, paragraphs=None, canonical=None):
    """An ArticleItem as it leaves the normalization pipeline (``*_norm`` filled)."""
    title = title if title is not None else doc.title
    paragraphs = paragraphs if paragraphs is not None else doc.paragraphs
    item = ArticleItem(url=url, site=site, title=title, body=list(paragraphs))
    if canonical:
        item["canonical_url"] = canonical
    item["title_norm"] = match_key(title)
    item["body_norm"] = "\n".join(k for k in (match_key(p) for p in paragraphs) if k)
    return item


def fp_item(url, site, fp, chash=None, duplicate_of=None):
    """A minimal item for index tests: a given unsigned fingerprint."""
    d = {"canonical_url": url, "site": site, "content_hash": chash or f"h-{url}", "simhash": to_signed64(fp)}
    if duplicate_of:
        d["duplicate_of"] = duplicate_of
        d["duplicate_kind"] = "near"
    return d


def store(collection, item):
    """What the storage pipeline does with a kept article: upsert by canonical_url with
    $set of the item's fields, and $addToSet to the first-seen copy's republished_by."""
    doc = dict(item)
    url = doc.pop("canonical_url")
    collection.update_one({"canonical_url": url}, {"$set": doc}, upsert=True)
    if doc.get("duplicate_of"):
        collection.update_one(
            {"canonical_url": doc["duplicate_of"]}, {"$addToSet": {"republished_by": {"site": doc["site"], "url": url}}}
        )


class Run:
    """One crawl: a real Scrapy crawler, the pipeline opened on it, items pushed through
    ``process_item`` on an asyncio loop (``run_in_thread`` -> ``asyncio.to_thread``)."""

    def __init__(self, client=None, **settings):
        base = {"MONGO_ENABLED": client is not None, "MONGO_CLIENT_FACTORY": (lambda config: client)}
        self.crawler = get_crawler(settings_dict={**base, **settings})
        self.pipe = DedupePipeline.from_crawler(self.crawler)
        self.pipe.open_spider()
        self.kept, self.dropped = [], []

    def push(self, item, collection=None):
        """Dedupe, then (like the storage) store what is not an alias, then the same-site drop."""
        try:
            out = asyncio.run(self.pipe.process_item(item))
            if collection is not None and isinstance(out, ArticleItem) and not out.get("alias_of"):
                store(collection, out)
            out = DropSameSiteCopiesPipeline().process_item(out)
        except DropItem as exc:
            self.dropped.append((item, str(exc)))
            return None
        self.kept.append(out)
        return out

    def stat(self, name):
        return self.crawler.stats.get_value(f"newscrawl/dedupe/{name}")


@pytest.fixture
def client():
    return mongomock.MongoClient(tz_aware=True)


@pytest.fixture
def docs():
    return corpus.originals()


# --- the memory index -----------------------------------------------------------------------

def test_memory_index_stages_in_order():
    idx = MemoryDedupeIndex()
    fp = 0x0123456789ABCDEF
    idx.record(fp_item("https://a.example/1", "a", fp, chash="H1"))
    assert idx.lookup(fp_item("https://a.example/1", "a", 0, chash="X")).kind == "url"
    m = idx.lookup(fp_item("https://b.example/9", "b", 0xFFFF, chash="H1"))
    assert (m.kind, m.canonical_url, m.distance) == ("exact", "https://a.example/1", 0)
    m = idx.lookup(fp_item("https://b.example/9", "b", fp ^ 0b111, chash="H2"))
    assert (m.kind, m.distance, m.site) == ("near", 3, "a")
    # 4 bits, one per band: beyond the threshold and shares no band
    assert idx.lookup(fp_item("https://b.example/9", "b", fp ^ (1 << 63 | 1 << 47 | 1 << 31 | 1), chash="H2")) is None
    # 4 bits in one band: shares 3 bands, found, but farther than the threshold
    assert idx.lookup(fp_item("https://b.example/9", "b", fp ^ 0b1111, chash="H2")) is None
    assert MemoryDedupeIndex(near_distance=4).lookup(fp_item("u", "b", fp ^ 0b1111)) is None  # empty index
    assert len(idx) == 1 and "https://a.example/1" in idx


def test_memory_index_prefers_same_site_then_distance_and_follows_first_seen():
    idx = MemoryDedupeIndex()
    fp = 0xAAAA_BBBB_CCCC_DDDD
    idx.record(fp_item("https://a.example/1", "a", fp))
    idx.record(fp_item("https://b.example/1", "b", fp ^ 1, duplicate_of="https://a.example/1"))
    idx.record(fp_item("https://c.example/1", "c", fp ^ 0b11, duplicate_of="https://a.example/1"))
    m = idx.lookup(fp_item("https://c.example/2", "c", fp ^ 0b110))
    assert m.site == "c" and m.distance == 2  # same site wins over b (3 bits) and a (2 bits, older)
    m = idx.lookup(fp_item("https://d.example/1", "d", fp ^ 0b1000))
    assert m.canonical_url == "https://a.example/1" and m.distance == 1
    m = idx.lookup(fp_item("https://d.example/1", "d", fp ^ 0b1001))  # b at 1 bit, a at 2
    assert m.canonical_url == "https://b.example/1" and m.first_seen_url == "https://a.example/1"


def test_memory_index_record_replaces_same_url():
    idx = MemoryDedupeIndex()
    idx.record(fp_item("https://a.example/1", "a", 0x1111_2222_3333_4444, chash="OLD"))
    idx.record(fp_item("https://a.example/1", "a", 0x9999_8888_7777_6666, chash="NEW"))
    assert len(idx) == 1
    assert idx.lookup(fp_item("https://b.example/1", "b", 0x1111_2222_3333_4444, chash="OLD")) is None
    assert idx.lookup(fp_item("https://b.example/1", "b", 0x5555_5555_5555_5555, chash="NEW")).kind == "exact"
    with pytest.raises(ValueError):
        idx.record({"site": "a"})
    with pytest.raises(ValueError):
        MemoryDedupeIndex(near_distance=65)


def test_items_without_simhash_only_match_exactly():
    idx = MemoryDedupeIndex()
    idx.record({"canonical_url": "https://a.example/v", "site": "a", "content_hash": "H", "simhash": None})
    assert idx.lookup({"canonical_url": "https://b.example/v", "site": "b", "content_hash": "H", "simhash": None}).kind == "exact"
    assert idx.lookup({"canonical_url": "https://b.example/v", "site": "b", "content_hash": "Z", "simhash": None}) is None


def test_banded_index_finds_exactly_what_a_linear_scan_finds():
    """The labelled set through the index: the same answers as comparing every pair."""
    docs = corpus.originals()

    def prepared(url, site, doc):
        item = article(url, site, doc, canonical=url)
        item["content_hash"] = content_hash(item["title_norm"], item["body_norm"])
        item["simhash"] = to_signed64(simhash64(item["body_norm"]))
        return item

    idx = MemoryDedupeIndex()
    stored = {site: idx.record(prepared(f"https://{site}/a", site, d)) for site, d in docs.items()}
    found = 0
    for site in docs:
        if site == corpus.CONTROL:
            continue
        for v in corpus.variants(site):
            probe = prepared(f"https://copy.example/{site}/{v.kind}", "copy", v)
            m = idx.lookup(probe)
            linear = [
                s for s, e in stored.items()
                if e.content_hash == probe["content_hash"] or hamming(e.simhash, probe["simhash"]) <= 3
            ]
            assert linear in ([], [site])
            assert (m.site if m else None) == (linear[0] if linear else None)
            found += m is not None
    assert found == 35


# --- the Mongo index -----------------------------------------------------------------------

class RecordingCollection:
    """A mongomock collection that records the filters and threads of ``find``."""

    def __init__(self, coll):
        self.coll, self.filters, self.threads = coll, [], []

    def find(self, *args, **kwargs):
        self.filters.append(args[0])
        self.threads.append(threading.current_thread())
        return self.coll.find(*args, **kwargs)


def test_dedupe_indexes_export(client):
    keys = [list(m.document["key"].items()) for m in DEDUPE_INDEXES]
    assert keys == [[("canonical_url", 1)], [("content_hash", 1)], [("sh0", 1)], [("sh1", 1)], [("sh2", 1)], [("sh3", 1)],
                    [("lsh_keys", 1)]]
    assert DEDUPE_INDEXES[0].document.get("unique") is True
    client.db.articles.create_indexes(DEDUPE_INDEXES)
    assert {"sh0_1", "sh3_1", "canonical_url_1", "content_hash_1", "lsh_keys_1"} <= set(client.db.articles.index_information())


def test_mongo_index_queries_are_indexed_equalities_and_read_only(client):
    coll = client.db.articles
    fp = 0xF0F0_0F0F_1234_5678
    coll.insert_one({"canonical_url": "https://a.example/1", "site": "a", "content_hash": "H",
                     "simhash": to_signed64(fp), **dict(zip(BAND_FIELDS, bands(fp)))})
    rec = RecordingCollection(coll)
    idx = MongoDedupeIndex(rec)
    probe = fp_item("https://b.example/1", "b", fp ^ 0b101, chash="Z")
    m = idx.lookup(probe)
    assert (m.kind, m.distance, m.source, m.canonical_url) == ("near", 2, "mongo", "https://a.example/1")
    b = bands(fp ^ 0b101)
    assert rec.filters == [  # one field each (no $or: a compatible server may scan for it)
        {"canonical_url": "https://b.example/1"}, {"content_hash": "Z"},
        {"sh0": b[0]}, {"sh1": b[1]}, {"sh2": b[2]}, {"sh3": b[3]},
    ]
    idx.record(probe)
    assert coll.count_documents({}) == 1  # record() never writes MongoDB
    assert len(idx) == 1


def test_mongo_index_memory_front_sees_unflushed_items(client):
    idx = MongoDedupeIndex(client.db.articles)
    fp = 0x1357_9BDF_2468_ACE0
    idx.record(fp_item("https://a.example/1", "a", fp))
    m = idx.lookup(fp_item("https://b.example/1", "b", fp ^ 1))
    assert (m.kind, m.source) == ("near", "memory")


def test_entry_from_signed_document():
    e = Entry.from_document({"canonical_url": "u", "simhash": to_signed64(2**64 - 5)})
    assert e.simhash == 2**64 - 5


# --- the pipeline ------------------------------------------------------------------------------

def test_pipeline_sets_fields(docs):
    run = Run()
    d = docs["youm7.com"]
    item = run.push(article("https://www.youm7.com/story/2020/8/24/x/4943459?utm_source=fb#top", "youm7", d))
    assert item["canonical_url"] == "https://www.youm7.com/story/2020/8/24/x/4943459"
    assert item["content_hash"] == content_hash(item["title_norm"], item["body_norm"])
    fp = simhash64(item["body_norm"])
    assert item["simhash"] == to_signed64(fp) and -(2**63) <= item["simhash"] < 2**63
    assert item["simhash_bands"] == list(bands(fp)) == [item[f] for f in BAND_FIELDS]
    assert item["duplicate_of"] is None and item["duplicate_kind"] is None
    # the spider's canonical_url (rel=canonical) wins over url, and is canonicalised
    item = run.push(article("https://youm7.com/amp/1", "youm7", docs["albayan.ae"],
                            canonical="https://WWW.youm7.com/story/%d8%a3?ref=hp"))
    assert item["canonical_url"] == "https://www.youm7.com/story/%D8%A3"


def test_short_text_gets_no_simhash():
    run = Run()
    item = run.push(article("https://a.example/v1", "a", title="فيديو", paragraphs=["شاهد الفيديو الكامل على موقعنا"]))
    assert item["simhash"] is None and item["simhash_bands"] is None and item["sh0"] is None
    other = run.push(article("https://a.example/v2", "a", title="فيديو آخر", paragraphs=["شاهد الفيديو الكامل على موقعنا"]))
    assert other is not None and other["duplicate_of"] is None  # boilerplate stubs are not "near copies"


def test_two_sites_same_story(docs):
    run = Run()
    d = docs["arabic.sputniknews.com"]
    first = run.push(article("https://arabic.sputniknews.com/a/1", "sputnik", d))
    exact = run.push(article("https://www.youm7.com/story/1", "youm7", d))
    assert (exact["duplicate_of"], exact["duplicate_kind"]) == ("https://arabic.sputniknews.com/a/1", "exact")
    v = {x.kind: x for x in corpus.variants("arabic.sputniknews.com")}
    near = run.push(article("https://www.alyaum.com/articles/2", "alyaum", v["ad"]))
    assert (near["duplicate_of"], near["duplicate_kind"]) == ("https://arabic.sputniknews.com/a/1", "near")
    retitled = run.push(article("https://elbaladtv.net/3", "elbaladtv", v["headline"]))
    assert retitled["duplicate_kind"] == "near"
    assert first["duplicate_of"] is None
    assert (run.stat("exact_cross_site"), run.stat("near_cross_site")) == (1, 2)


def test_same_site_copies_dropped_or_kept(docs, caplog):
    d = docs["lbcgroup.tv"]
    v = {x.kind: x for x in corpus.variants("lbcgroup.tv")}
    run = Run()
    run.push(article("https://www.lbcgroup.tv/news/1/ar", "lbci", d))
    with caplog.at_level(logging.INFO, logger="newscrawl.pipelines.dedupe"):
        assert run.push(article("https://www.lbcgroup.tv/print/1", "lbci", d)) is None
        assert run.push(article("https://www.lbcgroup.tv/news/1-x/ar", "lbci", v["headline"])) is None
    assert (run.stat("same_site_exact"), run.stat("same_site_near")) == (1, 1)
    assert "https://www.lbcgroup.tv/print/1" in caplog.text and "https://www.lbcgroup.tv/news/1/ar" in caplog.text
    assert "same-site exact duplicate" in run.dropped[0][1]
    dropped = run.dropped[0][0]  # the dropped item carries its key and what it duplicates
    assert dropped["canonical_url"] == "https://www.lbcgroup.tv/print/1"
    assert (dropped["duplicate_of"], dropped["duplicate_kind"]) == ("https://www.lbcgroup.tv/news/1/ar", "exact")
    assert dropped["alias_of"] == "https://www.lbcgroup.tv/news/1/ar"  # the storage records it as an alias

    keep = Run(DEDUPE_SAME_SITE="keep")
    keep.push(article("https://www.lbcgroup.tv/news/1/ar", "lbci", d))
    kept = keep.push(article("https://www.lbcgroup.tv/print/1", "lbci", d))
    assert kept["duplicate_of"] == "https://www.lbcgroup.tv/news/1/ar" and keep.stat("same_site_exact") == 1


def test_same_site_recognised_through_another_sites_copy(docs):
    """Site A's story, copied by B; A publishes it again under a new URL and the
    closest stored copy is B's: still a same-site copy of A (first-seen URL is A's)."""
    run = Run()
    d = docs["alyaum.com"]
    run.push(article("https://www.alyaum.com/articles/1", "alyaum", d))
    run.push(article("https://b.example/1", "b", d))
    assert run.push(article("https://www.alyaum.com/articles/1-amp", "alyaum", d)) is None
    assert run.stat("same_site_exact") == 1


def test_url_match_passes_through_and_keeps_duplicate_of(docs):
    run = Run()
    d = docs["assabah.com.tn"]
    run.push(article("https://www.assabah.com.tn/article/1", "assabah", d))
    copy = run.push(article("https://b.example/x", "b", d))
    again = run.push(article("https://b.example/x?utm_campaign=y", "b", d))
    assert again is not None and again["duplicate_of"] == copy["duplicate_of"] == "https://www.assabah.com.tn/article/1"
    assert run.stat("url") == 1


def test_rerun_keeps_the_same_unique_canonical_urls(client, docs):
    coll = client.newscrawl.articles
    coll.create_indexes(DEDUPE_INDEXES)

    def items():
        d, e = docs["youm7.com"], docs["albayan.ae"]
        return [
            article("https://www.youm7.com/story/1", "youm7", d),
            article("https://www.youm7.com/story/1?utm_source=tw", "youm7", d),  # same canonical
            article("https://www.youm7.com/story/1-print", "youm7", d),  # same site, other URL: dropped
            article("https://www.albayan.ae/a/2", "albayan", e),
            article("https://www.alyaum.com/c/3", "alyaum", d),  # another site: duplicate_of
        ]

    first = Run(client)
    for it in items():
        first.push(it, coll)
    urls_1 = sorted(coll.distinct("canonical_url"))
    assert urls_1 == ["https://www.albayan.ae/a/2", "https://www.alyaum.com/c/3", "https://www.youm7.com/story/1"]
    assert coll.find_one({"canonical_url": "https://www.youm7.com/story/1"})["republished_by"] == [
        {"site": "alyaum", "url": "https://www.alyaum.com/c/3"}
    ]

    second = Run(client)  # a new crawl: new crawler, new pipeline, same database
    for it in items():
        second.push(it, coll)
    assert sorted(coll.distinct("canonical_url")) == urls_1
    assert coll.count_documents({}) == 3
    assert second.stat("url") == 4 and second.stat("same_site_exact") == 1
    assert coll.find_one({"canonical_url": "https://www.alyaum.com/c/3"})["duplicate_of"] == "https://www.youm7.com/story/1"


def test_second_run_sees_first_runs_documents(client, docs):
    coll = client.newscrawl.articles
    d = docs["elbaladtv.net"]
    first = Run(client)
    stored = first.push(article("https://elbaladtv.net/yousra", "elbaladtv", d), coll)
    assert coll.find_one({"canonical_url": stored["canonical_url"]})["simhash"] == stored["simhash"]

    second = Run(client)
    v = {x.kind: x for x in corpus.variants("elbaladtv.net")}
    copy = second.push(article("https://www.youm7.com/story/yousra", "youm7", v["headline"]))
    assert (copy["duplicate_of"], copy["duplicate_kind"]) == ("https://elbaladtv.net/yousra", "near")
    assert second.push(article("https://elbaladtv.net/?p=317359", "elbaladtv", d)) is None
    assert second.stat("same_site_exact") == 1 and second.stat("near_cross_site") == 1


def test_mongo_lookups_run_off_the_calling_thread(client, docs):
    rec = RecordingCollection(client.newscrawl.articles)
    pings = []

    class Db(dict):
        def __getitem__(self, name):
            return rec

        def command(self, name):
            pings.append(threading.current_thread())
            return {"ok": 1}

    class Client(dict):
        admin = Db()

        def __getitem__(self, name):
            return Db()

    run = Run(Client())
    run.push(article("https://a.example/1", "a", docs["youm7.com"]))
    run.push(article("https://b.example/1", "b", docs["albayan.ae"]))
    assert rec.threads and all(t is not threading.main_thread() for t in rec.threads)
    # the shared availability probe blocks too: worker thread, once per crawl
    assert len(pings) == 1 and pings[0] is not threading.main_thread()


class FailingClient:
    """A client whose collections' find raises like a server that is down (the
    ``ping`` of the availability probe too, with ``ping_fails``)."""

    def __init__(self, ping_fails=False):
        self.calls = 0
        self.pings = 0
        self.ping_fails = ping_fails
        self.admin = self

    def __getitem__(self, name):
        return self

    def command(self, name):
        self.pings += 1
        if self.ping_fails:
            raise ServerSelectionTimeoutError("news-db.example:27017: [Errno 111] Connection refused")
        return {"ok": 1}

    def find(self, *a, **k):
        self.calls += 1
        raise ServerSelectionTimeoutError("news-db.example:27017: [Errno 111] Connection refused")


@pytest.mark.parametrize("ping_fails", [False, True], ids=["down-mid-crawl", "down-at-start"])
def test_mongo_failure_falls_back_to_memory(docs, caplog, ping_fails):
    failing = FailingClient(ping_fails)
    run = Run(failing, MONGO_URI="mongodb://crawler:s3cr%40t@news-db.example:27017/newscrawl")
    d = docs["youm7.com"]
    with caplog.at_level(logging.DEBUG, logger="newscrawl"):
        a = run.push(article("https://www.youm7.com/story/1", "youm7", d))
        b = run.push(article("https://www.alyaum.com/1", "alyaum", d))
        c = run.push(article("https://www.youm7.com/story/1-print", "youm7", d))
    assert a is not None and b["duplicate_of"] == "https://www.youm7.com/story/1" and c is None
    assert failing.pings == 1  # the crawler's shared probe, asked once
    assert failing.calls == (0 if ping_fails else 1)  # no lookup once known down; not retried for every item
    assert run.stat("mongo_unavailable") == 1
    # routine downtime: ONE warning, no error
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "mongodb://***@news-db.example:27017/newscrawl" in caplog.text and "s3cr" not in caplog.text




def test_real_pymongo_client_against_a_dead_server(docs, caplog):
    uri = f"mongodb://crawler:hunter2@127.0.0.1:{closed_port()}/newscrawl"

    def factory(config):
        return pymongo.MongoClient(config.uri, serverSelectionTimeoutMS=150, connectTimeoutMS=150)

    run = Run(None, MONGO_ENABLED=True, MONGO_URI=uri, MONGO_CLIENT_FACTORY=factory)
    with caplog.at_level(logging.WARNING, logger="newscrawl.pipelines.dedupe"):
        run.push(article("https://a.example/1", "a", docs["lbcgroup.tv"]))
        copy = run.push(article("https://b.example/1", "b", docs["lbcgroup.tv"]))
    assert copy["duplicate_kind"] == "exact" and run.stat("mongo_unavailable") == 1
    assert "ServerSelectionTimeoutError" in caplog.text and "hunter2" not in caplog.text


def test_mongo_disabled_uses_memory_only(docs):
    run = Run(None)
    assert isinstance(run.pipe.index, MemoryDedupeIndex)
    run.push(article("https://a.example/1", "a", docs["albayan.ae"]))
    assert run.push(article("https://b.example/1", "b", docs["albayan.ae"]))["duplicate_kind"] == "exact"
    assert run.stat("mongo_unavailable") is None


def test_ticker_repeats_dropped_per_site():
    run = Run()
    h = "عاجل: الحكومة تعلن"
    t = lambda site, headline, page: TickerItem(site=site, headline=headline, headline_norm=match_key(headline), page_url=page)
    assert run.push(t("youm7", h, "https://www.youm7.com/")) is not None
    assert run.push(t("youm7", "عاجل: الحُكومة تعلن", "https://www.youm7.com/section/1")) is None  # same key
    assert run.push(t("alyaum", h, "https://www.alyaum.com/")) is not None  # other site
    assert run.stat("ticker_repeat") == 1
    no_norm = TickerItem(site="youm7", headline="عاجل:  الحكومة تعلن")  # normalization skipped: computed here
    assert run.push(no_norm) is None and run.stat("ticker_repeat") == 2


def test_settings_validation():
    with pytest.raises(ValueError):
        Run(DEDUPE_SAME_SITE="delete")
    with pytest.raises(ValueError):
        Run(DEDUPE_NEAR_DISTANCE=70)
    run = Run(DEDUPE_NEAR_DISTANCE=0)
    assert run.pipe.index.near_distance == 0
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        DedupePipeline.from_crawler(get_crawler(settings_dict={"DEDUPE_ENABLED": False}))


# --- a real crawl, both reactor kinds ----------------------------------------------------------

CRAWL_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import scrapy
    try:
        import mongomock_ng as mongomock
    except ImportError:
        import mongomock
    from scrapy.crawler import CrawlerProcess
    from newscrawl.text.arabic import match_key
    from newscrawl.items import ArticleItem, TickerItem
    from newscrawl.dedupe.fingerprints import simhash64, to_signed64, bands, content_hash

    client = mongomock.MongoClient(tz_aware=True)
    BODY = [
        "أعلنت وزارة الصحة والسكان المصرية اليوم الثلاثاء تسجيل ثلاثين حالة جديدة بفيروس كورونا المستجد",
        "وأوضح المتحدث الرسمي للوزارة أن الحالات الجديدة التي ثبتت إيجابيتها جميعها من المخالطين",
        "وأشار إلى تسجيل حالتي وفاة جديدتين وأن جميع الحالات تخضع للرعاية الطبية وفقا لإرشادات المنظمة",
    ]
    def art(url, site, title="مصر تسجل إصابات جديدة"):
        it = ArticleItem(url=url, site=site, title=title, body=BODY)
        it["title_norm"] = match_key(title)
        it["body_norm"] = "\\n".join(match_key(p) for p in BODY)
        return it
    # an article stored by an earlier crawl
    old = art("https://old.example/1", "old")
    fp = simhash64(old["body_norm"])
    client.newscrawl.articles.insert_one({"canonical_url": "https://old.example/1", "site": "old",
        "content_hash": content_hash(old["title_norm"], old["body_norm"]), "simhash": to_signed64(fp),
        **dict(zip(["sh0", "sh1", "sh2", "sh3"], bands(fp)))})

    class S(scrapy.Spider):
        name = "s"
        async def start(self):
            yield art("https://a.example/1", "a")
            yield art("https://a.example/1?utm_source=x", "a")
            yield art("https://old.example/2", "old", title="عنوان آخر")
            h = "عاجل: خبر"
            yield TickerItem(site="a", headline=h, headline_norm=match_key(h))
            yield TickerItem(site="a", headline=h, headline_norm=match_key(h))

    settings = {"ITEM_PIPELINES": {"newscrawl.pipelines.dedupe.DedupePipeline": 200,
                                   "newscrawl.pipelines.dedupe.DropSameSiteCopiesPipeline": 400},
                "MONGO_CLIENT_FACTORY": lambda config: client, "LOG_LEVEL": "WARNING",
                "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False}
    if sys.argv[1] != "default":
        settings["TWISTED_REACTOR"] = sys.argv[1]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(S)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith(("newscrawl/", "item_"))}
    print(json.dumps(stats, default=str))
    """
)


@pytest.mark.parametrize(
    "reactor",
    ["twisted.internet.asyncioreactor.AsyncioSelectorReactor", "twisted.internet.epollreactor.EPollReactor"],
)
def test_real_crawl(reactor, tmp_path):
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), reactor], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    assert stats["newscrawl/dedupe/exact_cross_site"] == 1  # a.example/1 vs the stored old.example/1
    assert stats["newscrawl/dedupe/url"] == 1
    assert stats["newscrawl/dedupe/same_site_near"] == 1  # old.example/2: same body, new title, same site
    assert stats["newscrawl/dedupe/ticker_repeat"] == 1
    assert stats["item_scraped_count"] == 3 and stats["item_dropped_count"] == 2
    assert "newscrawl/dedupe/mongo_unavailable" not in stats


def test_memory_front_keeps_the_newest_entries_and_finds_older_ones_in_mongodb(mongo_uri, docs):
    """DEDUPE_MEMORY_ENTRIES bounds the crawl's memory (issue 14): the oldest entries are forgotten,
    counted, and a later copy of one of them is still found -- in MongoDB, on the real server."""
    import uuid

    import pymongo

    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    database = f"newscrawl_test_{uuid.uuid4().hex[:12]}"
    try:
        coll = client[database].articles
        # in flight to MongoDB: (1 + 1) x 1 = 2 items, so the bound may not go under 4
        run = Run(client, MONGO_DATABASE=database, DEDUPE_MEMORY_ENTRIES=3, MONGO_MAX_PENDING_BATCHES=1,
                  MONGO_BATCH_SIZE=1)
        assert run.pipe.memory_entries == 4
        sites = sorted(docs)
        assert len(sites) == 8
        for site in sites:
            run.push(article(f"https://{site}/story", site.split(".")[0], docs[site]), coll)
        assert len(run.pipe.index) == 4 and run.stat("memory_evicted") == 4
        oldest = sites[0]
        assert f"https://{oldest}/story" not in run.pipe.index.memory
        copy = run.push(article("https://mirror.example/copy", "mirror", docs[oldest]))
        assert (copy["duplicate_of"], copy["duplicate_kind"]) == (f"https://{oldest}/story", "exact")
        # without MongoDB nothing is forgotten: memory is then the only index
        alone = Run(None, DEDUPE_MEMORY_ENTRIES=4)
        for site in sites:
            alone.push(article(f"https://{site}/story", site.split(".")[0], docs[site]))
        assert len(alone.pipe.index) == len(sites) and alone.stat("memory_evicted") is None
    finally:
        client.drop_database(database)
        client.close()
