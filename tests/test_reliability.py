"""Issue 13: the failures found when the crawler was attacked from outside, each reproduced.

Every test here failed before its fix.  Real pages (tests/fixtures/pages, the two
legacy-encoded chardet pages) are the inputs; small synthetic inputs only where one
rule is checked (an RSS entry, a sitemap index, a dict key).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.text.encoding import _codec, repair_encoding
from newscrawl.extractors.base import ArticlePage
from newscrawl.items import ArticleItem
from newscrawl.spiders.base import NewsSpider
from newscrawl.spiders.youm7 import Youm7Spider
from tests.helpers import FIXTURES, page, split_output

CHARDET = FIXTURES / "encodings" / "chardet-tests"


def spider_and_stats(cls, settings=None, **kwargs):
    crawler = get_crawler(cls, settings_dict=settings)
    crawler._apply_settings()
    crawler.stats.open_spider()
    return cls.from_crawler(crawler, **kwargs), crawler.stats


def newscrawl_stats(stats) -> dict:
    return {k: v for k, v in stats.get_stats().items() if k.startswith("newscrawl/")}


# ---------------------------------------------------------------- 1. encoding
def _with_stray_bytes(body: bytes, every: int) -> tuple[bytes, int]:
    """``body`` with an invalid byte 0xFF after every ``every``-th ASCII space (never inside a character)."""
    out, n, spaces = bytearray(), 0, 0
    for b in body:
        out.append(b)
        if b == 0x20:
            spaces += 1
            if spaces % every == 0:
                out.append(0xFF)
                n += 1
    return bytes(out), n


def test_utf8_page_with_stray_bytes_stays_utf8_and_counts_them():
    utf8, oracle = page("youm7.com")
    body, n = _with_stray_bytes(utf8.body, 12)
    assert n > len(utf8.text) // 1000  # more stray bytes than the old 0.1 % threshold
    response = HtmlResponse(oracle["url"], body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                            request=Request(oracle["url"]))
    spider, stats = spider_and_stats(Youm7Spider)
    items, _ = split_output(spider.parse(response))
    (article,) = [i for i in items if isinstance(i, ArticleItem)]

    def without_replacements(s):
        return " ".join(s.replace("\ufffd", "").split())

    assert "\ufffd" in article["title"]  # the stray bytes are shown where they were ...
    assert without_replacements(article["title"]) == oracle["title"]  # ... and the rest is the page's UTF-8 text
    assert without_replacements(article["author"]) == oracle["author"]
    assert oracle["body_first_sentence"][:40] in without_replacements(" ".join(article["body"]))
    assert stats.get_value("newscrawl/encoding/replacement_chars") == n
    assert not [k for k in newscrawl_stats(stats) if k.startswith("newscrawl/encoding/repaired")]


def test_utf8_page_served_as_windows_1256_is_repaired_with_a_stat():
    """The mirror case: the header says windows-1256, the bytes and the <meta> are UTF-8."""
    utf8, oracle = page("youm7.com")
    response = HtmlResponse(oracle["url"], body=utf8.body, headers={"Content-Type": "text/html; charset=windows-1256"},
                            request=Request(oracle["url"]))
    assert oracle["title"] not in response.text  # as declared: mojibake
    spider, stats = spider_and_stats(Youm7Spider)
    items, _ = split_output(spider.parse(response))
    (article,) = [i for i in items if isinstance(i, ArticleItem)]
    assert article["title"] == oracle["title"]
    assert stats.get_value("newscrawl/encoding/repaired/cp1256->utf-8") == 1


@pytest.mark.parametrize("content_type", [
    "text/html",  # nothing declared: Scrapy's own detection is kept
    "text/html; charset=utf-8",  # a server's default label
    "text/html; charset=iso-8859-1",  # Apache's old default label
])
@pytest.mark.parametrize("name", ["qassam-beit-lahia-windows-1256", "qassam-beit-lahia-iso-8859-6"])
def test_legacy_page_without_declared_charset_decodes_to_its_oracle(name, content_type):
    body = (CHARDET / f"{name}.html").read_bytes()
    oracle = json.loads((CHARDET / f"{name}.expected.json").read_text(encoding="utf-8"))
    response = HtmlResponse("https://news.example/a/1", body=body, headers={"Content-Type": content_type})
    repaired, how = repair_encoding(response)
    assert oracle["body_first_sentence"] in repaired.text
    assert oracle["body_last_sentence"] in repaired.text
    assert "\ufffd" not in repaired.text
    assert _codec(repaired.encoding) == _codec(oracle["encoding"])
    if content_type != "text/html":
        assert how.endswith(f"->{_codec(oracle['encoding'])}")


def test_real_pages_in_their_declared_charset_are_left_alone():
    for name in ("youm7.com", "albayan.ae", "alyaum.com", "eldigitaldealbacete.com", "lbcgroup.tv"):
        response, _ = page(name)
        assert repair_encoding(response) == (response, None)
    for name, declared in (("qassam-beit-lahia-windows-1256", "windows-1256"),
                           ("qassam-beit-lahia-iso-8859-6", "iso-8859-6")):
        body = (CHARDET / f"{name}.html").read_bytes()
        response = HtmlResponse("https://news.example/a/1", body=body, headers={"Content-Type": f"text/html; charset={declared}"})
        assert repair_encoding(response) == (response, None)


# ---------------------------------------------------------------- 3. secrets in logs
@pytest.mark.parametrize("uri,secrets", [
    ("mongodb://newsuser:Sl/ashC3@db.example/", ["Sl/ashC3", "ashC3"]),
    ("mongodb://newsuser:s3cret@db.example/newsdb?authSource=admin", ["s3cret"]),
    ("mongodb+srv://newsuser:s3cret@cluster0.example.net/?retryWrites=true", ["s3cret"]),
    ("mongodb://admin@pw@db.example/", ["admin@pw", "pw@"]),
    ("mongodb://AKIAEXAMPLE:wJalrXUt@db.example/?authMechanism=MONGODB-AWS"
     "&authMechanismProperties=AWS_SESSION_TOKEN:FQoGZXIvYXdz", ["wJalrXUt", "FQoGZXIvYXdz"]),
    ("mongodb://db.example/?tls=true&tlsCertificateKeyFilePassword=hunter2", ["hunter2"]),
    ("mongodb://db.example/?password=hunter2&appname=x", ["hunter2"]),
    ("mongodb://db.example:27017,db2.example/?replicaSet=rs0&PASSWORD=hunter2", ["hunter2"]),
])
def test_mask_uri_hides_every_secret_form(uri, secrets):
    from newscrawl.storage.client import mask_uri, redact

    for text in (uri, f"cannot connect to {uri}: timed out", f"error ({uri})"):
        masked = mask_uri(text)
        for secret in secrets:
            assert secret not in masked, masked
        assert "db.example" in masked or "cluster0.example.net" in masked  # the server is still named
        assert secrets[0] not in redact(text, uri)


def test_mask_uri_keeps_what_is_not_secret():
    from newscrawl.storage.client import mask_uri

    assert mask_uri("mongodb://db.example:27017/newsdb?authSource=admin&w=majority") == \
        "mongodb://db.example:27017/newsdb?authSource=admin&w=majority"
    assert mask_uri("mongodb://newsuser:s3cret@db.example/newsdb") == "mongodb://***@db.example/newsdb"


# ---------------------------------------------------------------- 5. one bad entry in a feed or sitemap index
RSS = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://www.youm7.com/story/2024/3/14/a/1</link></item>
<item><title>b</title><link>javascript:alert(1)</link></item>
<item><title>c</title><link>http://[::1</link></item>
<item><title>d</title><link>https://www.youm7.com/story/2024/3/14/d/4</link></item>
</channel></rss>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.youm7.com/sitemap-1.xml</loc></sitemap>
<sitemap><loc>/sitemap-relative.xml</loc></sitemap>
<sitemap><loc>javascript:void(0)</loc></sitemap>
<sitemap><loc>https://www.youm7.com/sitemap-3.xml</loc></sitemap>
</sitemapindex>"""


