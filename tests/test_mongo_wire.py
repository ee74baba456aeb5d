"""Wire-level faults: a real pymongo client talks OP_MSG to a mockupdb server.

:class:`FakeMongod` answers ``hello``/``ismaster`` (maxWireVersion 21), ``ping``,
``createIndexes``, ``update`` and ``endSessions``; the writes are executed by a
mongomock-ng backend (so upserts, ``$addToSet``, ``$min``/``$max`` behave like
MongoDB), and faults are injected per command: connection dropped before or
after the write was applied, E11000 from an upsert race, not-primary, a write
concern error, a non-retryable write error, authentication failure, a server
that stops answering.  Every ``update`` statement the server received is
recorded with its filter, so each test checks, per item key: received N
times, stored exactly once, nothing left in (or lost from) the spool.

The end-to-end tests at the bottom run real Scrapy crawls (and ``scrapy
mongo-replay``) in subprocesses against this server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter, deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

import mongomock_ng
import pytest
from mockupdb import MockupDB
from mongomock_ng import DuplicateKeyError
from scrapy.settings import Settings

from newscrawl.items import ArticleItem, TickerItem
from newscrawl.storage.client import MongoConfig, MongoConfigError
from newscrawl.storage.spool import Spool
from newscrawl.storage.writer import MongoWriter, WriterSettings, ops_for_item
from tests.helpers import closed_port

UTC = timezone.utc
DB = "newscrawl_wire"
T0 = datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- the fake server
class FakeMongod:
    """A mockupdb server backed by mongomock-ng, with scripted faults.

    ``faults`` is a FIFO of ``(command_name, action)``; the next request with
    that command name gets ``action(server, request)`` instead of the normal
    answer.  ``received`` counts every update statement by its filter key;
    ``backend`` is the mongomock-ng client holding what was stored.
    """

    def __init__(self, backend=None, port=None, auth_fails=False):
        self.backend = backend or mongomock_ng.MongoClient(tz_aware=True)
        self.server = MockupDB(port=port, auto_ismaster={"maxWireVersion": 21, "minWireVersion": 0})
        self.faults: deque = deque()
        self.received: Counter = Counter()
        self.commands: list[str] = []
        self.auth_fails = auth_fails
        self.lock = threading.Lock()
        self.server.autoresponds(self._handle)

    def __enter__(self):
        self.server.run()
        return self

    def __exit__(self, *exc):
        self.server.stop()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.server.port}/"

    def reset(self) -> None:
        """Forget everything (a fresh, empty backend) but keep listening."""
        with self.lock:
            self.backend = mongomock_ng.MongoClient(tz_aware=True)
            self.faults.clear()
            self.received.clear()
            self.commands.clear()

    def fault(self, command: str, action) -> None:
        self.faults.append((command, action))

    # handler: runs in mockupdb's connection threads
    def _handle(self, request):
        name = request.command_name
        if name in ("ismaster", "isMaster", "hello"):
            return False  # the auto_ismaster responder answers
        with self.lock:
            self.commands.append(name)
            action = None
            for i, (cmd, act) in enumerate(self.faults):
                if cmd == name:
                    action = act
                    del self.faults[i]
                    break
        if action is not None:
            return action(self, request)
        return self.respond(request)

    def respond(self, request) -> bool:
        reply = self.execute(request)
        return request.replies(reply) if reply.get("ok", 1) else request.replies(**reply)

    def execute(self, request, skip: frozenset = frozenset()) -> dict:
        """Run the command on the backend; update statements at ``skip`` indexes
        are not applied.  Returns the reply document."""
        name, doc = request.command_name, request.doc
        if name in ("saslStart", "saslContinue", "authenticate") and self.auth_fails:
            return {"ok": 0, "code": 18, "codeName": "AuthenticationFailed", "errmsg": "Authentication failed."}
        if name in ("ping", "endSessions", "buildInfo", "buildinfo"):
            return {"ok": 1}
        db = self.backend[request.namespace]
        if name == "createIndexes":
            coll = db[doc["createIndexes"]]
            for spec in doc["indexes"]:
                coll.create_index(list(spec["key"].items()), name=spec["name"], unique=spec.get("unique", False))
            return {"ok": 1}
        if name == "update":
            coll = db[doc["update"]]
            n = modified = 0
            upserted, errors = [], []
            for i, stmt in enumerate(doc["updates"]):
                with self.lock:
                    self.received[_key(stmt["q"], stmt.get("upsert", False))] += 1
                if i in skip:
                    continue
                try:
                    res = coll.update_one(stmt["q"], stmt["u"], upsert=stmt.get("upsert", False))
                except DuplicateKeyError as exc:
                    errors.append({"index": i, "code": 11000, "errmsg": f"E11000 duplicate key error: {exc}"})
                    continue
                n += res.matched_count
                modified += res.modified_count
                if res.upserted_id is not None:
                    n += 1
                    upserted.append({"index": i, "_id": res.upserted_id})
            reply = {"ok": 1, "n": n, "nModified": modified}
            if upserted:
                reply["upserted"] = upserted
            if errors:
                reply["writeErrors"] = errors
            return reply
        return {"ok": 0, "code": 59, "errmsg": f"no such command: '{name}'"}

    def count(self, coll: str) -> int:
        return self.backend[DB][coll].count_documents({})


def _key(q, upsert: bool) -> str:
    """An update statement's identity: its filter values (plus a mark for the
    non-upsert ``republished_by`` updates, which share the original's filter)."""
    return "|".join(str(v) for v in q.values()) + ("" if upsert else " (republished_by)")


