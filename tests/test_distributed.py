"""Distributed crawling (issue #8): the REDIS_URL add-on, the run bookkeeping in Redis,
and two real crawler processes sharing one frontier on a real redis-server.

The server is started here on a free loopback port without persistence and killed at
the end; without ``redis-server`` on PATH (Debian package ``redis-server``) the Redis
tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from newscrawl.ops.distributed import DupeFilter, RedisAddon, Run, Scheduler, SharedSeedsMiddleware
from tests import redis_server
from tests.loopback import LoopbackSite

ROOT = Path(__file__).resolve().parent.parent

# the same for the single-process and the distributed crawls: no delays, and every page
# kept (content dedupe is per process in front of MongoDB, see test_items_equal_...).
# CONCURRENT_REQUESTS_PER_DOMAIN stays at its default (2): the crawl then lasts a few
# seconds, much longer than the start-up skew of two processes, so both get work.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "DEDUPE_ENABLED=0", "-s", "LOG_LEVEL=INFO",
        "-s", "NEWSCRAWL_LOG_STATS=1"]  # the stats dump, read by stat()


# ------------------------------------------------------------------------ the add-on
def _project_settings(monkeypatch, **env):
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return get_project_settings()


def test_addon_without_redis_url_leaves_every_setting_alone(monkeypatch):
    settings = _project_settings(monkeypatch)
    assert settings.get("REDIS_URL") is None
    before = {k: (v, settings.getpriority(k)) for k, v in settings.copy_to_dict().items()}
    RedisAddon().update_settings(settings)
    after = {k: (v, settings.getpriority(k)) for k, v in settings.copy_to_dict().items()}
    assert after == before
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"


def test_addon_with_redis_url_switches_to_the_shared_frontier(monkeypatch):
    settings = _project_settings(monkeypatch)
    settings.set("REDIS_URL", "redis://example:6379/0", priority="cmdline")
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "newscrawl.ops.distributed.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "newscrawl.ops.distributed.DupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") is False  # a fresh frontier each (cron) run
    assert settings.getfloat("SCHEDULER_IDLE_BEFORE_CLOSE") == 10.0
    assert settings["SCHEDULER_QUEUE_KEY"] == "newscrawl:%(spider)s:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "newscrawl:%(spider)s:dupefilter"
    assert settings.getdict("SPIDER_MIDDLEWARES")[SharedSeedsMiddleware] == 5


def test_addon_explicitly_switched_off_on_the_command_line(monkeypatch):
    settings = _project_settings(monkeypatch, REDIS_URL="redis://env:6379/1")
    settings.set("REDIS_URL", "", priority="cmdline")
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


def test_addon_reads_environment_and_command_line_wins(monkeypatch):
    settings = _project_settings(monkeypatch, REDIS_URL="redis://env:6379/1", NEWSCRAWL_REDIS_PERSIST="1",
                                 NEWSCRAWL_REDIS_IDLE_TIMEOUT="3", NEWSCRAWL_REDIS_PREFIX="staging:")
    settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 7, priority="cmdline")
    RedisAddon().update_settings(settings)
    assert settings["REDIS_URL"] == "redis://env:6379/1"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings.getfloat("SCHEDULER_IDLE_BEFORE_CLOSE") == 7  # -s beats the environment
    assert settings["SCHEDULER_QUEUE_KEY"] == "staging:%(spider)s:requests"


def test_seeds_go_through_the_dupefilter_but_stay_exempt_from_offsite():
    import asyncio

    from scrapy import Request

    async def start():
        yield Request("http://a.example/", dont_filter=True, meta={"page_kind": "home"})
        yield Request("http://a.example/feed/")
        yield {"an": "item"}

    async def collect():
        return [x async for x in SharedSeedsMiddleware().process_start(start())]

    home, feed, item = asyncio.run(collect())
    assert home.dont_filter is False and home.meta == {"page_kind": "home", "allow_offsite": True}
    assert feed.dont_filter is False and "allow_offsite" not in feed.meta
    assert item == {"an": "item"}


# ------------------------------------------------------------------------ Redis fixtures
@pytest.fixture(scope="module")
def redis():
    if not redis_server.available():
        pytest.skip("redis-server not on PATH (Debian: apt-get install redis-server)")
    with redis_server.RedisServer() as server:
        yield server


def _run(server, base="t:spider", persist=False, stale=60.0, worker=None):
    return Run(server.client(), base=base, queue_key=f"{base}:requests", dupefilter_base=f"{base}:dupefilter",
               persist=persist, stale_after=stale, worker=worker)


# ------------------------------------------------------------------------ the run in Redis
@pytest.mark.redis
def test_run_first_worker_creates_it_the_last_one_ends_it(redis):
    client = redis.client()
    a, b = _run(redis, "t1:s", worker="a"), _run(redis, "t1:s", worker="b")
    a.join()
    b.join()
    assert a.created and not b.created and a.id == b.id
    client.sadd(a.dupefilter_key, "fp")
    client.zadd("t1:s:requests", {"req": 0})
    assert a.status(busy=False) == (1, 1, 2)  # queue 1, b busy (since joining), 2 alive
    assert b.status(busy=False) == (1, 0, 2)
    assert a.leave() is False  # b is still there
    assert client.exists("t1:s:run", a.dupefilter_key, "t1:s:requests") == 3
    assert b.leave() is True
    assert client.keys("t1:*") == []


@pytest.mark.redis
def test_run_whose_workers_all_died_is_replaced_with_a_fresh_frontier(redis):
    client = redis.client()
    old = _run(redis, "t2:s", worker="crashed")
    old.join()
    client.sadd(old.dupefilter_key, "fp")
    client.zadd("t2:s:requests", {"stale-request": 0})
    client.hset("t2:s:workers", "crashed", "1 1000")  # last heartbeat long ago
    new = _run(redis, "t2:s", worker="new")
    new.join()
    assert new.created and new.id != old.id
    assert client.exists("t2:s:requests", old.dupefilter_key) == 0
    assert client.hkeys("t2:s:workers") == [b"new"]


@pytest.mark.redis
def test_persistent_run_survives_its_workers(redis):
    client = redis.client()
    a = _run(redis, "t3:s", persist=True, worker="a")
    a.join()
    client.zadd("t3:s:requests", {"req": 0})
    assert a.leave() is False
    client.hset("t3:s:workers", "ghost", "1 1000")
    b = _run(redis, "t3:s", persist=True, worker="b")
    b.join()
    assert not b.created and b.id == a.id and client.zcard("t3:s:requests") == 1


# ------------------------------------------------------------------------ real crawls
def crawl(base: str, tmp: Path, *extra: str, env=None) -> subprocess.Popen:
    tmp.mkdir(parents=True, exist_ok=True)
    # -W always: every warning, every time (ScrapyDeprecationWarning is not a DeprecationWarning,
    # and -W cannot name it: categories are resolved before site-packages is importable)
    cmd = [sys.executable, "-W", "always", "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={base}/rtl/",
           "-s", f"NEWSCRAWL_FEED_DIR={tmp}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp}/state",
           "-s", f"MONGO_SPOOL_DIR={tmp}/spool", *FAST, *extra]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "NEWSCRAWL_REDIS_"))}
    full_env.update({"MONGO_ENABLED": "0", **(env or {})})
    with open(tmp / "stderr", "w") as err:
        return subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=err)


def finish(proc: subprocess.Popen, tmp: Path, timeout=90):
    try:
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:  # a hung worker must not outlive the test
            proc.kill()
            proc.wait()
    return proc.returncode, (tmp / "stderr").read_text()


def feed_items(tmp: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((tmp / "feeds").glob("*/*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines()]


def stat(stderr: str, name: str):
    for line in stderr.splitlines():
        if line.strip().startswith(f"'{name}':"):
            return line.split(":", 1)[1].strip().rstrip(",").strip("'")
    return None


def key(item: dict):
    if "title" in item:
        return ("article", item.get("canonical_url") or item["url"])
    return ("ticker", item["headline"], item.get("url"))


@pytest.fixture(scope="module")
def site():
    with LoopbackSite(extra_articles=60) as s:
        yield s


@pytest.fixture(scope="module")
def single(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("single")
    start = len(site.fetched())
    code, stderr = finish(crawl(site.base, tmp), tmp)
    assert code == 0, stderr[-3000:]
    return feed_items(tmp), site.fetched()[start:]


@pytest.fixture(scope="module")
def two_workers(site, redis, tmp_path_factory):
    env = {"REDIS_URL": redis.url}
    tmps = [tmp_path_factory.mktemp(f"worker{i}") for i in (1, 2)]
    start = len(site.fetched())
    t0 = time.monotonic()
    procs = [crawl(site.base, t, "-s", "NEWSCRAWL_REDIS_IDLE_TIMEOUT=2", env=env) for t in tmps]
    try:
        results = [finish(p, t) for p, t in zip(procs, tmps)]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    elapsed = time.monotonic() - t0
    time.sleep(0.3)  # the last responses' log lines
    return results, [feed_items(t) for t in tmps], site.fetched()[start:], elapsed


@pytest.mark.redis
def test_two_workers_exit_by_themselves_with_status_0(two_workers):
    results, _, _, elapsed = two_workers
    for code, stderr in results:
        assert code == 0, stderr[-3000:]
        assert "Traceback" not in stderr
        assert "distributed: closing worker" in stderr  # the idle close, not a timeout or a signal
        assert stat(stderr, "finish_reason") == "finished"
    assert elapsed < 45


@pytest.mark.redis
def test_two_workers_fetch_every_page_exactly_once(two_workers, single):
    _, _, fetched, _ = two_workers
    _, single_fetched = single
    counts = Counter(fetched)
    assert counts.pop("/robots.txt") == 2  # robots.txt: once per worker (each obeys it on its own)
    assert {p: n for p, n in counts.items() if n != 1} == {}
    assert counts.keys() == set(single_fetched) - {"/robots.txt"}  # the same pages as one process
    assert counts["/rtl/"] == 1  # the seed too, although both workers yield it


@pytest.mark.redis
def test_both_workers_get_work(two_workers):
    results, items, _, _ = two_workers
    for (_, stderr), worker_items in zip(results, items):
        assert int(stat(stderr, "newscrawl/articles") or 0) >= 1
        assert any("title" in i for i in worker_items)
        assert stat(stderr, "newscrawl/redis/run") == stat(results[0][1], "newscrawl/redis/run")
    assert sorted(stat(stderr, "newscrawl/redis/started_run") for _, stderr in results) == ["False", "True"]


@pytest.mark.redis
def test_items_equal_a_single_process_crawl(two_workers, single):
    _, items, _, _ = two_workers
    single_items, _ = single
    union = [key(i) for worker_items in items for i in worker_items]
    articles = [k for k in union if k[0] == "article"]
    assert len(articles) == len(set(articles)) == 93  # 33 linked from the home page + 60 in the feed
    # each worker reports a ticker headline it sees once (MongoDB upserts them on site+headline)
    assert set(union) == {key(i) for i in single_items}


@pytest.mark.redis
def test_no_deprecation_warning_from_the_redis_stack(two_workers):
    results, _, _, _ = two_workers
    for _, stderr in results:
        bad = [line for line in stderr.splitlines() if "Warning" in line and
               any(s in line for s in ("scrapy_redis", "distributed", "/redis/"))]
        assert bad == []


@pytest.mark.redis
def test_run_leaves_nothing_behind_and_next_run_fetches_the_home_page_again(two_workers, site, redis, tmp_path):
    results, _, _, _ = two_workers
    assert redis.client().keys("newscrawl:*") == []  # fresh frontier: the last worker cleaned up
    start = len(site.fetched())
    code, stderr = finish(crawl(site.base, tmp_path, "-a", "follow=0", "-s", "NEWSCRAWL_REDIS_IDLE_TIMEOUT=0.5",
                                env={"REDIS_URL": redis.url}), tmp_path)
    assert code == 0, stderr[-3000:]
    assert Counter(site.fetched()[start:]) == {"/robots.txt": 1, "/rtl/": 1}
    assert stat(stderr, "newscrawl/redis/run") != stat(results[0][1], "newscrawl/redis/run")


@pytest.mark.redis
def test_persistent_frontier_is_resumed_not_refetched(site, redis, tmp_path):
    env = {"REDIS_URL": redis.url, "NEWSCRAWL_REDIS_PERSIST": "1", "NEWSCRAWL_REDIS_PREFIX": "persist"}
    start = len(site.fetched())
    runs = []
    for i in (1, 2):
        code, stderr = finish(crawl(site.base, tmp_path / str(i), "-a", "follow=0",
                                    "-s", "NEWSCRAWL_REDIS_IDLE_TIMEOUT=0.5", env=env), tmp_path / str(i))
        assert code == 0, stderr[-3000:]
        runs.append(stat(stderr, "newscrawl/redis/run"))
    assert runs[0] == runs[1]
    assert Counter(site.fetched()[start:])["/rtl/"] == 1  # seen in the persistent run: not fetched again
    assert redis.client().exists("persist:jannah_demo:run", f"persist:jannah_demo:dupefilter:{runs[0]}") == 2


@pytest.mark.redis
def test_worker_exits_when_redis_goes_away_mid_crawl(site, redis, tmp_path):
    with redis_server.RedisServer() as doomed:
        start = len(site.fetched())
        proc = crawl(site.base, tmp_path, "-s", "NEWSCRAWL_REDIS_WORKER_TIMEOUT=2", env={"REDIS_URL": doomed.url})
        deadline = time.monotonic() + 30
        while len(site.fetched()) - start < 10 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        doomed.stop()
        t0 = time.monotonic()
        _, stderr = finish(proc, tmp_path, timeout=30)  # no hang: it gives up after NEWSCRAWL_REDIS_WORKER_TIMEOUT
    assert time.monotonic() - t0 < 15
    assert stat(stderr, "finish_reason") == "redis_unavailable"  # crawlall: exit status 2


def test_scheduler_and_dupefilter_are_scrapy_redis_subclasses():
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.scheduler import Scheduler as RedisScheduler

    assert issubclass(Scheduler, RedisScheduler) and issubclass(DupeFilter, RFPDupeFilter)