def test_bad_rss_entry_is_counted_and_the_rest_followed():
    spider, stats = spider_and_stats(Youm7Spider)
    response = XmlResponse("https://www.youm7.com/rss", body=RSS, request=Request("https://www.youm7.com/rss"))
    _, requests = split_output(spider.parse_discovery(response))
    assert [r.url for r in requests] == ["https://www.youm7.com/story/2024/3/14/a/1",
                                         "https://www.youm7.com/story/2024/3/14/d/4"]
    assert stats.get_value("newscrawl/dropped/bad_link") == 2


def test_bad_sitemap_index_entry_is_counted_and_the_rest_followed():
    spider, stats = spider_and_stats(Youm7Spider)
    url = "https://www.youm7.com/sitemap_index.xml"
    response = XmlResponse(url, body=SITEMAP_INDEX, request=Request(url))
    _, requests = split_output(spider.parse_discovery(response))
    # a relative <loc> is not allowed by the protocol, but it names one URL: resolved against the index
    assert [r.url for r in requests] == ["https://www.youm7.com/sitemap-1.xml",
                                         "https://www.youm7.com/sitemap-relative.xml",
                                         "https://www.youm7.com/sitemap-3.xml"]
    assert stats.get_value("newscrawl/dropped/bad_link") == 1


