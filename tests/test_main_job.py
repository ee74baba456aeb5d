"""The README's main job, end to end: an offline crawl of the real pages in data/snapshot.

Runs ``scrapy crawlall --replay data/snapshot`` in a subprocess (a fresh reactor,
as cron would) and checks the JSON Lines feeds against every page's oracle.
"""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newscrawl.text.arabic import display_text
from tests.helpers import oracle_pages
from tests.test_sites import credit_of

ROOT = Path(__file__).resolve().parent.parent


def run_crawlall(tmp_path, *args, env=None):
    cmd = [sys.executable, "-m", "scrapy", "crawlall", "--replay", "data/snapshot",
           "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state",
           "-s", f"MONGO_SPOOL_DIR={tmp_path}/spool", "-s", "LOG_LEVEL=WARNING", *args]
    full_env = {**os.environ, "MONGO_ENABLED": "0", **(env or {})}
    return subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300)


def read_feeds(feed_dir: Path):
    items = []
    for f in sorted(feed_dir.glob("*/*.jsonl")):
        raw = f.read_bytes()
        assert b"\\u06" not in raw and b"\\u0" not in raw.replace(b"\\u00", b"")  # Arabic unescaped (BR-11)
        for line in raw.decode("utf-8").splitlines():
            items.append(json.loads(line))
    return items


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mainjob")
    proc = run_crawlall(tmp)
    return proc, tmp, read_feeds(tmp / "feeds")


def test_main_job_exits_zero(crawl):
    proc, tmp, items = crawl
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


def test_main_job_tickers_equal_oracles(crawl):
    _, _, items = crawl
    for html, oracle in oracle_pages():
        # display form, whitespace runs collapsed (oracles keep raw U+00A0, as tests/test_sites.py compares)
        expected = [" ".join(display_text(h).split()) for h in oracle["ticker_headlines"]]
        got = [i["headline"] for i in items if "headline" in i and i["page_url"] and
               _same_page(i["page_url"], oracle["url"])]
        assert got == expected, html.parent.name


def _same_page(a, b):
    from newscrawl.text.urls import canonicalize
    return canonicalize(a) == canonicalize(b)


def test_main_job_articles_match_oracles(crawl):
    _, _, items = crawl
    articles = [i for i in items if "title" in i]
    from newscrawl.text.urls import canonicalize

    # by the fetched URL: a page's own rel=canonical/og:url may differ from the oracle's URL (elbaladtv)
    by_url = {canonicalize(i["url"]): i for i in articles}

    expected_articles = [(h, o) for h, o in oracle_pages() if o["page_type"] == "article"]
    assert len(articles) == len(expected_articles) == 11
    for html, oracle in expected_articles:
        item = by_url[canonicalize(oracle["url"])]
        assert item["title"] == display_text(oracle["title"]), html
        # the oracle's author is "byline or agency": a person, else the credit as printed («أبوظبي - البيان»)
        assert oracle["author"] in ((item["author"] or None), credit_of(item)), html
        assert item["body"][0].startswith(display_text(oracle["body_first_sentence"])), html
        # the excerpt may span the last two paragraphs (hatawtabloid.com's oracle note)
        assert " ".join(item["body"][-2:]).endswith(display_text(oracle["body_last_sentence"])), html
        published = datetime.fromisoformat(item["published"])
        assert published.utcoffset().total_seconds() == 0  # stored and exported as UTC
        want = oracle["published"]
        if len(want) == 10:  # a day: compare in the site's calendar
            tz = ZoneInfo({"assabah": "Africa/Tunis"}.get(item["site"], "UTC"))
            assert published.astimezone(tz).date().isoformat() == want, html
        else:
            w = datetime.fromisoformat(want)
            if w.tzinfo is None:
                tz = ZoneInfo({"youm7": "Africa/Cairo", "alyaum": "Asia/Riyadh"}[item["site"]])
                w = w.replace(tzinfo=tz)
            assert published.replace(second=0, microsecond=0) == w.replace(second=0), html  # to the minute


def test_rerun_writes_a_new_feed_file_and_never_appends(tmp_path):
    first = run_crawlall(tmp_path, "jannah_demo")
    second = run_crawlall(tmp_path, "jannah_demo")
    assert first.returncode == second.returncode == 0
    files = sorted((tmp_path / "feeds" / "jannah_demo").glob("*.jsonl"))
    assert len(files) == 2
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 7 and all(json.loads(line)["site"] == "jannah_demo" for line in lines)
