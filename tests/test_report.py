"""`scrapy report`: the HTML crawl report, built from a real offline crawl and opened in headless Chromium.

The crawl is the README's main job (real saved pages); one small hand-made feed of a
made-up spider ``evil`` adds the hostile cases (markup in a headline and a title, a
``javascript:`` URL) and a republished story.  Chromium is Debian's ``chromium`` (installed
by ``.ci/run``); the report must need no network (``--disable-background-networking``,
``file://``) and run no script.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.feeds.report import collect, content_security_policy, minute_precision, render_html, safe_link, STYLE

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
XSS_HEADLINE = "<img src=x onerror=alert(1)>"
XSS_MARKER = "<img src=x onerror=\"document.title='pwned';document.body.setAttribute('data-pwned','1')\">"
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="chromium not installed (apt-get install chromium; .ci/run does)")


def chromium(*args, timeout=120):
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-dev-shm-usage", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Feeds of the real offline crawl, plus the hand-made ``evil`` run; the report written by crawlall and by report."""
    tmp = tmp_path_factory.mktemp("report")
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "--replay", "data/snapshot",
                           "-s", f"NEWSCRAWL_FEED_DIR={tmp}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp}/state",
                           "-s", f"MONGO_SPOOL_DIR={tmp}/spool", "-s", "LOG_LEVEL=WARNING",
                           "--report", str(tmp / "crawlall-report.html")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "MONGO_ENABLED": "0"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    youm7 = next(json.loads(line) for f in (tmp / "feeds/youm7").glob("*.jsonl")
                 for line in f.read_text(encoding="utf-8").splitlines() if '"title"' in line)
    evil = tmp / "feeds/evil"
    evil.mkdir()
    run = evil / "evil-20991231T235959Z-1"
    lines = [
        {"site": "evil", "headline": XSS_HEADLINE, "url": "javascript:alert(1)", "position": 0,
         "page_url": "https://evil.example/", "seen_at": "2099-12-31T23:59:59+00:00"},
        {"site": "evil", "headline": XSS_MARKER, "url": "https://evil.example/a?x=\"><script>alert(2)</script>",
         "position": 1, "page_url": "https://evil.example/", "seen_at": "2099-12-31T23:59:59+00:00"},
        {"site": "evil", "url": "https://evil.example/copy", "canonical_url": "https://evil.example/copy",
         "title": "<script>document.title='pwned'</script>" + youm7["title"], "published": youm7["published"],
         "published_raw": youm7["published_raw"], "author": None, "agency": None, "body": youm7["body"],
         "images": [], "categories": [], "duplicate_of": youm7["canonical_url"], "duplicate_kind": "exact"},
    ]
    Path(f"{run}.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in lines), encoding="utf-8")
    Path(f"{run}.run.json").write_text(json.dumps({"finish_reason": "finished", "dropped": {"no_body": 2},
                                                   "not_fetched": {"http_503": 1}}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "scrapy", "report", "--feed-dir", str(tmp / "feeds"),
                          "-o", str(tmp / "report.html"), "--title", "تقرير <b>newscrawl</b>"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"newscrawl: report of 13 spider runs (53 items) written to {tmp / 'report.html'}" in out.stderr
    return tmp, youm7


def test_report_data_from_the_real_crawl(crawled):
    tmp, youm7 = crawled
    data = collect(tmp / "feeds")
    assert len(data.runs) == 13  # the 12 spiders of the snapshot and the hostile feed
    assert dict(data.items_per_site["youm7"]) == {"article": 1, "ticker": 10}
    assert dict(data.items_per_site["jannah_demo"]) == {"ticker": 7}
    assert data.coverage["youm7"] == {"date to the minute": 1.0, "author": 1.0, "agency": 0.0, "images": 1.0,
                                      "categories": 1.0}
    assert data.coverage["assabah"]["date to the minute"] == 0.0  # the page gives a day only
    # requests for pages the snapshot does not hold (the home page's 33 story links among them)
    assert data.not_fetched["jannah_demo"] == {"not in snapshot": 46}
    assert data.drops["evil"] == {"no_body": 2}
    assert data.republished == [{"site": "evil", "url": "https://evil.example/copy", "title": data.republished[0]["title"],
                                 "original_url": youm7["canonical_url"], "original_site": "youm7", "kind": "exact"}]
    assert collect(tmp / "feeds", spiders=["youm7"]).items_per_site.keys() == {"youm7"}


def test_minute_precision_reads_the_raw_date():
    assert minute_precision({"published": "2020-08-24T07:23:00+00:00", "published_raw": "الإثنين، 24 أغسطس 2020 09:23 ص"})
    assert minute_precision({"published": "2020-08-24T07:23:00+00:00", "published_raw": "٢٤ أغسطس ٢٠٢٠ ٠٩:٢٣"})
    assert not minute_precision({"published": "2019-02-07T00:00:00+00:00", "published_raw": "07/02/2019"})
    assert not minute_precision({"published": None, "published_raw": "09:23"})
    assert minute_precision({"published_precision": "minute"}) and not minute_precision({"published_precision": "day"})


def test_links_only_for_http_urls():
    assert safe_link("javascript:alert(1)", "x") == "x"
    assert safe_link("JaVaScRiPt:alert(1)") == "JaVaScRiPt:alert(1)"
    assert safe_link("data:text/html,<b>") == "data:text/html,&lt;b&gt;"
    assert safe_link('https://a.example/?q="><b>', "t") == \
        '<a href="https://a.example/?q=&quot;&gt;&lt;b&gt;" rel="noopener noreferrer nofollow">t</a>'


def test_page_is_self_contained_and_escaped(crawled):
    tmp, _ = crawled
    page = (tmp / "report.html").read_text(encoding="utf-8")
    assert f'content="{content_security_policy(STYLE)}"' in page.replace("&#x27;", "'")
    assert "script-src 'none'" in content_security_policy(STYLE)
    assert "<script" not in page and "javascript:" not in page  # the javascript: URL is not a link
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "src=\"http" not in page and "url(" not in page  # no remote image, font or stylesheet
    assert page.count('src="data:image/svg+xml;base64,') == 4  # items, per day, coverage, drops
    assert "<title>تقرير &lt;b&gt;newscrawl&lt;/b&gt;</title>" in page
    crawl_page = (tmp / "crawlall-report.html").read_text(encoding="utf-8")
    assert "12 spider runs" in crawl_page and "evil" not in crawl_page


@needs_chromium
def test_chromium_shows_the_report_and_runs_no_script(crawled):
    tmp, youm7 = crawled
    url = (tmp / "report.html").as_uri()
    dom = chromium("--virtual-time-budget=3000", "--dump-dom", url).stdout
    assert "<h1>تقرير &lt;b&gt;newscrawl&lt;/b&gt;</h1>" in dom
    for heading in ("Items per site", "Articles per day", "Field coverage per site", "Drops and pages not fetched",
                    "Ticker headlines", "Who republished whose story"):
        assert f"<h2>{heading}</h2>" in dom
    assert "<td>youm7</td><td class=\"n\">1</td><td class=\"n\">10</td><td>finished</td>" in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom  # the headline shown as text
    # no handler of the page's ran: the title and the body element are as written
    assert "<title>تقرير &lt;b&gt;newscrawl&lt;/b&gt;</title>" in dom and "\n<body>" in dom
    assert "&lt;img src=x onerror=\"document.title='pwned';" in dom  # the marker is text, not an element
    assert 'href="javascript' not in dom
    assert youm7["title"] in dom
    shot = tmp / "report.png"
    proc = chromium("--window-size=1200,2600", f"--screenshot={shot}", url)
    assert shot.exists(), proc.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[:2] == (2600, 1200)
    colours = {tuple(p) for p in (pixels[::7, ::7, :3] * 255).astype(int).reshape(-1, 3)}
    assert len(colours) > 50  # tables and charts drawn, not a blank or error page


@needs_chromium
def test_content_security_policy_blocks_an_injected_script(tmp_path, crawled):
    """Defence in depth: even markup that escaped the escaping could not run a script."""
    tmp, _ = crawled
    page = render_html(collect(tmp / "feeds", spiders=["youm7"]), chart_uris={})
    page = page.replace("<h2>Items per site</h2>",
                        "<h2>Items per site</h2><script>document.title='ran'</script>"
                        "<img src=x onerror=\"document.title='ran'\">")
    path = tmp_path / "injected.html"
    path.write_text(page, encoding="utf-8")
    dom = chromium("--virtual-time-budget=3000", "--dump-dom", path.as_uri()).stdout
    assert "<title>newscrawl report</title>" in dom and "<script>document.title='ran'</script>" in dom