def test_br25_gzipped_child_sitemap_without_content_encoding():
    index = (b'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>https://news.example/sitemap-news.xml.gz</loc></sitemap></sitemapindex>')
    sm = (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b'<url><loc>https://news.example/ar/%D8%AE%D8%A8%D8%B1-1/</loc><lastmod>2024-03-14T12:30:00+03:00</lastmod></url>'
          b'<url><loc>https://news.example/ar/%D8%AE%D8%A8%D8%B1-2/</loc></url></urlset>')
    spider, stats = spider_and_stats(NewsSpider, name="news", start_url="https://news.example/")
    _, (child,) = split_output(spider.parse_discovery(
        XmlResponse("https://news.example/sitemap_index.xml", body=index, request=Request("https://news.example/sitemap_index.xml"))))
    assert child.url == "https://news.example/sitemap-news.xml.gz"
    assert child.callback == spider.parse_discovery
    for content_type in ("application/x-gzip", "application/octet-stream"):
        from scrapy.http import Response

        response = Response(child.url, body=gzip.compress(sm), headers={"Content-Type": content_type}, request=child)
        _, requests = split_output(spider.parse_discovery(response))
        assert [r.url for r in requests] == ["https://news.example/ar/%D8%AE%D8%A8%D8%B1-1/",
                                             "https://news.example/ar/%D8%AE%D8%A8%D8%B1-2/"]
    assert not [k for k in newscrawl_stats(stats) if "bad" in k or "dropped" in k]


def test_gzip_bomb_sitemap_is_capped_and_counted():
    spider, stats = spider_and_stats(NewsSpider, {"DOWNLOAD_MAXSIZE": 1024 * 1024}, name="news",
                                     start_url="https://news.example/")
    bomb = gzip.compress(b"<urlset>" + b" " * (4 * 1024 * 1024) + b"</urlset>")
    from scrapy.http import Response

    url = "https://news.example/sitemap-big.xml.gz"
    response = Response(url, body=bomb, headers={"Content-Type": "application/x-gzip"}, request=Request(url))
    assert split_output(spider.parse_discovery(response)) == ([], [])
    assert stats.get_value("newscrawl/dropped/bad_sitemap") == 1


# ---------------------------------------------------------------- 6. exceptions escaping the page objects
def test_deeply_nested_json_ld_is_a_counted_drop_not_a_traceback():
    utf8, oracle = page("youm7.com")
    deep = "[" * 100_000 + "]" * 100_000
    body = utf8.body.replace(b"</head>", f'<script type="application/ld+json">{deep}</script></head>'.encode(), 1)
    response = HtmlResponse(oracle["url"], body=body, request=Request(oracle["url"]))
    spider, stats = spider_and_stats(NewsSpider, name="news")  # the generic ArticlePage reads JSON-LD in is_article()
    items, _ = split_output(spider.parse(response))  # must not raise
    # the JSON-LD reader refuses the block before any recursion (nested deeper than 64): that
    # block alone is dropped and counted, and the page reads as it does without it
    assert stats.get_value("newscrawl/jsonld/dropped/too_deep") == 1
    assert stats.get_value("newscrawl/dropped/extraction_error/RecursionError") is None
    plain_spider, _ = spider_and_stats(NewsSpider, name="news")
    plain, _ = split_output(plain_spider.parse(HtmlResponse(oracle["url"], body=utf8.body, request=Request(oracle["url"]))))
    assert [i["title"] for i in items if isinstance(i, ArticleItem)] == \
        [i["title"] for i in plain if isinstance(i, ArticleItem)]


def test_a_recursion_error_while_reading_a_page_is_a_counted_drop(monkeypatch):
    """Any exception escaping a page object (here the RecursionError the old JSON-LD reader raised
    from is_article()) is a counted drop, not a lost traceback."""
    utf8, oracle = page("youm7.com")
    response = HtmlResponse(oracle["url"], body=utf8.body, request=Request(oracle["url"]))

    def deep(self):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ArticlePage, "is_article", deep)
    spider, stats = spider_and_stats(NewsSpider, name="news")
    items, _ = split_output(spider.parse(response))  # must not raise
    assert not [i for i in items if isinstance(i, ArticleItem)]
    assert stats.get_value("newscrawl/dropped/extraction_error/RecursionError") == 1


