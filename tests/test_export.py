"""``scrapy export`` / newscrawl.feeds.export: JSON Lines, JSON and JSON Feed 1.1 from MongoDB.

The stored documents are built from the real saved pages' oracles
(tests/fixtures/pages/*/*.expected.json: title, first/last body sentence, author,
categories, tags, ticker headlines) plus the pages' own og:image / og:description;
datetimes are the oracles' publication instants converted to aware UTC.
MongoDB is mongomock-ng (``MongoClient(tz_aware=True)``); the only subprocess
tests need no server (unreachable URI, usage error).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import parsel
import pytest

try:
    import mongomock_ng as mongomock  # the mongomock-ng distribution's import name
except ImportError:  # pragma: no cover - older packaging
    import mongomock

from newscrawl.feeds import export
from newscrawl.feeds.export import (
    JSONFEED_VERSION,
    article_to_jsonfeed_item,
    iter_documents,
    parse_when,
    write_json,
    write_jsonfeed,
    write_jsonl,
)

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).parent / "fixtures" / "pages"
UTC = timezone.utc

pytestmark = pytest.mark.filterwarnings("ignore:'batch_size' is accepted by Cursor:UserWarning")

# site (spider) name -> (fixture dir, publication instant in UTC).  The instants are the
# oracles' "published" values converted to UTC by hand: +04:00 Dubai, KSA +03:00 (the
# oracle's value has no zone; its notes say local time), Tunis +01:00 (date only),
# Cairo +02:00 (no DST in 2020).
ARTICLES = {
    "albayan": ("albayan.ae", datetime(2020, 6, 2, 23, 1, tzinfo=UTC)),
    "alyaum": ("alyaum.com", datetime(2020, 11, 30, 23, 0, tzinfo=UTC)),
    "sputnik_ar": ("arabic.sputniknews.com", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    "assabah": ("assabah.com.tn", datetime(2019, 2, 7, 23, 0, tzinfo=UTC)),
    "elbaladtv": ("elbaladtv.net", datetime(2020, 12, 24, 23, 59, 50, tzinfo=UTC)),
    "lbci": ("lbcgroup.tv", datetime(2026, 1, 8, 11, 42, 50, tzinfo=UTC)),
    "youm7": ("youm7.com", datetime(2020, 8, 24, 7, 23, tzinfo=UTC)),
}
TICKER_SITES = {"sputnik_ar": "arabic.sputniknews.com", "youm7": "youm7.com", "jannah_demo": "jannah.tielabs.com"}

ARABIC_ESCAPE = re.compile(r"\\u0[6-7][0-9a-fA-F]{2}")


def oracle(site_dir: str) -> tuple[dict, parsel.Selector]:
    exp = next((PAGES / site_dir).glob("*.expected.json"))
    html = exp.with_name(exp.name.removesuffix(".expected.json") + ".html")
    return json.loads(exp.read_text(encoding="utf-8")), parsel.Selector(html.read_text(encoding="utf-8"))


def article_doc(site: str) -> dict:
    site_dir, published = ARTICLES[site]
    o, sel = oracle(site_dir)
    body = [o["body_first_sentence"], o["body_last_sentence"]]
    image = sel.css('meta[property="og:image"]::attr(content)').get()
    lead = sel.css('meta[property="og:description"]::attr(content)').get()
    return {
        "url": o["url"],
        "canonical_url": o["url"],
        "site": site,
        "title": o["title"],
        "published": published,
        "published_raw": o["published"],
        "modified": None,
        "author": o["author"],
        "agency": None,
        "lead": lead.strip() if lead else None,
        "body": body,
        "categories": o["categories"],
        "tags": o["tags"],
        "images": [{"url": image, "caption": None}] if image else [],
        "language": "ar",
        "crawled_at": datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
        "first_seen": datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
        "last_seen": datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
        "extraction": "generic",
        # internal fields (stand-in values: the export only has to leave them out)
        "title_norm": o["title"],
        "body_norm": "\n".join(body),
        "categories_norm": o["categories"],
        "content_hash": hashlib.sha1((o["title"] + "\n".join(body)).encode()).hexdigest(),
        "simhash": -1234567890123,
        "simhash_bands": [1, 2, 3, 4],
        "duplicate_of": None,
        "duplicate_kind": None,
    }


def ticker_docs() -> list[dict]:
    docs = []
    for n, (site, site_dir) in enumerate(sorted(TICKER_SITES.items())):
        o, _ = oracle(site_dir)
        for pos, headline in enumerate(o["ticker_headlines"][:3]):
            first = datetime(2026, 11, 1, 6, 0, tzinfo=UTC) + timedelta(hours=n)
            last = first + timedelta(minutes=30 * pos)
            docs.append({
                "site": site, "headline": headline, "headline_norm": headline, "url": None,
                "position": pos, "page_url": o["url"], "published": None, "published_raw": None,
                "first_seen": first, "last_seen": last, "seen_at": [first, last],
            })
    return docs


@pytest.fixture
def db():
    client = mongomock.MongoClient(tz_aware=True)
    database = client["newscrawl"]
    docs = [article_doc(site) for site in ARTICLES]
    docs[2]["duplicate_of"] = docs[0]["url"]  # shape only: a near-duplicate mark on one article
    docs[2]["duplicate_kind"] = "near"
    docs[0]["republished_by"] = [{"site": "sputnik_ar", "url": docs[2]["url"]}]
    database["articles"].insert_many(docs)
    database["tickers"].insert_many(ticker_docs())
    return database


def url_of(site: str) -> str:
    return oracle(ARTICLES[site][0])[0]["url"]


def export_text(writer, docs, **kw) -> str:
    buf = io.StringIO()
    writer(docs, buf, **kw)
    return buf.getvalue()


# --- JSON Feed 1.1 validator ------------------------------------------------------------


def _rfc3339(value) -> datetime:
    assert isinstance(value, str) and "T" in value, value
    dt = datetime.fromisoformat(value)
    assert dt.tzinfo is not None and dt.utcoffset() is not None, f"{value}: no offset"
    return dt


def validate_jsonfeed(feed: dict) -> None:
    """The JSON Feed 1.1 rules (https://jsonfeed.org/version/1.1) this exporter must keep."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    for key in ("home_page_url", "feed_url", "description", "language"):
        assert key not in feed or isinstance(feed[key], str)
    assert isinstance(feed["items"], list)
    ids = [item["id"] for item in feed["items"]]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids), "item ids must be unique"
    for item in feed["items"]:
        assert isinstance(item.get("content_text"), str) or isinstance(item.get("content_html"), str)
        for key in ("url", "title", "summary", "image", "language", "content_text"):
            assert key not in item or isinstance(item[key], str), key
        for key in ("date_published", "date_modified"):
            if key in item:
                _rfc3339(item[key])
        for author in item.get("authors", []):
            assert isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"]
        tags = item.get("tags", [])
        assert isinstance(tags, list) and all(isinstance(t, str) for t in tags) and len(set(tags)) == len(tags)
        for key in item:
            assert key in {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
                           "image", "banner_image", "date_published", "date_modified", "authors", "tags",
                           "language", "attachments"} or key.startswith("_"), f"unknown item member {key}"