# -- faults -------------------------------------------------------------------------------
def hangup_after_apply(server, request):
    """The write is applied, then the connection drops before the reply."""
    server.execute(request)
    return request.hangup()


def hangup_before_apply(server, request):
    return request.hangup()


def not_primary(server, request):
    return request.command_err(code=10107, errmsg="not primary")


def write_concern_timeout(server, request):
    """Applied on the primary, but the write concern timed out."""
    reply = server.execute(request)
    reply["writeConcernError"] = {"code": 64, "codeName": "WriteConcernFailed", "errmsg": "waiting for replication timed out"}
    return request.replies(reply)


def upsert_race(index: int):
    """Another writer inserts the same key first: statement ``index`` gets E11000."""

    def action(server, request):
        stmt = request.doc["updates"][index]
        coll = server.backend[request.namespace][request.doc["update"]]
        coll.insert_one({**stmt["q"], "title": "written by the other crawler"})
        reply = server.execute(request, skip=frozenset({index}))
        reply.setdefault("writeErrors", []).append(
            {"index": index, "code": 11000, "errmsg": "E11000 duplicate key error collection: articles index: canonical_url_1"}
        )
        reply["writeErrors"].sort(key=lambda e: e["index"])
        return request.replies(reply)

    return action


def bad_value(index: int):
    def action(server, request):
        reply = server.execute(request, skip=frozenset({index}))
        reply["writeErrors"] = [{"index": index, "code": 2, "errmsg": "BadValue: unknown operator"}]
        return request.replies(reply)

    return action


def silent_after_apply(server, request):
    """Applied, then never answered: the client's socket timeout fires."""
    server.execute(request)
    return True


# ----------------------------------------------------------------------------- helpers
def article(n: int, site: str = "alpha", **kw) -> ArticleItem:
    fields = dict(
        url=f"https://news.example/{site}/{n}", canonical_url=f"https://news.example/{site}/{n}", site=site,
        title=f"خبر {n}", title_norm=f"خبر {n}", body=["فقرة"], body_norm="فقره",
        published=datetime(2024, 3, 14, 10, 30, tzinfo=UTC), crawled_at=T0, content_hash=f"{n:040x}",
    )
    fields.update(kw)
    return ArticleItem(**fields)


def ticker(n: int, site: str = "alpha") -> TickerItem:
    return TickerItem(site=site, headline=f"عاجل {n}", headline_norm=f"عاجل {n}", url=None, position=n,
                      page_url=f"https://news.example/{site}/", seen_at=T0)




def make_writer(uri: str, spool_dir, *, retry_times=3, probe=3600.0, timeout_ms=800, socket_ms=2000, **kw):
    config = MongoConfig.from_settings(Settings({
        "MONGO_URI": uri, "MONGO_DATABASE": DB,
        "MONGO_SERVER_SELECTION_TIMEOUT_MS": timeout_ms, "MONGO_CONNECT_TIMEOUT_MS": timeout_ms,
        "MONGO_SOCKET_TIMEOUT_MS": socket_ms,
    }))
    client = config.make_client(heartbeatFrequencyMS=500)
    settings = WriterSettings(retry_times=retry_times, retry_backoff=0.01, retry_backoff_max=0.05,
                              outage_probe_interval=probe, **kw)
    return MongoWriter(client, DB, settings, Spool(spool_dir), uri=uri)