# ---------------------------------------------------------------- 11. offsite by scheme and port too
def test_links_to_other_schemes_and_ports_are_offsite():
    spider, _ = spider_and_stats(NewsSpider, name="news", start_url="http://127.0.0.1:8123/rtl/")
    assert spider._is_internal("http://127.0.0.1:8123/rtl/a")
    assert not spider._is_internal("http://127.0.0.1:1/")
    assert not spider._is_internal("ftp://127.0.0.1:8123/file")
    assert not spider._is_internal("ftp://127.0.0.1/file")
    site, _ = spider_and_stats(Youm7Spider)
    assert site._is_internal("https://www.youm7.com/story/1")
    assert site._is_internal("http://www.youm7.com/story/1")  # http and https of an allowed host: one site
    assert site._is_internal("https://www.youm7.com:443/story/1")
    assert not site._is_internal("https://www.youm7.com:8443/story/1")
    assert not site._is_internal("ftp://www.youm7.com/story/1")


# ---------------------------------------------------------------- 10. counts that add up
def test_every_alias_of_a_crawl_is_stored_and_counted(tmp_path):
    """Same-site copies arriving after the last stored article (a crawl's usual tail) gave
    segments of alias ops only -- zero items -- which were never flushed: on a real crawl of
    324 copies only 107 aliases were stored.  Each alias is now stored, and the counts add up."""
    import asyncio

    import mongomock_ng

    from tests.test_mongo_pipeline import DB, article, feed, pipeline_for

    client = mongomock_ng.MongoClient(tz_aware=True)
    stories = [article(i) for i in range(1, 101)]  # one full batch: the copies start a new segment
    story = stories[0]
    copies = [article(100 + i, alias_of=story["canonical_url"]) for i in range(250)]
    again = [article(100, alias_of=story["canonical_url"])]  # one copy URL seen twice
    missing = [article(999, alias_of="https://news.example/alpha/not-stored")]
    pipeline = pipeline_for(tmp_path, client, MONGO_BATCH_SIZE=100, MONGO_FLUSH_INTERVAL=60)

    async def crawl():
        await pipeline.open_spider()
        await feed(pipeline, [*stories, *copies, *again, *missing])
        await pipeline.close_spider()

    asyncio.run(crawl())
    stats = pipeline.crawler.stats.get_stats()
    stored = client[DB]["articles"].find_one({"canonical_url": story["canonical_url"]})
    assert sorted(stored["aliases"]) == sorted(c["canonical_url"] for c in copies)
    assert stats["newscrawl/mongo/aliases_linked"] == 250
    assert stats["newscrawl/mongo/aliases_known"] == 1
    assert stats["newscrawl/mongo/aliases_missing"] == 1
    assert stats["newscrawl/mongo/spool_remaining"] == 0


def test_keys_that_sanitize_to_the_same_name_keep_both_values():
    from newscrawl.storage.writer import to_bson_value

    assert to_bson_value({"$a": 1, "\uff04a": 2}) == {"\uff04a": 2, "\uff04a~2": 1}
    assert to_bson_value({"\uff04a": 2, "$a": 1}) == {"\uff04a": 2, "\uff04a~2": 1}
    assert to_bson_value({"a.b": 1, "a$b": 2, "x": {"$k": 3}}) == {"a\uff0eb": 1, "a\uff04b": 2, "x": {"\uff04k": 3}}


def test_bson_copy_converts_nested_items_and_names_a_naive_datetime():
    from datetime import datetime, timedelta, timezone

    from newscrawl.items import TickerItem
    from newscrawl.storage.writer import ItemRejected, to_bson_value

    cairo = timezone(timedelta(hours=2))
    nested = TickerItem(headline="عاجل", seen_at=datetime(2026, 1, 2, 3, 4, tzinfo=cairo))
    images = [{"url": "u", "caption": None}]
    doc = to_bson_value({"images": images, "tags": ("أ", "ب"), "inner": nested, "n": 3})
    assert doc == {"images": [{"url": "u", "caption": None}], "tags": ["أ", "ب"], "n": 3,
                   "inner": {"headline": "عاجل", "seen_at": datetime(2026, 1, 2, 1, 4, tzinfo=timezone.utc)}}
    assert doc["images"][0] is not images[0]  # a fresh copy, never the item's own container
    with pytest.raises(ItemRejected, match=r"'dates\[1\]' is a naive datetime"):
        to_bson_value({"dates": [datetime(2026, 1, 1, tzinfo=cairo), datetime(2026, 1, 1)]})