# --- formats ----------------------------------------------------------------------------


def test_jsonl_is_utf8_json_lines_with_literal_arabic_and_utc_offsets(db):
    text = export_text(write_jsonl, iter_documents(db["articles"]))
    raw = text.encode("utf-8")
    assert not ARABIC_ESCAPE.search(text), "Arabic escaped as \\u06xx (BR-11)"
    assert "القائم بأعمال السفارة الأفغانية يثمّن جهود الإمارات" in raw.decode("utf-8")
    lines = text.splitlines()
    assert len(lines) == len(ARTICLES)
    rows = [json.loads(line) for line in lines]
    assert {r["url"] for r in rows} == {url_of(s) for s in ARTICLES}
    for r in rows:
        assert r["published"].endswith("+00:00") and r["crawled_at"].endswith("+00:00")
        assert not any(k == "_id" or k.endswith("_norm") or k.startswith("simhash") or k == "content_hash"
                       for k in r)
    albayan = next(r for r in rows if r["site"] == "albayan")
    assert albayan["published"] == "2020-06-02T23:01:00+00:00"
    assert albayan["categories"] == ["عبر الإمارات", "أخبار وتقارير"]


def test_all_fields_keeps_id_and_match_keys(db):
    rows = [json.loads(line) for line in
            export_text(write_jsonl, iter_documents(db["articles"], all_fields=True)).splitlines()]
    assert all(re.fullmatch(r"[0-9a-f]{24}", r["_id"]) for r in rows)
    assert all("title_norm" in r and "content_hash" in r and "simhash_bands" in r for r in rows)


