"""No page stalls the crawl (issue 14, item 4).

A page of 40,000 short paragraphs (4.7 MB, under ``DOWNLOAD_MAXSIZE``) took 16 s of CPU on the
reactor thread to read, and every other download waited.  ``NEWSCRAWL_MAX_PAGE_ELEMENTS`` bounds
the work: such a page is a counted drop (``newscrawl/dropped/too_slow``) and the real pages
served beside it are all read.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem
from newscrawl.spiders.generic import GenericSpider
from newscrawl.spiders.jannah_demo import JannahDemoSpider
from tests.loopback import ARTICLE, HOME, PAGES, LoopbackSite

ROOT = Path(__file__).resolve().parent.parent
HUGE_PATH = "/rtl/2022/12/09/huge-story/"
PARAGRAPHS = 40_000


def huge_page(paragraphs: int = PARAGRAPHS) -> bytes:
    """A generated article page of ``paragraphs`` short Arabic paragraphs (one rule: size in elements)."""
    paras = "".join(f"<p>فقرة قصيرة رقم {i} من نص طويل عن موضوع الخبر وتفاصيله الكاملة.</p>\n" for i in range(paragraphs))
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خبر طويل</title>'
            f'<meta property="og:type" content="article"></head><body><article><h1>خبر طويل</h1>'
            f'<div class="entry-content">{paras}</div></article></body></html>').encode()


class SiteWithHugePage(LoopbackSite):
    def __init__(self):
        super().__init__()
        self.huge = huge_page()
        self.add_article(HUGE_PATH)  # first in the feed and the sitemap

    def route(self, path):
        if path == HUGE_PATH:
            return 200, "text/html; charset=UTF-8", self.huge
        return super().route(path)


def test_huge_page_is_a_counted_drop_and_every_other_page_is_read(tmp_path):
    with SiteWithHugePage() as site:
        assert 4_000_000 < len(site.huge) < 8 * 1024 * 1024  # under the size limit: only the element budget stops it
        settings = {"NEWSCRAWL_FEED_DIR": tmp_path / "feeds", "NEWSCRAWL_STATE_DIR": tmp_path / "state",
                    "MONGO_SPOOL_DIR": tmp_path / "spool", "AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0",
                    "DEDUPE_ENABLED": "0", "LOG_LEVEL": "INFO", "NEWSCRAWL_LOG_STATS": "1"}
        args = ["-a", f"start_url={site.base}/rtl/"]
        for k, v in settings.items():
            args += ["-s", f"{k}={v}"]
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "jannah_demo", *args], cwd=ROOT,
                              env={**os.environ, "MONGO_ENABLED": "0"}, capture_output=True, text=True,
                              encoding="utf-8", timeout=300)
        fetched = site.fetched()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert HUGE_PATH in fetched
    assert "'newscrawl/dropped/too_slow': 1," in proc.stderr
    assert re.search(r"page too large to read \(4000\d elements, NEWSCRAWL_MAX_PAGE_ELEMENTS=15000\), skipped: "
                     + re.escape(site.base + HUGE_PATH), proc.stderr)
    items = [json.loads(line) for f in (tmp_path / "feeds" / "jannah_demo").glob("*.jsonl")
             for line in f.read_text(encoding="utf-8").splitlines()]
    articles = sorted(i["url"] for i in items if "title" in i)
    assert len(articles) == 33  # every real article page served beside the huge one
    assert site.base + HUGE_PATH not in articles
    assert len([i for i in items if "headline" in i]) == 7  # the home page's ticker


def _parse(body: bytes, url: str, spider_cls=JannahDemoSpider, **settings):
    crawler = get_crawler(spider_cls, settings_dict=settings)
    crawler._apply_settings()
    crawler.stats.open_spider()
    spider = spider_cls.from_crawler(crawler, start_url=url)
    response = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))
    return list(spider.parse(response)), crawler.stats


def test_real_pages_are_far_under_the_default_budget():
    from lxml import html

    counts = {p.name: int(html.fromstring(p.read_bytes()).xpath("count(//*)")) for p in PAGES.rglob("*.html")}
    assert counts[HOME.name] == 2086 and counts[ARTICLE.name] < 2000
    assert max(counts.values()) < 15_000 / 5
    items, stats = _parse(ARTICLE.read_bytes(), "http://127.0.0.1/rtl/2022/12/09/real/")
    assert [type(i) for i in items] == [ArticleItem]
    assert stats.get_value("newscrawl/dropped/too_slow") is None


def test_budget_is_a_setting_and_zero_means_no_limit():
    body = huge_page(300)
    url = "http://127.0.0.1/rtl/2022/12/09/x/"
    items, stats = _parse(body, url, GenericSpider, NEWSCRAWL_MAX_PAGE_ELEMENTS=300)
    assert items == [] and stats.get_value("newscrawl/dropped/too_slow") == 1
    items, stats = _parse(body, url, GenericSpider, NEWSCRAWL_MAX_PAGE_ELEMENTS=0)
    assert stats.get_value("newscrawl/dropped/too_slow") is None
    assert [i["title"] for i in items if isinstance(i, ArticleItem)] == ["خبر طويل"]