def _strict_json(line: str):
    def refuse(token):
        raise ValueError(f"not JSON: {token}")

    return json.loads(line, parse_constant=refuse)


def test_nan_and_infinity_are_written_as_null_in_feeds_and_counted():
    import io

    from newscrawl.feeds.exporters import JsonExporter, JsonLinesExporter
    from newscrawl.pipelines.normalize import ArabicNormalizationPipeline
    from tests.test_mongo_pipeline import article

    item = article(1)
    item["images"] = [{"url": "https://news.example/i.jpg", "caption": None, "width": float("nan")}]
    for exporter_cls in (JsonLinesExporter, JsonExporter):
        out = io.BytesIO()
        exporter = exporter_cls(out)
        exporter.start_exporting()
        exporter.export_item(item)
        exporter.finish_exporting()
        text = out.getvalue().decode("utf-8")
        doc = _strict_json(text.strip())
        doc = doc[0] if isinstance(doc, list) else doc
        assert doc["images"][0]["width"] is None
        assert doc["title"] == item["title"]

    crawler = get_crawler(NewsSpider)
    crawler._apply_settings()
    crawler.stats.open_spider()
    out = ArabicNormalizationPipeline(crawler.stats).process_item(item)
    assert out["images"][0]["width"] is None
    assert crawler.stats.get_value("newscrawl/values/non_finite_nulled") == 1


# ---------------------------------------------------------------- 2. transient per-document write errors
def per_document_error(index: int, code: int, labels: list | None = None):
    """A bulk update reply with one per-document write error (the document is not applied)."""
    def action(server, request):
        reply = server.execute(request, skip=frozenset({index}))
        error = {"index": index, "code": code, "errmsg": f"transient error {code}"}
        if labels:
            error["errorLabels"] = labels
        reply["writeErrors"] = [error]
        if labels:
            reply["errorLabels"] = labels
        return request.replies(reply)

    return action


@pytest.fixture(scope="module")
def fake_mongod():
    from tests.test_mongo_wire import FakeMongod

    with FakeMongod() as server:
        yield server


@pytest.mark.parametrize("code,labels", [
    (11601, None),  # Interrupted (observed under attack)
    (13388, None),  # StaleConfig (observed under attack)
    (11602, None),  # InterruptedDueToReplStateChange: retryable-writes specification
    (1, ["RetryableWriteError"]),  # any code the server labels retryable
])
def test_transient_per_document_write_errors_are_retried(fake_mongod, tmp_path, code, labels):
    from tests.test_mongo_wire import DB as WIRE_DB, article as wire_article, flush, make_writer

    fake_mongod.reset()
    writer = make_writer(fake_mongod.uri, tmp_path / "spool")
    try:
        writer.open()
        fake_mongod.fault("update", per_document_error(1, code, labels))
        counts = flush(writer, [wire_article(i) for i in range(3)])
    finally:
        writer.client.close()
    assert counts["written"] == 3 and counts["retries"] == 1
    assert not [k for k in counts if k.startswith("dropped/")]
    assert fake_mongod.backend[WIRE_DB]["articles"].count_documents({}) == 3
    assert not (tmp_path / "spool" / "rejected").exists()


def test_transient_error_that_persists_keeps_the_items_spooled(fake_mongod, tmp_path):
    from tests.test_mongo_wire import article as wire_article, flush, make_writer

    fake_mongod.reset()
    writer = make_writer(fake_mongod.uri, tmp_path / "spool", retry_times=2)
    try:
        writer.open()
        for _ in range(3):
            fake_mongod.fault("update", per_document_error(0, 11601))
        counts = flush(writer, [wire_article(i) for i in range(2)])
    finally:
        writer.client.close()
    assert counts["written"] == 1 and counts["spooled"] == 1  # never "refused for good"
    assert writer.spool.summary().items == 1
    assert not (tmp_path / "spool" / "rejected").exists()


def _finished_crawler(**stats):
    from newscrawl.spiders.youm7 import Youm7Spider as S

    crawler = get_crawler(S)
    crawler._apply_settings()
    crawler.stats.open_spider()
    crawler.stats.set_value("start_time", __import__("datetime").datetime.now())
    crawler.stats.set_value("finish_reason", "finished")
    crawler.stats.set_value("newscrawl/pages", 3)
    for k, v in stats.items():
        crawler.stats.set_value(k, v)
    return crawler