def test_json_is_one_array_that_round_trips(db):
    jsonl = [json.loads(line) for line in export_text(write_jsonl, iter_documents(db["articles"])).splitlines()]
    text = export_text(write_json, iter_documents(db["articles"]))
    assert not ARABIC_ESCAPE.search(text)
    assert json.loads(text) == jsonl
    assert json.loads(export_text(write_json, iter([]))) == []


def test_naive_datetimes_from_mongodb_are_utc():
    client = mongomock.MongoClient()  # no tz_aware: values come back naive (BSON dates are UTC)
    client.db.articles.insert_one({"url": "u", "published": datetime(2020, 3, 17, 17, 27)})
    row = json.loads(export_text(write_jsonl, iter_documents(client.db.articles)))
    assert row == {"url": "u", "published": "2020-03-17T17:27:00+00:00"}


def test_jsonfeed_validates_and_maps_article_fields(db):
    text = export_text(write_jsonfeed, iter_documents(db["articles"]), title="أخبار newscrawl",
                       home_page_url="https://news.example/", feed_url="https://news.example/feed.json",
                       language="ar")
    assert not ARABIC_ESCAPE.search(text)
    feed = json.loads(text)
    validate_jsonfeed(feed)
    assert feed["title"] == "أخبار newscrawl" and feed["language"] == "ar"
    assert {i["id"] for i in feed["items"]} == {url_of(s) for s in ARTICLES}

    youm7 = next(i for i in feed["items"] if i["_newscrawl"]["site"] == "youm7")
    o, _ = oracle("youm7.com")
    assert youm7["id"] == youm7["url"] == o["url"]
    assert youm7["title"] == o["title"]
    assert youm7["content_text"] == o["body_first_sentence"] + "\n\n" + o["body_last_sentence"]
    assert youm7["date_published"] == "2020-08-24T07:23:00+00:00"
    assert "date_modified" not in youm7
    assert youm7["authors"] == [{"name": "أسماء نصار"}]
    assert youm7["tags"] == ["تقارير مصرية", "وزير الرى", "الأمن المستدام", "الخزانات الجوفية", "جامعة القاهرة"]
    assert youm7["image"] == "https://img.youm7.com/large/202007190254595459.jpg"
    assert youm7["language"] == "ar"
    assert youm7["_newscrawl"]["published_raw"] == "2020-08-24T09:23:00"

    sputnik = next(i for i in feed["items"] if i["_newscrawl"]["site"] == "sputnik_ar")
    assert "authors" not in sputnik  # oracle author is null, no agency
    assert sputnik["_newscrawl"]["duplicate_of"] == url_of("albayan")
    albayan = next(i for i in feed["items"] if i["_newscrawl"]["site"] == "albayan")
    assert albayan["_newscrawl"]["republished_by"] == [{"site": "sputnik_ar", "url": url_of("sputnik_ar")}]


