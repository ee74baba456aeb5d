"""Cron operations against a real local site: incremental crawls, the run lock, exit statuses, BR-12.

The site is :class:`tests.loopback.LoopbackSite` (the real Jannah home and article
pages on a loopback port).  Every crawl is a real ``scrapy crawlall`` child process.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.ops import runstatus
from newscrawl.ops.lock import RunLock
from newscrawl.ops.runner import run_all
from tests.loopback import LoopbackSite
from tests.helpers import closed_port

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = re.compile(r"^/rtl/\d{4}/\d{2}/\d{2}/")


def settings_for(tmp: Path, **extra) -> dict:
    return {
        "NEWSCRAWL_FEED_DIR": tmp / "feeds", "NEWSCRAWL_STATE_DIR": tmp / "state", "MONGO_SPOOL_DIR": tmp / "spool",
        "AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "WARNING", **extra,
    }


def crawl(site, tmp, *, env=None, timeout=120, **extra):
    return run_all(["jannah_demo"], settings=settings_for(tmp, **extra), spider_args={"start_url": site.base + "/rtl/"},
                   env={"MONGO_ENABLED": "0", **(env or {})}, timeout=timeout)


def feed_items(tmp: Path):
    files = sorted((tmp / "feeds" / "jannah_demo").glob("*.jsonl"))
    return [[json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()] for f in files]


def test_second_crawl_fetches_only_home_feeds_and_the_new_article(tmp_path):
    with LoopbackSite() as site:
        assert crawl(site, tmp_path) == 0
        first = site.fetched()
        first_articles = sorted({p for p in first if ARTICLE.match(p)})
        assert len(first_articles) == len(site.articles) == 33  # every article linked from home/feed/sitemap
        assert "/rtl/" in first and "/rtl/feed/" in first and "/rtl/wp-sitemap.xml" in first

        site.log.clear()
        new = "/rtl/2022/12/09/%d8%ae%d8%a8%d8%b1-%d8%ac%d8%af%d9%8a%d8%af/"
        site.add_article(new)  # listed in the feed and the sitemap only
        assert crawl(site, tmp_path) == 0
        second = site.fetched()
        assert [p for p in second if ARTICLE.match(p)] == [new]
        assert {"/rtl/", "/rtl/feed/", "/rtl/wp-sitemap.xml"} <= set(second)

    runs = feed_items(tmp_path)
    assert len(runs) == 2  # one valid JSON Lines file per run
    tickers_1 = [i for i in runs[0] if "headline" in i]
    tickers_2 = [i for i in runs[1] if "headline" in i]
    assert len(tickers_1) == len(tickers_2) == 7  # the home page (and its ticker) is always fetched
    assert [i["url"] for i in runs[1] if "title" in i] == [site.base + new]


def test_second_run_exits_at_once_while_the_lock_is_held(tmp_path):
    lock = tmp_path / "newscrawl.ops.lock"
    with LoopbackSite() as site, RunLock(str(lock)):
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "--lock", str(lock),
             "-a", f"start_url={site.base}/rtl/"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "MONGO_ENABLED": "0"})
        assert proc.returncode == runstatus.EXIT_LOCKED == 75
        assert "another run holds the lock" in proc.stderr and f"pid={os.getpid()}" in proc.stderr
        assert site.fetched() == []  # nothing was crawled
        assert time.monotonic() - started < 30
    # released: the next run proceeds
    with LoopbackSite() as site:
        assert run_all(["jannah_demo"], lock=str(lock), settings=settings_for(tmp_path),
                       spider_args={"start_url": site.base + "/rtl/"}, env={"MONGO_ENABLED": "0"}, timeout=120) == 0




def test_exit_status_when_no_page_could_be_fetched(tmp_path):
    status = run_all(["jannah_demo"], settings=settings_for(tmp_path, RETRY_TIMES="0"),
                     spider_args={"start_url": f"http://127.0.0.1:{closed_port()}/rtl/"},
                     env={"MONGO_ENABLED": "0"}, timeout=120)
    assert status == runstatus.EXIT_NO_PAGES == 3


def test_exit_status_when_items_fall_below_the_minimum(tmp_path):
    with LoopbackSite() as site:
        assert crawl(site, tmp_path, NEWSCRAWL_MIN_ITEMS="1000") == runstatus.EXIT_TOO_FEW_ITEMS == 5


def test_exit_status_when_mongodb_kept_failing(tmp_path):
    with LoopbackSite() as site:
        status = crawl(site, tmp_path, env={"MONGO_ENABLED": "1"},
                       MONGO_URI=f"mongodb://127.0.0.1:{closed_port()}", MONGO_SERVER_SELECTION_TIMEOUT_MS="300")
    assert status == runstatus.EXIT_MONGO_SPOOLED == 4
    assert list((tmp_path / "spool").rglob("*.jsonl"))  # the items wait in the spool
    assert len(feed_items(tmp_path)[0]) >= 8  # and the feed still got them


def test_exit_status_when_the_crawl_is_stopped(tmp_path):
    """SIGTERM (a shutdown, e.g. systemd stopping a run that overran) closes with reason 'shutdown': exit 2."""
    with LoopbackSite(extra_articles=200) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawlall", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
               *sum((["-s", f"{k}={v}"] for k, v in settings_for(tmp_path, DOWNLOAD_DELAY="0.2",
                                                                   CONCURRENT_REQUESTS_PER_DOMAIN="1").items()), [])]
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "MONGO_ENABLED": "0"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not any(ARTICLE.match(p) for p in site.fetched()) and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == runstatus.EXIT_SPIDER_ERROR == 2, err[-2000:]
    assert "finish_reason=shutdown" in err


def test_run_all_twice_in_one_process(tmp_path):
    """BR-12: the 'run all spiders once' entry point works twice in a row from one Python process."""
    with LoopbackSite() as site:
        first = run_all(["jannah_demo"], settings=settings_for(tmp_path), spider_args={"start_url": site.base + "/rtl/"},
                        env={"MONGO_ENABLED": "0"}, timeout=120)
        second = run_all(["jannah_demo"], settings=settings_for(tmp_path), spider_args={"start_url": site.base + "/rtl/"},
                         env={"MONGO_ENABLED": "0"}, timeout=120)
    assert first == second == 0
    runs = feed_items(tmp_path)
    assert len(runs) == 2 and all(len([i for i in r if "headline" in i]) == 7 for r in runs)


def _crawlall(tmp, *args, env=None):
    cmd = [sys.executable, "-m", "scrapy", "crawlall", *args,
           *sum((["-s", f"{k}={v}"] for k, v in settings_for(tmp, LOG_LEVEL="INFO").items()), [])]
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, "MONGO_ENABLED": "0", **(env or {})},
                          capture_output=True, text=True, timeout=180)


def test_sequential_runs_spiders_one_after_another_and_exits(tmp_path):
    proc = _crawlall(tmp_path, "youm7", "albayan", "--replay", "data/snapshot", "--sequential")
    assert proc.returncode == 0, proc.stderr[-2000:]
    done = [line.split("INFO: done: ")[1].split(":")[0] for line in proc.stderr.splitlines() if "INFO: done: " in line]
    assert done == ["youm7", "albayan"]  # one after the other, each closing with its summary line
    assert len(list((tmp_path / "feeds").glob("*/*.jsonl"))) == 2


def test_bad_spider_argument_is_exit_6_with_a_reason(tmp_path):
    proc = _crawlall(tmp_path, "youm7", "--replay", "data/snapshot", "-a", "max_articles=abc")
    assert proc.returncode == runstatus.EXIT_CANNOT_START == 6
    assert "could not start: ValueError: spider argument max_articles='abc' is not an integer" in proc.stderr


def test_extract_prints_the_items_of_a_url_and_of_a_new_saved_page(tmp_path):
    host_dir = tmp_path / "www.youm7.com"
    host_dir.mkdir()
    (host_dir / "new-page.html").write_bytes(
        (ROOT / "tests/fixtures/pages/youm7.com/irrigation-minister-groundwater-study-2020-08-24.html").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "scrapy", "extract", str(host_dir / "new-page.html")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and len(items) == 11 and items[-1]["site"] == "youm7"  # 10 ticker + 1 article
    with LoopbackSite() as site:
        proc = subprocess.run([sys.executable, "-m", "scrapy", "extract", site.base + "/rtl/", "--spider", "jannah_demo"],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    headlines = [json.loads(line)["headline"] for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and len(headlines) == 7
    assert site.fetched("/rtl/") == ["/rtl/"]  # one page, links not followed


def test_mongodb_configuration_error_is_exit_6_with_one_error_line(tmp_path):
    proc = _crawlall(tmp_path, "youm7", "--replay", "data/snapshot", "-s", "MONGO_WRITE_CONCERN=0",
                     "-s", "MONGO_URI=mongodb://user:secret@127.0.0.1:1/", env={"MONGO_ENABLED": "1"})
    assert proc.returncode == runstatus.EXIT_CANNOT_START == 6, proc.stderr[-2000:]
    ours = [line for line in proc.stderr.splitlines() if "ERROR" in line and "newscrawl" in line]
    assert len(ours) == 1 and "MongoDB storage not started" in ours[0], ours
    assert "secret" not in proc.stderr