def test_items_refused_for_good_make_the_exit_status_non_zero():
    from newscrawl.ops import runstatus

    assert runstatus.exit_code_for([_finished_crawler()]) == 0
    crawler = _finished_crawler(**{"newscrawl/mongo/dropped/write_error": 2})
    assert runstatus.exit_code_for([crawler]) == runstatus.EXIT_MONGO_SPOOLED == 4


def test_mongo_replay_rejected_sends_the_refused_writes_again(tmp_path, mongo_uri):
    import subprocess
    import sys
    import uuid

    import pymongo

    from newscrawl.storage.spool import Spool
    from newscrawl.storage.writer import ops_for_item
    from tests.test_mongo_pipeline import article

    spool = Spool(tmp_path / "spool")
    (op,) = ops_for_item(article(7))
    spool.reject([{"reason": "write_error", "batch": "b1", "op": op.to_json(), "error": {"code": 121}}])
    spool.reject([{"reason": "naive_datetime", "error": "field 'published'", "document": {"canonical_url": "x"}}])
    database = f"issue13_{uuid.uuid4().hex[:8]}"
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "scrapy", "mongo-replay", "--spool", str(tmp_path / "spool"), "--rejected",
           "-s", f"MONGO_URI={mongo_uri}", "-s", f"MONGO_DATABASE={database}"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120)
    assert "1 writes queued again, 1 entries cannot be sent" in proc.stdout, proc.stdout + proc.stderr
    assert proc.returncode == 1  # the entry that is no write is still there
    client = pymongo.MongoClient(mongo_uri)
    try:
        doc = client[database]["articles"].find_one({"canonical_url": article(7)["canonical_url"]})
        assert doc["title"] == article(7)["title"]
    finally:
        client.drop_database(database)
        client.close()
    (left,) = spool.rejected_entries()
    assert left["reason"] == "naive_datetime"
    assert spool.summary().batches == 0


# ---------------------------------------------------------------- 7. the run lock
def test_lock_holds_when_its_file_is_deleted(tmp_path):
    from newscrawl.ops.lock import LockHeld, RunLock

    path = tmp_path / "newscrawl.ops.lock"
    with RunLock(str(path)):
        path.unlink()  # a tmp cleaner, or an operator "removing a stale lock"
        with pytest.raises(LockHeld):
            RunLock(str(path)).acquire()
        path.write_text("stale\n")  # ... or replacing it
        with pytest.raises(LockHeld):
            RunLock(str(path)).acquire()
    with RunLock(str(path)):  # released: the next run takes it
        pass


def test_lock_of_another_path_is_another_lock(tmp_path):
    from newscrawl.ops.lock import RunLock

    with RunLock(str(tmp_path / "a.lock")), RunLock(str(tmp_path / "b.lock")):
        pass


@pytest.mark.parametrize("kind", ["folder", "under_a_file"])
def test_unwritable_lock_path_is_exit_6_with_one_line(tmp_path, kind):
    import subprocess
    import sys

    if kind == "folder":
        lock = tmp_path / "locks"
        lock.mkdir()
    else:
        (tmp_path / "file").write_text("x")
        lock = tmp_path / "file" / "newscrawl.ops.lock"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "--lock", str(lock),
                           "-a", "start_url=http://127.0.0.1:1/rtl/"],
                          cwd=root, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "MONGO_ENABLED": "0"})
    assert proc.returncode == 6, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if "lock" in ln and str(lock) in ln and "exit status" not in ln]
    assert line.startswith("newscrawl: cannot take the lock")


# ---------------------------------------------------------------- 4. a feed that cannot be written
def _limit_file_size(nbytes):
    def preexec():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return preexec