def test_article_item_mapping_edge_cases():
    item = article_to_jsonfeed_item({
        "url": "https://www.youm7.com/story/x?utm_source=a", "canonical_url": "https://www.youm7.com/story/x",
        "site": "youm7", "title": "وزير الرى يشهد توقيع عقد دراسة", "body": [],
        "lead": "شهد الدكتور محمد عبد العاطي", "author": "أسماء نصار", "agency": "أسماء نصار",
        "categories": ["تقارير مصرية"], "tags": ["تقارير مصرية", "", "وزير الرى"],
        "published": datetime(2020, 8, 24, 9, 23, tzinfo=timezone(timedelta(hours=2))),
        "modified": datetime(2020, 8, 24, 8, 0, tzinfo=UTC),
    })
    assert item["id"] == item["url"] == "https://www.youm7.com/story/x"
    assert item["content_text"] == item["summary"] == "شهد الدكتور محمد عبد العاطي"  # no body: the lead
    assert item["authors"] == [{"name": "أسماء نصار"}]  # author == agency: once
    assert item["tags"] == ["تقارير مصرية", "وزير الرى"]
    assert item["date_published"] == "2020-08-24T07:23:00+00:00"
    assert item["date_modified"] == "2020-08-24T08:00:00+00:00"
    assert item["_newscrawl"]["url"] == "https://www.youm7.com/story/x?utm_source=a"
    bare = article_to_jsonfeed_item({"site": "x", "title": "عاجل"})
    assert bare["id"].startswith("urn:sha1:") and bare["content_text"] == ""
    validate_jsonfeed({"version": JSONFEED_VERSION, "title": "t", "items": [item, bare]})


def test_jsonfeed_of_tickers(db):
    feed = json.loads(export_text(write_jsonfeed, iter_documents(db["tickers"], kind="ticker"),
                                  title="عاجل", kind="ticker"))
    validate_jsonfeed(feed)
    headlines = {t["headline"] for t in ticker_docs()}
    assert {i["title"] for i in feed["items"]} == headlines
    assert all(i["content_text"] == i["title"] and i["_newscrawl"]["kind"] == "ticker" for i in feed["items"])


def test_empty_jsonfeed_is_valid():
    feed = json.loads(export_text(write_jsonfeed, iter([]), title="newscrawl articles"))
    validate_jsonfeed(feed)
    assert feed["items"] == []
    with pytest.raises(ValueError):
        write_jsonfeed(iter([]), io.StringIO(), title="")


# --- filters ------------------------------------------------------------------------------


def ids(docs) -> list[str]:
    return [d.get("url") or d["headline"] for d in docs]


@pytest.mark.parametrize("kw, expected", [
    (dict(sites=["youm7"]), ["youm7"]),
    (dict(sites=["youm7", "albayan", "nosuchsite"]), ["albayan", "youm7"]),
    (dict(since=parse_when("2020-06-02T23:01:00Z")), ["lbci", "elbaladtv", "alyaum", "youm7", "albayan"]),
    (dict(until=parse_when("2020-06-02T23:01:00Z")), ["sputnik_ar", "assabah"]),
    (dict(since=parse_when("2020-12-01"), until=parse_when("2026-01-08")), ["elbaladtv"]),
    (dict(since=parse_when("2020-08-24T09:23+02:00"), until=parse_when("2020-08-24T09:24+02:00")), ["youm7"]),
    (dict(sites=["alyaum", "elbaladtv", "assabah"], since=parse_when("2020-01-01")), ["alyaum", "elbaladtv"]),
    (dict(limit=2), ["lbci", "elbaladtv"]),
    (dict(sites=["sputnik_ar", "assabah", "lbci"], limit=2), ["assabah", "lbci"]),
])
def test_article_filters_return_exact_ids_in_order(db, kw, expected):
    assert ids(iter_documents(db["articles"], **kw)) == [url_of(s) for s in expected]