def flush(writer: MongoWriter, items) -> Counter:
    seg = writer.spool.new_segment()
    for item in items:
        seg.append(ops_for_item(item))
    return writer.flush(seg)


def acked(counts: Counter) -> int:
    return counts["written"] + counts["updated"] + counts["unchanged"]


@pytest.fixture(scope="module")
def _shared_mongod():
    with FakeMongod() as server:  # stopping a mockupdb server takes ~1 s: share one
        yield server


@pytest.fixture
def mongod(_shared_mongod):
    _shared_mongod.reset()
    yield _shared_mongod


@pytest.fixture
def writer_factory(tmp_path):
    made = []

    def factory(uri, **kw):
        w = make_writer(uri, tmp_path / "spool", **kw)
        made.append(w)
        return w

    yield factory
    for w in made:
        w.client.close()


# ----------------------------------------------------------------------------- faults
def test_happy_path_over_the_wire(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    assert writer.open().available
    counts = flush(writer, [article(i) for i in range(5)] + [ticker(i) for i in range(3)])
    assert (counts["written"], counts["retries"], counts["spooled"]) == (8, 0, 0)
    assert mongod.count("articles") == 5 and mongod.count("tickers") == 3
    assert set(mongod.received.values()) == {1}
    assert {"createIndexes", "ping", "update"} <= set(mongod.commands)
    again = flush(writer, [article(i) for i in range(5)] + [ticker(i) for i in range(3)])
    assert again["unchanged"] == 8 and mongod.count("articles") == 5
    assert writer.spool.summary().batches == 0


def test_server_absent_at_open_spools_then_replays(tmp_path, writer_factory):
    down = writer_factory(f"mongodb://127.0.0.1:{closed_port()}/", timeout_ms=300)
    report = down.open()
    assert not report.available and "ServerSelectionTimeoutError" in report.error
    c1 = flush(down, [article(i) for i in range(4)])
    c2 = flush(down, [article(i) for i in range(4, 6)] + [ticker(1)])
    assert (c1["spooled"], c2["spooled"], c1["written"] + c2["written"]) == (4, 3, 0)
    assert down.spool.summary().items == 7

    with FakeMongod() as mongod:
        up = writer_factory(mongod.uri)
        report = up.open()
        assert (report.available, report.pending_batches, report.pending_items) == (True, 2, 7)
        counts = up.replay_pending()
        assert (counts["replayed"], counts["replayed_batches"], counts["written"]) == (7, 2, 7)
        assert mongod.count("articles") == 6 and mongod.count("tickers") == 1
        assert set(mongod.received.values()) == {1}
        assert up.spool.summary().batches == 0


def test_connection_dropped_after_the_write_was_applied(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", hangup_after_apply)  # the articles bulk
    items = [article(i) for i in range(5)] + [ticker(i) for i in range(3)]
    counts = flush(writer, items)
    # sent twice, stored once: the retry's upserts match what the lost attempt wrote
    assert counts["retries"] == 1 and counts["spooled"] == 0
    assert acked(counts) == 8 and counts["unchanged"] == 5 and counts["written"] == 3
    assert mongod.count("articles") == 5 and mongod.count("tickers") == 3
    assert sorted(mongod.received.values()) == [1, 1, 1, 2, 2, 2, 2, 2]
    assert writer.spool.summary().batches == 0


def test_connection_dropped_before_the_write(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", hangup_before_apply)
    mongod.fault("update", hangup_before_apply)
    counts = flush(writer, [article(i) for i in range(5)])
    assert (counts["retries"], counts["written"], counts["spooled"]) == (2, 5, 0)
    assert mongod.count("articles") == 5 and set(mongod.received.values()) == {1}  # dropped before parsing


def test_duplicate_key_race_is_retried_once_and_loses_nothing(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", upsert_race(index=2))
    counts = flush(writer, [article(i) for i in range(5)])
    assert counts["retries"] == 1 and counts["written"] == 4 and counts["updated"] == 1
    assert not any(k.startswith("dropped/") for k in counts)
    assert mongod.count("articles") == 5
    doc = mongod.backend[DB]["articles"].find_one({"canonical_url": "https://news.example/alpha/2"})
    assert doc["title"] == "خبر 2"  # our $set won on the retry
    assert mongod.received["https://news.example/alpha/2"] == 2


def test_not_primary_then_success(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", not_primary)
    counts = flush(writer, [article(i) for i in range(3)])
    assert (counts["retries"], counts["written"], counts["spooled"]) == (1, 3, 0)
    assert mongod.count("articles") == 3 and set(mongod.received.values()) == {1}


def test_write_concern_error_is_retried_idempotently(mongod, writer_factory):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", write_concern_timeout)
    counts = flush(writer, [article(i) for i in range(3)])
    assert counts["write_concern_errors"] == 1 and counts["retries"] == 1
    assert counts["unchanged"] == 3 and counts["spooled"] == 0  # applied the first time, confirmed the second
    assert mongod.count("articles") == 3 and set(mongod.received.values()) == {2}


def test_socket_timeout_on_a_silent_server(mongod, writer_factory):
    writer = writer_factory(mongod.uri, socket_ms=300)
    writer.open()
    mongod.fault("update", silent_after_apply)
    counts = flush(writer, [article(i) for i in range(3)])
    assert counts["retries"] == 1 and counts["unchanged"] == 3 and counts["spooled"] == 0
    assert mongod.count("articles") == 3


def test_non_retryable_write_error_is_rejected_and_kept(mongod, writer_factory, tmp_path):
    writer = writer_factory(mongod.uri)
    writer.open()
    mongod.fault("update", bad_value(index=1))
    counts = flush(writer, [article(i) for i in range(3)])
    assert counts["written"] == 2 and counts["dropped/write_error"] == 1 and counts["retries"] == 0
    assert mongod.count("articles") == 2
    assert writer.spool.summary().batches == 0
    (rejected,) = (tmp_path / "spool" / "rejected").iterdir()
    (entry,) = [json.loads(line) for line in rejected.read_text().splitlines()]
    assert entry["reason"] == "write_error" and entry["error"]["code"] == 2
    assert entry["op"]["f"] == {"canonical_url": "https://news.example/alpha/1"}


def test_outage_mid_crawl_spools_and_recovers_in_the_same_run(tmp_path, writer_factory):
    backend = mongomock_ng.MongoClient(tz_aware=True)
    first = FakeMongod(backend=backend).__enter__()
    port = first.server.port
    writer = writer_factory(first.uri, retry_times=2, probe=0.0, timeout_ms=300)
    assert writer.open().available
    assert flush(writer, [article(i) for i in range(3)])["written"] == 3
    first.server.stop()  # MongoDB goes away mid-crawl
    down = flush(writer, [article(i) for i in range(3, 6)])
    assert (down["spooled"], down["spooled_batches"], down["retries"]) == (3, 1, 2)
    assert not writer.available
    down2 = flush(writer, [article(i) for i in range(6, 8)])  # probe fails: spooled at once
    assert down2["spooled"] == 2 and down2["retries"] == 0
    with FakeMongod(backend=backend, port=port) as second:  # back on the same address
        deadline = time.monotonic() + 10
        while not writer._probe(force=True):  # the client rediscovers the server (heartbeat 0.5 s)
            assert time.monotonic() < deadline, "server not rediscovered"
        assert writer.available and writer.backlog
        back = flush(writer, [article(i) for i in range(8, 10)])
        assert back["replayed"] == 5 and back["replayed_batches"] == 2 and back["written"] == 7
        assert writer.available and writer.spool.summary().batches == 0
        assert second.count("articles") == 10
        assert set(second.received.values()) == {1}


def test_authentication_failure_is_a_configuration_error(tmp_path, writer_factory):
    with FakeMongod(auth_fails=True) as mongod:
        uri = f"mongodb://crawler:s3cret@127.0.0.1:{mongod.server.port}/?authSource=admin&authMechanism=SCRAM-SHA-256"
        writer = writer_factory(uri)
        with pytest.raises(MongoConfigError) as info:
            writer.open()
        message = str(info.value)
        assert "authentication failed" in message and "***@127.0.0.1" in message
        assert "s3cret" not in message


# ----------------------------------------------------------------------------- end to end
CRAWL_SCRIPT = textwrap.dedent('''
    import json, sys
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from newscrawl.items import ArticleItem, TickerItem

    settings = json.loads(sys.argv[1])
    CAIRO = ZoneInfo("Africa/Cairo")
    SEEN = datetime(2024, 3, 15, 8, 0, tzinfo=timezone.utc)
    ITEMS = []

    class Tiny(scrapy.Spider):
        name = "tiny"

        async def start(self):
            for n in range(3):
                item = ArticleItem(
                    url=f"https://news.example/a/{n}", canonical_url=f"https://news.example/a/{n}", site="tiny",
                    title=f"خبر {n}", title_norm=f"خبر {n}", body=["فقرة"], body_norm="فقره",
                    published=datetime(2024, 3, 14, 12, 30, tzinfo=CAIRO), crawled_at=SEEN,
                    duplicate_of="https://news.example/a/0" if n == 2 else None)
                ITEMS.append(item)
                yield item
            for n in range(2):
                item = TickerItem(site="tiny", headline=f"عاجل {n}", headline_norm=f"عاجل {n}", position=n,
                                  page_url="https://news.example/", url=None, seen_at=SEEN)
                ITEMS.append(item)
                yield item

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Tiny)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("newscrawl/") or k == "finish_reason"}
    print("STATS " + json.dumps(stats, default=str))
    print("IDS " + json.dumps(["_id" in item for item in ITEMS]))
    sys.exit(1 if process.bootstrap_failed else 0)  # what `scrapy crawl` does
''')


def run_crawl(tmp_path: Path, uri: str, **extra) -> subprocess.CompletedProcess:
    settings = {
        "MONGO_URI": uri, "MONGO_DATABASE": DB, "MONGO_SPOOL_DIR": str(tmp_path / "spool"),
        "MONGO_SERVER_SELECTION_TIMEOUT_MS": 400, "MONGO_RETRY_BACKOFF": 0.01, "MONGO_BATCH_SIZE": 2,
        "ITEM_PIPELINES": {"newscrawl.pipelines.mongo.MongoPipeline": 300},
        "FEEDS": {str(tmp_path / "feed.jsonl"): {"format": "jsonlines", "encoding": "utf-8", "overwrite": True}},
        "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        **extra,
    }
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), json.dumps(settings)], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=120)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "SCRAPY_"))}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def parse(proc, prefix):
    for line in proc.stdout.splitlines():
        if line.startswith(prefix + " "):
            return json.loads(line[len(prefix) + 1:])
    raise AssertionError(f"no {prefix} line; stderr:\n{proc.stderr[-3000:]}")