@pytest.mark.parametrize("incremental", ["0", "1"])  # "1": the incremental state file fills up too
def test_feed_that_cannot_be_written_is_not_left_torn_and_exits_non_zero(tmp_path, incremental):
    import os
    import subprocess
    import sys

    from newscrawl.ops import runstatus
    from tests.loopback import LoopbackSite

    root = Path(__file__).resolve().parent.parent
    with LoopbackSite() as site:
        cmd = [sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
               "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state",
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO", "-s", "NEWSCRAWL_LOG_STATS=1",
               "-s", f"NEWSCRAWL_INCREMENTAL={incremental}"]
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "MONGO_ENABLED": "0"}, preexec_fn=_limit_file_size(6000))
    assert proc.returncode == runstatus.EXIT_FEED_FAILED == 7, proc.stderr[-3000:]
    folder = tmp_path / "feeds" / "jannah_demo"
    assert list(folder.glob("*.jsonl")) == []  # no torn file where a complete one is expected
    (partial,) = folder.glob("*.jsonl.failed")
    lines = partial.read_bytes().split(b"\n")
    assert all(json.loads(line) for line in lines[:-1])  # what reached the disk is kept for inspection
    errors = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln]
    assert 1 <= len(errors) <= 3, errors
    assert "feed" in proc.stderr and "exit status 7" in proc.stderr
    if incremental == "1":  # the next run fetches those articles again: one warning, counted
        assert "'newscrawl/incremental/state_write_failed'" in proc.stderr
        assert len([ln for ln in proc.stderr.splitlines() if "incremental state" in ln]) == 1


def test_feed_is_written_under_a_temporary_name_and_renamed(tmp_path):
    from newscrawl.feeds.files import AtomicFileFeedStorage

    target = tmp_path / "feeds" / "x.jsonl"
    storage = AtomicFileFeedStorage(str(target), feed_options={"overwrite": True})
    fh = storage.open(None)
    fh.write(b'{"a": 1}\n')
    assert not target.exists()  # readers never see half a file
    storage.store(fh)
    assert target.read_bytes() == b'{"a": 1}\n'
    assert [p.name for p in target.parent.iterdir()] == ["x.jsonl"]


# ---------------------------------------------------------------- 9. storage that cannot work, found out at once
def test_spool_that_cannot_be_written_stops_the_crawl_at_open(tmp_path):
    import asyncio

    import mongomock_ng

    from newscrawl.storage.client import MongoConfigError
    from tests.test_mongo_outage_ops import file_size_limit
    from tests.test_mongo_pipeline import pipeline_for

    (tmp_path / "spool").mkdir()
    pipeline = pipeline_for(tmp_path, mongomock_ng.MongoClient(tz_aware=True))
    with file_size_limit(0), pytest.raises(MongoConfigError) as info:  # no byte can be written: a full disk
        asyncio.run(pipeline.open_spider())
    assert "spool" in str(info.value) and str(tmp_path / "spool") in str(info.value)
    assert pipeline.crawler.stats.get_value("newscrawl/mongo/config_error") == 1
    assert [p.name for p in (tmp_path / "spool").iterdir()] == []  # the probe left nothing behind


def test_a_server_that_never_answers_costs_one_bounded_attempt_per_batch(fake_mongod, tmp_path):
    """MONGO_BATCH_TIMEOUT bounds the whole write of a batch (retries included): here it is
    shorter than one socket timeout, so one attempt is made, not 1 + MONGO_RETRY_TIMES."""
    from tests.test_mongo_wire import article as wire_article, flush, make_writer, silent_after_apply

    fake_mongod.reset()
    writer = make_writer(fake_mongod.uri, tmp_path / "spool", retry_times=3, socket_ms=3000, batch_timeout=0.5)
    try:
        writer.open()
        for _ in range(8):
            fake_mongod.fault("update", silent_after_apply)
        counts = flush(writer, [wire_article(i) for i in range(3)])
    finally:
        writer.client.close()
    assert counts["spooled"] == 3 and counts["retries"] == 0
    assert fake_mongod.commands.count("update") == 1
    assert writer.spool.summary().items == 3


# ---------------------------------------------------------------- 8. exit statuses
def test_bad_time_zone_and_boolean_arguments_are_refused():
    from newscrawl.spiders.generic import GenericSpider

    with pytest.raises(ValueError, match="tz='Beirut'"):
        GenericSpider(url="https://news.example/a/1", tz="Beirut")
    assert GenericSpider(url="https://news.example/a/1", tz="Asia/Beirut").timezone == "Asia/Beirut"
    with pytest.raises(ValueError, match="follow='maybe'"):
        NewsSpider(name="news", follow="maybe")
    for value, expected in (("0", False), ("false", False), ("No", False), ("1", True), ("true", True), (True, True)):
        assert NewsSpider(name="news", follow=value).follow is expected