def test_ticker_type_filters_on_last_seen(db):
    tickers = ticker_docs()
    by_site = {}
    for t in tickers:
        by_site.setdefault(t["site"], []).append(t)
    got = ids(iter_documents(db["tickers"], kind="ticker", sites=["youm7"]))
    assert got == [t["headline"] for t in sorted(by_site["youm7"], key=lambda t: t["last_seen"], reverse=True)]
    since = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # youm7 (first seen 08:00) positions 1, 2 only
    got = set(ids(iter_documents(db["tickers"], kind="ticker", since=since)))
    assert got == {t["headline"] for t in tickers if t["last_seen"] >= since}
    assert got == {t["headline"] for t in by_site["youm7"][1:]}
    assert ids(iter_documents(db["tickers"], kind="ticker", until=datetime(2026, 11, 1, 6, 0, tzinfo=UTC))) == []
    assert ids(iter_documents(db["tickers"], kind="ticker", limit=1)) == [by_site["youm7"][2]["headline"]]


def test_query_and_sort_shape():
    q = export.build_query(kind="article", sites=["a", "b"], since=parse_when("2024-03-14"))
    assert q == {"site": {"$in": ["a", "b"]}, "published": {"$gte": datetime(2024, 3, 14, tzinfo=UTC)}}
    assert export.build_query(kind="ticker", sites=["a"], until=parse_when("2024-03-14")) == {
        "site": "a", "last_seen": {"$lt": datetime(2024, 3, 14, tzinfo=UTC)}}
    assert export.sort_for("article", ["a"]) == [("site", 1), ("published", -1)]
    assert export.sort_for("ticker", None) == export.sort_for("ticker", ["a"]) == [("last_seen", -1)]


def test_parse_when():
    assert parse_when("2024-03-14") == datetime(2024, 3, 14, tzinfo=UTC)
    assert parse_when("2024-03-14T10:30") == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)
    assert parse_when("2024-03-14T12:30:00+02:00") == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)
    assert parse_when("2024-03-14T10:30:00Z").utcoffset() == timedelta(0)
    for bad in ("", "14/03/2024", "yesterday", "2024-13-01"):
        with pytest.raises(ValueError):
            parse_when(bad)


# --- streaming ------------------------------------------------------------------------------


def many_articles(n: int, produced: list):
    o, _ = oracle("albayan.ae")
    start = datetime(2020, 6, 2, tzinfo=UTC)
    for i in range(n):
        produced[0] += 1
        yield {"url": f"{o['url']}?n={i}", "canonical_url": f"{o['url']}?n={i}", "site": "albayan",
               "title": o["title"], "body": [o["body_first_sentence"], o["body_last_sentence"]],
               "author": o["author"], "categories": o["categories"], "tags": [],
               "published": start - timedelta(minutes=i), "language": "ar"}


class CountingSink:
    """A file that keeps nothing: counts characters and checks laziness on the first write."""

    def __init__(self, produced):
        self.chars = 0
        self.produced = produced
        self.produced_at_first_item = None

    def write(self, s):
        if self.produced_at_first_item is None and '"id"' in s:
            self.produced_at_first_item = self.produced[0]
        self.chars += len(s)


def test_jsonfeed_streams_10000_items_in_constant_memory():
    produced = [0]
    sink = CountingSink(produced)
    tracemalloc.start()
    try:
        n = write_jsonfeed(many_articles(10_000, produced), sink, title="newscrawl articles: albayan")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 10_000 and produced[0] == 10_000
    assert sink.produced_at_first_item == 1  # the first item is written before the second is read
    assert sink.chars > 10_000 * 300  # several MB went through ...
    assert peak < 1_000_000, f"peak {peak} bytes"  # ... but less than 1 MB was ever held


# --- atomic file output --------------------------------------------------------------------