# ``scrapy.cmdline.execute`` (argument parsing, -s, project settings, exit code) with
# only this command registered: other command modules of the project, possibly
# half-written by someone else right now, cannot break this test.
REPLAY_DRIVER = textwrap.dedent('''
    import sys
    import scrapy.cmdline
    from newscrawl.commands.mongo_replay import Command
    scrapy.cmdline._get_commands_dict = lambda settings, inproject: {"mongo-replay": Command()}
    scrapy.cmdline.execute(["scrapy", "mongo-replay", *sys.argv[1:]])
''')


def replay_command(tmp_path: Path, uri: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", REPLAY_DRIVER, "--spool", str(tmp_path / "spool"),
         "-s", f"MONGO_URI={uri}", "-s", f"MONGO_DATABASE={DB}", "-s", "MONGO_SERVER_SELECTION_TIMEOUT_MS=400",
         "-s", "MONGO_RETRY_TIMES=1", "-s", "MONGO_RETRY_BACKOFF=0.01"],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=120,
    )


def test_crawl_end_to_end_and_recrawl(tmp_path, mongod):
    proc = run_crawl(tmp_path, mongod.uri)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = parse(proc, "STATS")
    assert stats["newscrawl/mongo/written"] == 5 and stats["newscrawl/mongo/republished_linked"] == 1
    assert stats["newscrawl/mongo/spool_remaining"] == 0 and stats["finish_reason"] == "finished"
    assert parse(proc, "IDS") == [False] * 5  # pymongo never added _id to the items
    feed = [json.loads(line) for line in (tmp_path / "feed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(feed) == 5 and "_id" not in feed[0]
    assert feed[0]["published"].startswith("2024-03-14 12:30:00+02:00") or feed[0]["published"].startswith("2024-03-14T12:30:00+02:00")
    art = mongod.backend[DB]["articles"]
    assert art.count_documents({}) == 3 and mongod.count("tickers") == 2
    doc = art.find_one({"canonical_url": "https://news.example/a/0"})
    assert doc["published"] == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)
    assert doc["republished_by"] == [{"site": "tiny", "url": "https://news.example/a/2"}]
    indexes = {tuple(v["key"]) for v in art.index_information().values()}
    assert (("canonical_url", 1),) in indexes and (("site", 1), ("published", -1)) in indexes
    assert "MongoDB mongodb://127.0.0.1" in proc.stderr and "written=5" in proc.stderr

    again = run_crawl(tmp_path, mongod.uri)
    stats = parse(again, "STATS")
    assert stats["newscrawl/mongo/unchanged"] == 5 and "newscrawl/mongo/written" not in stats
    assert art.count_documents({}) == 3 and mongod.count("tickers") == 2


def test_crawl_with_mongo_down_then_replay_command(tmp_path):
    down = f"mongodb://crawler:s3cret@127.0.0.1:{closed_port()}/"
    proc = run_crawl(tmp_path, down, MONGO_RETRY_TIMES=1)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = parse(proc, "STATS")
    assert stats["newscrawl/mongo/unavailable_at_open"] == 1
    assert stats["newscrawl/mongo/spooled"] == 5 and stats["newscrawl/mongo/spool_remaining"] == 5
    assert stats["finish_reason"] == "finished"
    assert len((tmp_path / "feed.jsonl").read_text(encoding="utf-8").splitlines()) == 5  # the feed still works
    assert proc.stderr.count("unavailable at spider open") == 1
    assert "***@127.0.0.1" in proc.stderr and "s3cret" not in proc.stderr + proc.stdout

    still_down = replay_command(tmp_path, down)
    assert still_down.returncode == 1, still_down.stderr[-2000:]
    assert "s3cret" not in still_down.stderr + still_down.stdout and "***@127.0.0.1" in still_down.stderr

    with FakeMongod() as mongod:
        ok = replay_command(tmp_path, mongod.uri)
        assert ok.returncode == 0, ok.stderr[-3000:] + ok.stdout
        assert "replayed=5" in ok.stdout and "remaining: 0 items" in ok.stdout
        assert mongod.count("articles") == 3 and mongod.count("tickers") == 2
        assert set(mongod.received.values()) == {1}
        again = replay_command(tmp_path, mongod.uri)  # nothing left: a no-op, MongoDB not even asked
        assert again.returncode == 0 and "nothing to send" in again.stdout
    gone = replay_command(tmp_path, down)  # ... so MongoDB down does not matter then
    assert gone.returncode == 0 and "nothing to send" in gone.stdout


def test_crawl_refuses_to_start_on_bad_configuration(tmp_path):
    # the three MongoDB users of a real crawl (settings.py): one error line from our side
    users = {"ITEM_PIPELINES": {"newscrawl.pipelines.dedupe.DedupePipeline": 200,
                                "newscrawl.pipelines.mongo.MongoPipeline": 300},
             "DOWNLOADER_MIDDLEWARES": {"newscrawl.ops.incremental.IncrementalMiddleware": 50},
             "NEWSCRAWL_STATE_DIR": str(tmp_path / "state")}
    for extra in ({"MONGO_URI": "mongodb://crawler:s3cret@"}, {"MONGO_WRITE_CONCERN": 0, "MONGO_URI": "mongodb://crawler:s3cret@127.0.0.1:1/"},
                  {"MONGO_URI": "mongodb://crawler:s3cret@db.example:99999/"}):
        proc = run_crawl(tmp_path, **{"uri": extra.pop("MONGO_URI"), **users, **extra})
        assert proc.returncode != 0
        errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line]
        assert "MongoDB storage not started" in errors[0]
        ours = [line for line in proc.stderr.splitlines() if "[newscrawl" in line and ("] ERROR: " in line or "] WARNING: " in line)]
        assert len(ours) == 1, ours
        assert parse(proc, "STATS")["newscrawl/mongo/config_error"] == 1
        assert "s3cret" not in proc.stderr + proc.stdout
        assert not (tmp_path / "spool").exists() or not any((tmp_path / "spool").glob("batch-*"))