def test_a_crawl_stopped_before_it_could_finish_is_exit_2_not_a_configuration_error():
    """A second Ctrl-C / SIGTERM while MongoDB hangs stops the engine without a finish_reason."""
    from newscrawl.ops import runstatus

    crawler = _finished_crawler()
    stats = crawler.stats.get_stats()
    del stats["finish_reason"]
    crawler.stats.set_stats(stats)
    assert runstatus.exit_code_for([crawler]) == runstatus.EXIT_SPIDER_ERROR == 2
    never_started = get_crawler(Youm7Spider)
    assert runstatus.exit_code_for([never_started]) == runstatus.EXIT_CANNOT_START == 6


def _run(cmd, tmp_path, **kw):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "scrapy", *cmd, "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds",
                           "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state"], cwd=root, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "MONGO_ENABLED": "0"}, **kw)


@pytest.mark.parametrize("arg", ["max_articles=abc", "follow=maybe"])
def test_scrapy_crawl_with_a_bad_argument_is_one_line_and_exit_6(tmp_path, arg):
    proc = _run(["crawl", "youm7", "-a", arg], tmp_path)
    assert proc.returncode == 6, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "never retrieved" not in proc.stderr
    # the spider's one end line, as crawlall prints it
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("newscrawl: youm7:")]
    assert "could not start: ValueError: spider argument" in line


def _descendants_running(marker: str) -> list[int]:
    import os

    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline and b"crawlall" in cmdline:
            pids.append(int(pid))
    return pids


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_sequential_crawl_forwards_signals_and_holds_the_lock_until_the_child_exits(tmp_path, sig):
    import os
    import signal
    import subprocess
    import sys
    import time

    from newscrawl.ops.lock import LockHeld, RunLock
    from tests.loopback import LoopbackSite

    root = Path(__file__).resolve().parent.parent
    lock = tmp_path / "run.lock"
    with LoopbackSite(extra_articles=200) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "--sequential", "--lock", str(lock),
               "-a", f"start_url={site.base}/rtl/", "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds",
               "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state", "-s", "AUTOTHROTTLE_ENABLED=0",
               "-s", "DOWNLOAD_DELAY=0.2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, "MONGO_ENABLED": "0"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90
        while not [p for p in site.fetched() if p.startswith("/rtl/20")] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_descendants_running(str(tmp_path))) == 2  # the parent and its child
        proc.send_signal(getattr(signal, sig))
        with pytest.raises(LockHeld):  # the child still crawls: the lock is still held
            RunLock(str(lock)).acquire()
        _, err = proc.communicate(timeout=90)
        assert _descendants_running(str(tmp_path)) == []  # no orphan left crawling
    assert proc.returncode == 2, err[-3000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    with RunLock(str(lock)):
        pass


def test_sigterm_while_mongodb_hangs_is_a_clean_shutdown(fake_mongod, tmp_path):
    """The server accepts the writes and never answers; SIGTERM mid-crawl: the crawl closes
    with finish_reason=shutdown (exit 2, not 6), the unacknowledged items wait in the spool."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.loopback import LoopbackSite
    from tests.test_mongo_wire import silent_after_apply

    fake_mongod.reset()
    for _ in range(500):
        fake_mongod.fault("update", silent_after_apply)
    root = Path(__file__).resolve().parent.parent
    with LoopbackSite(extra_articles=200) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
               "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state",
               "-s", f"MONGO_SPOOL_DIR={tmp_path}/spool", "-s", f"MONGO_URI={fake_mongod.uri}",
               "-s", "MONGO_SOCKET_TIMEOUT_MS=1000", "-s", "MONGO_BATCH_TIMEOUT=1.5", "-s", "MONGO_BATCH_SIZE=1",
               "-s", "MONGO_RETRY_BACKOFF=0.1", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.2",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, "MONGO_ENABLED": "1"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90
        while len([p for p in site.fetched() if p.startswith("/rtl/20")]) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err[-3000:]
    assert "finish_reason=shutdown" in err
    assert "Cannot use MongoClient after close" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("times", [1, 2])
def test_scrapy_crawl_stopped_by_ctrl_c_is_exit_2(tmp_path, times):
    """A double Ctrl-C used to exit 0, as if the crawl had finished."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.loopback import LoopbackSite

    root = Path(__file__).resolve().parent.parent
    with LoopbackSite(extra_articles=200) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
               "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state",
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0.2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, "MONGO_ENABLED": "0"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90
        while not [p for p in site.fetched() if p.startswith("/rtl/20")] and time.monotonic() < deadline:
            time.sleep(0.1)
        for _ in range(times):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.3)
        _, err = proc.communicate(timeout=90)
    assert proc.returncode == 2, err[-3000:]
    assert "newscrawl: exit status 2" in err and "Traceback" not in err