def test_atomic_output_replaces_whole_file_or_keeps_the_old_one(tmp_path):
    out = tmp_path / "articles.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def failing():
        yield {"title": "القائم بأعمال السفارة الأفغانية"}
        raise RuntimeError("cursor died")

    with pytest.raises(RuntimeError):
        with export.atomic_output(out) as fh:
            write_jsonl(failing(), fh)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert not (tmp_path / "articles.jsonl.tmp").exists()

    with export.atomic_output(out) as fh:
        write_jsonl(iter([{"title": "القائم بأعمال السفارة الأفغانية"}]), fh)
    assert out.read_bytes() == '{"title": "القائم بأعمال السفارة الأفغانية"}\n'.encode("utf-8")
    assert os.listdir(tmp_path) == ["articles.jsonl"]


# --- the command ----------------------------------------------------------------------------


def run_scrapy(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONGO_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "scrapy", "export", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_command_unreachable_mongodb_exits_1_with_masked_uri(tmp_path):
    out = tmp_path / "feed.json"
    proc = run_scrapy("--format", "jsonfeed", "-o", str(out), "-s", "MONGO_SERVER_SELECTION_TIMEOUT_MS=300",
                      env_extra={"MONGO_URI": "mongodb://user:secret@127.0.0.1:1"})
    assert proc.returncode == 1, proc.stderr
    assert "secret" not in proc.stderr
    assert "mongodb://***@127.0.0.1:1" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not (tmp_path / "feed.json.tmp").exists()


def test_command_usage_error_exits_2():
    proc = run_scrapy("--since", "yesterday")
    assert proc.returncode == 2
    assert "--since 'yesterday'" in proc.stderr


MOCK_CLIENT = mongomock.MongoClient(tz_aware=True)


def run_in_process(argv, monkeypatch):
    """``scrapy export ...`` through scrapy.cmdline.execute in this process, MongoDB = MOCK_CLIENT."""
    from scrapy.cmdline import execute
    from scrapy.utils.project import get_project_settings

    monkeypatch.chdir(ROOT)
    settings = get_project_settings()
    settings.set("MONGO_CLIENT_FACTORY", lambda config: MOCK_CLIENT)
    with pytest.raises(SystemExit) as exc:
        execute(["scrapy", "export", *argv], settings=settings)
    return exc.value.code


@pytest.fixture
def mock_db(db):
    MOCK_CLIENT.drop_database("newscrawl")
    for name in ("articles", "tickers"):
        docs = list(db[name].find())
        MOCK_CLIENT["newscrawl"][name].insert_many(docs)
    yield MOCK_CLIENT["newscrawl"]
    MOCK_CLIENT.drop_database("newscrawl")


def test_command_in_process_jsonfeed_to_file(mock_db, tmp_path, monkeypatch, capsys):
    out = tmp_path / "feed.json"
    code = run_in_process(["--format", "jsonfeed", "--site", "youm7,albayan", "--site", "lbci",
                           "--since", "2020-06-01", "-o", str(out), "--language", "ar"], monkeypatch)
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"exported 3 items to {out}" in err
    feed = json.loads(out.read_text(encoding="utf-8"))
    validate_jsonfeed(feed)
    assert feed["title"] == "newscrawl articles: youm7, albayan, lbci"
    assert [i["id"] for i in feed["items"]] == [url_of("albayan"), url_of("lbci"), url_of("youm7")]


def test_command_in_process_jsonl_to_stdout_tickers(mock_db, monkeypatch, capsys):
    code = run_in_process(["--type", "ticker", "--site", "sputnik_ar", "--limit", "1"], monkeypatch)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "exported 1 items to stdout" in captured.err
    rows = [json.loads(line) for line in captured.out.splitlines()]
    o, _ = oracle("arabic.sputniknews.com")
    assert [r["headline"] for r in rows] == [o["ticker_headlines"][1]]  # latest last_seen first
    assert rows[0]["seen_at"][0].endswith("+00:00") and "headline_norm" not in rows[0]
    assert not ARABIC_ESCAPE.search(captured.out)
