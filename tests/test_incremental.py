"""Incremental crawls: what counts as already stored, from MongoDB (mongomock-ng) or the local state file."""

import json
from datetime import datetime, timedelta, timezone

import mongomock_ng
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from newscrawl.ops.incremental import IncrementalMiddleware
from newscrawl.items import ArticleItem
from newscrawl.spiders.jannah_demo import JannahDemoSpider
from newscrawl.storage.writer import ops_for_item

NOW = datetime.now(timezone.utc)
STORY = "https://jannah.tielabs.com/rtl/2016/10/28/%D9%84%D8%A7-story/"
COPY = "https://jannah.tielabs.com/rtl/2016/10/29/%D9%84%D8%A7-copy/"


def middleware(tmp_path, client=None, **settings):
    base = {"NEWSCRAWL_STATE_DIR": str(tmp_path), "MONGO_ENABLED": client is not None}
    if client is not None:
        base["MONGO_CLIENT_FACTORY"] = lambda config: client
    crawler = get_crawler(JannahDemoSpider, {**base, **settings})
    crawler._apply_settings()
    mw = IncrementalMiddleware.from_crawler(crawler)
    crawler.stats.open_spider()
    spider = JannahDemoSpider()
    mw.cutoff = NOW - mw.refresh
    mw._load(spider.name)
    return mw, spider


def request(url, kind="article"):
    return Request(url, meta={"page_kind": kind})


def test_alias_item_becomes_one_aliases_update_of_the_stored_story():
    item = ArticleItem(url=COPY, canonical_url=COPY, site="jannah_demo", title="x", body=["y"], alias_of=STORY,
                       crawled_at=NOW)
    (op,) = ops_for_item(item)
    assert (op.coll, op.kind, op.filter, op.upsert) == ("articles", "alias", {"canonical_url": STORY}, False)
    assert op.update == {"$addToSet": {"aliases": COPY}}


def test_stored_urls_and_aliases_from_mongodb_are_not_fetched_again(tmp_path):
    client = mongomock_ng.MongoClient(tz_aware=True)
    client["newscrawl"]["articles"].insert_many([
        {"site": "jannah_demo", "canonical_url": STORY, "url": STORY, "aliases": [COPY], "crawled_at": NOW},
        {"site": "jannah_demo", "canonical_url": STORY + "old/", "url": STORY + "old/",
         "crawled_at": NOW - timedelta(days=30)},  # older than the refresh window: fetched again
        {"site": "other", "canonical_url": STORY + "x/", "url": STORY + "x/", "crawled_at": NOW},
    ])
    mw, spider = middleware(tmp_path, client, NEWSCRAWL_REFRESH_DAYS=7)
    assert mw.source == "mongodb"
    for url in (STORY, COPY, STORY.lower()):  # lower-case escapes: the same URL
        with pytest.raises(IgnoreRequest):
            mw.process_request(request(url), spider)
    assert mw.process_request(request(STORY + "old/"), spider) is None
    assert mw.process_request(request(STORY + "x/"), spider) is None  # another site's record
    assert mw.process_request(request(STORY, kind="home"), spider) is None  # never skipped
    assert mw.process_request(request(STORY, kind="listing"), spider) is None
    assert mw.crawler.stats.get_value("newscrawl/incremental/skipped") == 3


def test_state_file_when_mongodb_is_off_records_scraped_and_same_site_copies(tmp_path):
    mw, spider = middleware(tmp_path)
    assert mw.source == "file"
    mw.item_scraped(ArticleItem(url=STORY, canonical_url=STORY, crawled_at=NOW), spider)
    mw.item_dropped(ArticleItem(url=COPY, canonical_url=COPY, alias_of=STORY, crawled_at=NOW), None, None, spider)
    mw.item_dropped(ArticleItem(url=STORY + "z/", canonical_url=STORY + "z/", crawled_at=NOW), None, None, spider)
    mw.spider_closed(spider)
    lines = [json.loads(line) for line in (tmp_path / "jannah_demo.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["url"] for r in lines] == [STORY, COPY]  # a drop for another reason is not "stored"
    # a torn last line (crash mid-write) is skipped, not fatal
    with (tmp_path / "jannah_demo.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"url": "http://x/", "crawl')
    mw2, _ = middleware(tmp_path)
    with pytest.raises(IgnoreRequest):
        mw2.process_request(request(COPY), spider)
    assert mw2.process_request(request(STORY + "z/"), spider) is None


def test_database_named_in_the_uri_is_read_when_mongo_database_is_unset(tmp_path):
    client = mongomock_ng.MongoClient(tz_aware=True)
    client["newsdb"]["articles"].insert_one({"site": "jannah_demo", "canonical_url": STORY, "url": STORY,
                                             "crawled_at": NOW})
    mw, spider = middleware(tmp_path, client, MONGO_URI="mongodb://db.example/newsdb", MONGO_DATABASE=None)
    assert mw.source == "mongodb"
    with pytest.raises(IgnoreRequest):
        mw.process_request(request(STORY), spider)
