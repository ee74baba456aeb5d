"""What an operator sees (issue 15): log volume and lines, feeds, folders, commands, exit lines.

Every crawl here is a real ``scrapy`` child process over the real saved pages
(``data/snapshot``) or the loopback Jannah site; nothing is mocked.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.ops import runstatus
from newscrawl.feeds.files import use_replay_folders
from newscrawl.ops.logformatter import NetworkErrorWithoutTraceback
from newscrawl.ops.progress import drop_reason, summary
from tests.helpers import closed_port
from tests.loopback import LoopbackSite

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = re.compile(r"_norm$|^simhash|^sh[0-3]$|^content_hash$|^alias_of$")


def scrapy(*args, cwd=ROOT, env=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "MONGO_ENABLED": "0", **(env or {})})


def folders(tmp: Path) -> list[str]:
    return ["-s", f"NEWSCRAWL_FEED_DIR={tmp}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp}/state",
            "-s", f"MONGO_SPOOL_DIR={tmp}/spool"]


def feed_lines(tmp: Path, spider: str) -> list[dict]:
    return [json.loads(line) for f in sorted((tmp / "feeds" / spider).glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def main_job(tmp_path_factory):
    """The offline main job at the default log level (INFO), as `make crawl` runs it."""
    tmp = tmp_path_factory.mktemp("mainjob")
    proc = scrapy("crawlall", "--replay", "data/snapshot", *folders(tmp), "--report", str(tmp / "report.html"))
    return proc, tmp


# ---- item 2: logs ----------------------------------------------------------------------------
def test_main_job_prints_at_most_150_lines_and_no_traceback(main_job):
    proc, _ = main_job
    lines = (proc.stdout + proc.stderr).splitlines()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(lines) <= 150, len(lines)
    assert "Traceback" not in proc.stderr
    assert "HTTP 404" not in proc.stderr  # pages absent from the snapshot are counted, not logged one by one
    assert "Dumping Scrapy stats" not in proc.stderr and "Enabled item pipelines" not in proc.stderr
    assert "Overridden settings" not in proc.stderr
    # settings shared by every spider are said once per process, not once per spider
    assert proc.stderr.count("MONGO_ENABLED is off") == 1


def test_main_job_ends_each_spider_with_one_summary_line(main_job):
    proc, tmp = main_job
    done = {m["spider"]: m for m in (re.search(r"INFO: done: (?P<spider>\w+): (?P<rest>.*)", line)
                                     for line in proc.stderr.splitlines()) if m}
    assert sorted(done) == ["albayan", "alyaum", "assabah", "elbaladtv", "eldigitaldealbacete", "eyethunews",
                            "hatawtabloid", "jannah_demo", "lbci", "sputnik_ar", "thenassauguardian", "youm7"]
    youm7 = done["youm7"]["rest"]
    assert youm7.startswith("finished; 11 items (1 articles, 10 tickers); MongoDB off; exported 11 to ")
    feed = re.search(r"exported 11 to (\S+\.jsonl)", youm7)[1]
    assert Path(feed).is_file() and len(Path(feed).read_text(encoding="utf-8").splitlines()) == 11
    assert "1 not fetched (not in snapshot 1)" in youm7
    # crawlall's own per-spider line says ok (or why not)
    assert "newscrawl: jannah_demo: ok; finish_reason=finished pages=1 articles=0 items=7" in proc.stderr


def test_summary_names_drop_reasons_and_fetch_failures():
    stats = {"finish_reason": "finished", "item_scraped_count": 3, "newscrawl/items/article": 2,
             "newscrawl/items/ticker": 1, "newscrawl/item_dropped/same-site exact duplicate": 2,
             "newscrawl/dropped/no_body": 1, "newscrawl/pages": 5, "newscrawl/fetch_failed/http_503": 2,
             "newscrawl/mongo/written": 2, "newscrawl/mongo/unchanged": 1}
    line = summary("alyaum", stats, [("data/feeds/alyaum/alyaum-x.jsonl", 3)], mongo_enabled=True)
    assert line == ("done: alyaum: finished; 3 items (2 articles, 1 tickers); stored 3; exported 3 to "
                    "data/feeds/alyaum/alyaum-x.jsonl; dropped 3 (same-site exact duplicate 2, no_body 1); "
                    "5 pages, 2 not fetched (http_503 2)")
    assert drop_reason(Exception("same-site exact duplicate: https://a/1 of https://a/2")) == "same-site exact duplicate"
    assert drop_reason(Exception("ticker headline already seen in this crawl (youm7): 'x'")) == \
        "ticker headline already seen in this crawl"


def test_progress_line_is_logged_periodically(tmp_path):
    with LoopbackSite(extra_articles=40) as site:
        proc = scrapy("crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/", *folders(tmp_path),
                      "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.2", "-s", "DOWNLOAD_DELAY=0.02",
                      "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    progress = [line for line in proc.stderr.splitlines() if "INFO: progress: jannah_demo: " in line]
    assert progress, proc.stderr[-2000:]
    m = re.search(r"progress: jannah_demo: (\d+) pages \((\d+)/min\), (\d+) items, (\d+) dropped, (\d+) queued",
                  progress[-1])
    assert m and int(m[1]) > 0
    assert "\r" not in proc.stderr  # not a terminal: no live display


def test_network_failures_are_one_line_without_traceback(tmp_path):
    """An unreachable site through `scrapy crawl`: robots.txt and page failures without a traceback,
    one clear end line and a non-zero status (not exit 0 and an empty feed)."""
    proc = scrapy("crawl", "jannah_demo", "-a", f"start_url=http://127.0.0.1:{closed_port()}/rtl/",
                  *folders(tmp_path), "-s", "RETRY_TIMES=0")
    assert proc.returncode == runstatus.EXIT_NO_PAGES == 3, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert re.search(r"robotstxt\] WARNING: Error downloading .*: Connection was refused .*\(DownloadConnectionRefusedError\)$",
                     proc.stderr, re.M)
    assert "Gave up retrying" not in proc.stderr  # the errback says it: one line per failed page
    assert "newscrawl: jannah_demo: FAILED exit 3: no page fetched (DownloadConnectionRefusedError 1)" in proc.stderr
    assert proc.stderr.rstrip().endswith("newscrawl: exit status 3 (no page could be fetched)")
    assert not list((tmp_path / "feeds").rglob("*.jsonl"))  # no empty feed file


def test_network_error_filter_keeps_tracebacks_of_other_errors():
    import logging

    from scrapy.exceptions import CannotResolveHostError

    f = NetworkErrorWithoutTraceback()
    for exc, kept in ((CannotResolveHostError("DNS lookup failed: no results for host x.invalid"), False),
                      (KeyError("a bug"), True)):
        try:
            raise exc
        except Exception:
            record = logging.LogRecord("scrapy.core.scraper", logging.ERROR, __file__, 1, "Error downloading %s",
                                       ("<GET http://x.invalid/>",), sys.exc_info())
        assert f.filter(record)
        assert (record.exc_info is not None) == kept
        assert record.levelno == (logging.ERROR if kept else logging.WARNING)
    assert record.getMessage() == "Error downloading <GET http://x.invalid/>"


# ---- item 3: feeds ------------------------------------------------------------------------------
def test_feeds_carry_the_public_schema_only(main_job):
    _, tmp = main_job
    items = [i for spider in ("youm7", "sputnik_ar") for i in feed_lines(tmp, spider)]
    article = next(i for i in items if "title" in i)
    ticker = next(i for i in items if "headline" in i)
    assert not [k for i in items for k in i if INTERNAL.search(k)]
    assert {"url", "canonical_url", "site", "title", "published", "body", "duplicate_of"} <= set(article)
    assert {"site", "headline", "url", "position", "page_url", "seen_at"} <= set(ticker) <= \
        {"site", "headline", "url", "position", "page_url", "seen_at", "published", "published_raw"}


def test_internal_fields_only_with_the_setting(tmp_path):
    proc = scrapy("crawlall", "youm7", "--replay", "data/snapshot", *folders(tmp_path),
                  "-s", "NEWSCRAWL_FEED_INTERNAL_FIELDS=1", "-s", "LOG_LEVEL=WARNING")
    assert proc.returncode == 0, proc.stderr[-2000:]
    items = feed_lines(tmp_path, "youm7")
    article = next(i for i in items if "title" in i)
    assert {"title_norm", "body_norm", "content_hash", "simhash", "simhash_bands", "sh0", "sh3"} <= set(article)
    assert all("headline_norm" in i for i in items if "headline" in i)


def test_no_empty_feed_file_and_old_feeds_pruned(tmp_path):
    old_dir = tmp_path / "feeds" / "jannah_demo"
    old_dir.mkdir(parents=True)
    old = old_dir / "jannah_demo-20200101T000000Z-1.jsonl"
    old.write_text('{"site": "jannah_demo"}\n', encoding="utf-8")
    recent = old_dir / "jannah_demo-20260101T000000Z-1.jsonl"
    recent.write_text('{"site": "jannah_demo"}\n', encoding="utf-8")
    other = old_dir / "notes.txt"  # not a feed of this spider: never touched
    other.write_text("keep", encoding="utf-8")
    for path, days in ((old, 40), (recent, 2), (other, 400)):
        t = time.time() - days * 86400
        os.utime(path, (t, t))
    # thiqa has no page in the snapshot: nothing fetched, nothing exported
    proc = scrapy("crawlall", "thiqa", "jannah_demo", "--replay", "data/snapshot", *folders(tmp_path),
                  "-s", "NEWSCRAWL_FEED_KEEP_DAYS=30")
    assert proc.returncode == runstatus.EXIT_NO_PAGES, proc.stderr[-2000:]
    assert not list((tmp_path / "feeds").glob("thiqa/*.jsonl"))  # no empty feed file ...
    assert list((tmp_path / "feeds").glob("thiqa/*.run.json"))  # ... but the run is on record
    assert "done: thiqa: finished; 0 items (0 articles, 0 tickers); MongoDB off; no feed file (no item)" in proc.stderr
    assert "newscrawl: thiqa: FAILED exit 3: no page fetched (http_404 1)" in proc.stderr
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(old_dir.glob("*.jsonl"))) == 2  # the recent one and this run's


def test_offline_demo_writes_to_its_own_folders(tmp_path):
    proc = scrapy("crawlall", "jannah_demo", "--replay", str(ROOT / "data/snapshot"), cwd=tmp_path,
                  env={"SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "LOG_LEVEL": "WARNING"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list((tmp_path / "data/replay/feeds/jannah_demo").glob("*.jsonl"))) == 1
    assert not (tmp_path / "data/feeds").exists() and not (tmp_path / "data/state").exists()
    s = Settings({"NEWSCRAWL_REPLAY_DATA_DIR": "demo"})
    s.set("MONGO_SPOOL_DIR", "mine", priority="cmdline")
    assert use_replay_folders(s, environ={"NEWSCRAWL_STATE_DIR": "x"}) == {"NEWSCRAWL_FEED_DIR": "demo/feeds"}
    assert s["MONGO_SPOOL_DIR"] == "mine"


def test_state_file_gains_no_duplicate_line_on_rerun(tmp_path):
    for _ in range(2):
        proc = scrapy("crawlall", "youm7", "albayan", "--replay", "data/snapshot", *folders(tmp_path),
                      "-s", "LOG_LEVEL=WARNING")
        assert proc.returncode == 0, proc.stderr[-2000:]
    for spider in ("youm7", "albayan"):
        lines = (tmp_path / "state" / f"{spider}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1, lines
    assert len(feed_lines(tmp_path, "youm7")) == 22  # both runs still exported the article and the ticker


# ---- item 5: commands ------------------------------------------------------------------------------
def test_crawl_with_a_bad_argument_exits_like_crawlall(tmp_path):
    crawl = scrapy("crawl", "youm7", "-a", "max_articles=abc", *folders(tmp_path))
    crawlall = scrapy("crawlall", "youm7", "-a", "max_articles=abc", *folders(tmp_path))
    line = "newscrawl: youm7: FAILED exit 6: could not start: ValueError: spider argument max_articles='abc' is not an integer"
    for proc in (crawl, crawlall):
        assert proc.returncode == runstatus.EXIT_CANNOT_START == 6
        assert line in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stderr.count("newscrawl: exit status 6") == 1


def test_unknown_spider_argument_is_warned_about(tmp_path):
    proc = scrapy("crawlall", "jannah_demo", "--replay", "data/snapshot", "-a", "max_article=5", *folders(tmp_path))
    assert proc.returncode == 0
    assert ("WARNING: jannah_demo: unknown spider argument(s) max_article, not used "
            "(known: follow, max_articles, max_listing_pages, start_url)") in proc.stderr


def test_min_items_names_the_spider_that_fell_short(tmp_path):
    proc = scrapy("crawlall", "youm7", "albayan", "--replay", "data/snapshot", "--min-items", "2", *folders(tmp_path))
    assert proc.returncode == runstatus.EXIT_TOO_FEW_ITEMS
    assert "newscrawl: albayan: FAILED exit 5: 1 items, fewer than NEWSCRAWL_MIN_ITEMS=2" in proc.stderr
    assert "newscrawl: youm7: ok;" in proc.stderr


def test_sequential_prints_its_exit_line_once(tmp_path):
    proc = scrapy("crawlall", "thiqa", "youm7", "--replay", "data/snapshot", "--sequential", *folders(tmp_path),
                  "-s", "LOG_LEVEL=WARNING")
    assert proc.returncode == runstatus.EXIT_NO_PAGES
    assert proc.stderr.count("newscrawl: exit status 3") == 1
    assert "newscrawl: thiqa: FAILED exit 3" in proc.stderr and "newscrawl: youm7: ok;" in proc.stderr


def test_bad_redis_url_says_what_is_wrong(tmp_path):
    proc = scrapy("crawlall", "jannah_demo", "--replay", "data/snapshot", *folders(tmp_path),
                  env={"REDIS_URL": "redis://:secret@localhost:notaport/0"})
    assert proc.returncode == runstatus.EXIT_CANNOT_START
    assert "could not start: ValueError: REDIS_URL 'redis://***@localhost:notaport/0' is not a Redis URL: " \
        "Port could not be cast to integer value as 'notaport'" in proc.stderr
    assert "Engine slot not assigned" not in proc.stderr and "secret" not in proc.stderr


def test_extract_takes_several_files_and_names_a_wrong_spider():
    pages = sorted(str(p) for p in (ROOT / "tests/fixtures/pages").glob("*/*.html")
                   if p.parent.name in ("youm7.com", "albayan.ae"))
    proc = scrapy("extract", *pages)
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0, proc.stderr
    assert [i["site"] for i in items if "title" in i] == ["albayan", "youm7"]
    assert len(items) == 12  # albayan: 1 article; youm7: 10 ticker headlines + 1 article
    wrong = scrapy("extract", pages[0], "--spider", "youm7")
    assert wrong.returncode == 1
    assert "extract: --spider youm7 is for youm7.com, not www.albayan.ae" in wrong.stderr
    assert f"extract: {pages[0]}: no item" in wrong.stderr
    unknown = scrapy("extract", pages[0], "--spider", "nosuch")
    assert unknown.returncode == 2 and "no spider named 'nosuch'" in unknown.stderr


def test_make_bench_runs_only_the_benchmarks():
    out = subprocess.run(["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True).stdout
    loop = next(line for line in out.splitlines() if "for f in" in line)
    assert "benchmarks/bench_*.py" in loop and "extraction_quality.py" in loop and "benchmarks/*.py" not in loop


def test_refused_storage_pipeline_is_one_line_without_corestats_traceback(tmp_path):
    """A pipeline that refuses to start (unusable spool folder): its one ERROR line, no Scrapy
    ``CoreStats`` AssertionError traceback after it, exit 6."""
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    proc = scrapy("crawlall", "youm7", "--replay", "data/snapshot", *folders(tmp_path),
                  "-s", f"MONGO_SPOOL_DIR={blocker}/spool", "-s", "MONGO_URI=mongodb://127.0.0.1:1/",
                  env={"MONGO_ENABLED": "1"})
    assert proc.returncode == runstatus.EXIT_CANNOT_START, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "AssertionError" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "MongoDB storage not started: spool directory" in errors[0], errors
    assert "done: youm7: not started; 0 items" in proc.stderr


def test_live_progress_line_only_on_a_terminal(tmp_path):
    import pty
    import select

    master, slave = pty.openpty()
    with LoopbackSite(extra_articles=40) as site:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "jannah_demo", "-a", f"start_url={site.base}/rtl/",
             *folders(tmp_path), "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
            env={**os.environ, "MONGO_ENABLED": "0"})
        os.close(slave)
        out = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        proc.wait(timeout=60)
        os.close(master)
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    live = re.findall(r"\r\x1b\[Kjannah_demo: (\d+) pages \(\d+/min\), (\d+) items, \d+ dropped, \d+ queued\r", text)
    assert live, text[-2000:]
    assert int(live[-1][0]) > 0
