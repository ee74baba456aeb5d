"""Bad input never crashes the crawl: legacy charsets, empty, truncated, non-HTML and oversized pages.

The windows-1256 cases are the handed cases BR-01/BR-02 and the real Youm7 page
transcoded to windows-1256 (every character of it exists in that code page), the
way older Arabic sites still serve their HTML.
"""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from newscrawl.extractors.base import ArticlePage
from newscrawl.items import ArticleItem
from newscrawl.spiders.base import NewsSpider
from newscrawl.spiders.youm7 import Youm7Spider
from tests.helpers import page, split_output

ROOT = Path(__file__).resolve().parent.parent
BR01_BODY = ('<html><head><meta charset="windows-1256"></head><body><h1>عاجل: الحكومة تعلن</h1></body></html>').encode("cp1256")


def crawl_spider(cls, **kwargs):
    crawler = get_crawler(cls)
    crawler._apply_settings()
    crawler.stats.open_spider()
    return cls.from_crawler(crawler, **kwargs), crawler.stats


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/html; charset=windows-1256"},
    {"Content-Type": "text/html; charset=cp1256"},
    {"Content-Type": "text/html; charset=WINDOWS-1256"},
    {"Content-Type": "text/html"},  # only the <meta> declares it
    {},
])
def test_br01_windows_1256_headline(headers):
    assert BR01_BODY[BR01_BODY.index(b"<h1>") + 4:][:18] == bytes.fromhex("dac7cce13a20c7e1cddfe6e3c920cadae1e4")
    response = HtmlResponse("https://news.example/ar/1.html", body=BR01_BODY, headers=headers)
    title = ArticlePage(response, site="x").title()
    assert title == "عاجل: الحكومة تعلن"
    assert "\ufffd" not in response.text and "ÚÇÌá" not in response.text


def test_br02_links_on_a_windows_1256_page_are_encoded_like_a_browser():
    class LinkSpider(NewsSpider):  # the base's link following, with every <a> an article link
        name = "links"
        allowed_domains = ["news.example"]
        article_link_css = "a"

    body = '<a href="/بحث?q=غزة">بحث</a><a href="/ar/أخبار/1">x</a>'.encode("cp1256")
    response = HtmlResponse("https://news.example/ar/index.html", body=body,
                            headers={"Content-Type": "text/html; charset=windows-1256"}, request=Request("https://news.example/ar/index.html"))
    _, requests = split_output(LinkSpider().parse(response))
    assert [r.url for r in requests] == [
        "https://news.example/%D8%A8%D8%AD%D8%AB?q=%DB%D2%C9",
        "https://news.example/ar/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1",
    ]


@pytest.mark.parametrize("where", ["header", "meta"])
def test_real_page_served_as_windows_1256_gives_the_same_item(where):
    utf8, oracle = page("youm7.com")
    text = utf8.text.replace('content="charset=utf-8"', 'content="text/html; charset=windows-1256"')
    headers = {"Content-Type": "text/html; charset=windows-1256"} if where == "header" else {"Content-Type": "text/html"}
    legacy = HtmlResponse(oracle["url"], body=text.encode("cp1256"), headers=headers, request=Request(oracle["url"]))
    assert legacy.encoding == "cp1256"
    (a,) = [i for i in split_output(Youm7Spider().parse(utf8))[0] if isinstance(i, ArticleItem)]
    (b,) = [i for i in split_output(Youm7Spider().parse(legacy))[0] if isinstance(i, ArticleItem)]
    for field in ("title", "author", "body", "published", "categories", "tags"):
        assert a[field] == b[field], field
    assert b["title"] == oracle["title"]


def test_empty_page_is_dropped_with_a_counted_reason():
    spider, stats = crawl_spider(Youm7Spider)
    items, requests = split_output(spider.parse(HtmlResponse("https://www.youm7.com/story/1", body=b"")))
    assert items == [] and requests == []
    assert stats.get_value("newscrawl/dropped/empty_page") == 1


def test_non_html_response_is_dropped_with_a_counted_reason():
    spider, stats = crawl_spider(Youm7Spider)
    jpeg = Response("https://www.youm7.com/x.jpg", body=b"\xff\xd8\xff\xe0" + bytes(200), headers={"Content-Type": "image/jpeg"})
    assert split_output(spider.parse(jpeg)) == ([], [])
    assert stats.get_value("newscrawl/dropped/not_html") == 1


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.9])
def test_truncated_real_page_never_crashes(fraction):
    """A connection cut mid-page: malformed HTML.  Either a (partial) article or a counted drop."""
    full, oracle = page("youm7.com")
    body = full.body[: int(len(full.body) * fraction)]
    spider, stats = crawl_spider(Youm7Spider)
    items, _ = split_output(spider.parse(HtmlResponse(oracle["url"], body=body, request=Request(oracle["url"]))))
    articles = [i for i in items if isinstance(i, ArticleItem)]
    dropped = {k: v for k, v in stats.get_stats().items() if k.startswith("newscrawl/dropped/")}
    listing = stats.get_value("newscrawl/pages/listing", 0)
    assert len(articles) + sum(dropped.values()) + listing == 1, (articles, dropped, listing)
    for a in articles:
        assert a["title"] and a["body"]


def test_binary_garbage_served_as_html_never_crashes():
    spider, stats = crawl_spider(Youm7Spider)
    junk = bytes(range(256)) * 400
    items, _ = split_output(spider.parse(HtmlResponse("https://www.youm7.com/story/9", body=junk,
                                                      request=Request("https://www.youm7.com/story/9"))))
    assert [i for i in items if isinstance(i, ArticleItem)] == []
    assert stats.get_value("newscrawl/pages") == 1


class _HugePage(BaseHTTPRequestHandler):
    size = 9 * 1024 * 1024  # over DOWNLOAD_MAXSIZE (8 MiB)

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"<html><body>" + b"<p>x</p>" * (self.size // 8) + b"</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_oversized_page_is_cancelled_not_loaded(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HugePage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/huge.html"
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawlall", "generic", "-a", f"url={url}", "-s", "ROBOTSTXT_OBEY=0",
             "-s", f"NEWSCRAWL_FEED_DIR={tmp_path}/feeds", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path}/state",
             "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=INFO"],
            cwd=ROOT, env={**os.environ, "MONGO_ENABLED": "0"}, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert "larger than download max size" in proc.stderr
    assert proc.returncode == 3  # no page could be fetched: cron sees it
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("served_as,body_encoding,expected", [
    ("iso-8859-1", "utf-8", "cp1252->utf-8"),  # UTF-8 labelled Latin-1 (read as windows-1252, WHATWG): «ÙˆØ²ÙŠØ±»
    ("windows-1252", "utf-8", "cp1252->utf-8"),
    ("utf-8", "cp1256", "utf_8->cp1256"),  # windows-1256 bytes labelled UTF-8: U+FFFD everywhere
])
def test_wrong_charset_header_is_repaired(served_as, body_encoding, expected):
    utf8, oracle = page("youm7.com")
    text = utf8.text.replace('content="charset=utf-8"', 'content="text/html"')  # the header alone decides
    response = HtmlResponse(oracle["url"], body=text.encode(body_encoding),
                            headers={"Content-Type": f"text/html; charset={served_as}"}, request=Request(oracle["url"]))
    assert "وزير" not in response.text  # as declared, the page is garbled
    spider, stats = crawl_spider(Youm7Spider)
    items, _ = split_output(spider.parse(response))
    (article,) = [i for i in items if isinstance(i, ArticleItem)]
    assert article["title"] == oracle["title"]
    assert [i["headline"] for i in items if not isinstance(i, ArticleItem)] == oracle["ticker_headlines"]
    assert stats.get_value(f"newscrawl/encoding/repaired/{expected}") == 1


def test_correct_pages_are_not_re_decoded():
    from newscrawl.text.encoding import repair_encoding

    for name in ("youm7.com", "jannah.tielabs.com", "eldigitaldealbacete.com", "lbcgroup.tv"):
        response, _ = page(name)
        assert repair_encoding(response) == (response, None)
    legacy = HtmlResponse("https://news.example/ar/1.html", body=BR01_BODY,
                          headers={"Content-Type": "text/html; charset=windows-1256"})
    assert repair_encoding(legacy) == (legacy, None)
