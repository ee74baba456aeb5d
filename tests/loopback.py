"""A small news site on a loopback port, built from the real saved pages.

Layout (``base`` = ``http://127.0.0.1:<port>``):

* ``/rtl/`` -- the real Jannah RTL demo home page (breaking-news ticker, post cards);
  its relative links resolve to ``/rtl/2016/10/28/<slug>/`` etc.;
* any ``/rtl/YYYY/MM/DD/<slug>/`` path in ``site.articles`` -- the real Jannah
  article page from eldigitaldealbacete.com (the only real Jannah article in the
  fixtures), served under that URL; other paths give 404;
* ``/rtl/feed/`` -- RSS 2.0 listing ``site.articles`` (no real Arabic feed exists in
  public fixtures, see tests/fixtures/SOURCES.md, so the feed is generated: it is
  structured data, not a page);
* ``/rtl/wp-sitemap.xml`` -- a sitemap of the same URLs; ``/robots.txt`` allows all.

``site.log`` records every request path (thread-safe), so tests can count fetches.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

PAGES = Path(__file__).parent / "fixtures" / "pages"
HOME = PAGES / "jannah.tielabs.com" / "rtl-demo-homepage-2022-12-09.html"
ARTICLE = PAGES / "eldigitaldealbacete.com" / "ayuntamiento-violencia-genero-covid-2020-03-20.html"
_ARTICLE_PATH = re.compile(r"^/rtl/\d{4}/\d{2}/\d{2}/[^/]+/$")


def home_article_paths() -> list[str]:
    """The article paths the real home page links to (post cards, widget and slider headlines + ticker;
    33 of them), unique, in page order."""
    from parsel import Selector

    sel = Selector(HOME.read_text(encoding="utf-8"))
    out = []
    for href in sel.css(".post-title a::attr(href), a.post-title::attr(href), .thumb-title a::attr(href), "
                        "a.post-thumb::attr(href), ul#breaking-news-in-header a::attr(href)").getall():
        path = urlsplit("/rtl/" + href if not href.startswith(("/", "http")) else href).path
        if _ARTICLE_PATH.match(path) and path not in out:
            out.append(path)
    return out


class LoopbackSite:
    def __init__(self, extra_articles: int = 0, host: str = "127.0.0.1"):
        self.home = HOME.read_bytes()
        self.article = ARTICLE.read_bytes()
        self.articles: list[str] = home_article_paths()
        for i in range(extra_articles):
            self.articles.append(f"/rtl/2022/12/{1 + i % 28:02d}/bench-article-{i}/")
        self._article_set = {unquote(a) for a in self.articles}
        self.log: list[str] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # small responses would otherwise wait ~40 ms for the ACK

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                with site._lock:
                    site.log.append(path)
                status, ctype, body = site.route(path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_article(self, path: str) -> None:
        with self._lock:
            self.articles.insert(0, path)
            self._article_set.add(unquote(path))

    def route(self, path: str):
        html = "text/html; charset=UTF-8"
        if path in ("/rtl/", "/rtl"):
            return 200, html, self.home
        if unquote(path) in self._article_set:
            return 200, html, self.article
        if path in ("/rtl/feed/", "/feed/"):
            return 200, "application/rss+xml; charset=UTF-8", self.rss()
        if path in ("/rtl/wp-sitemap.xml", "/wp-sitemap.xml"):
            return 200, "application/xml; charset=UTF-8", self.sitemap()
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        return 404, html, b"<html><body><h1>404</h1></body></html>"

    def rss(self) -> bytes:
        items = "".join(f"<item><title>{i}</title><link>{escape(self.base + p)}</link></item>" for i, p in enumerate(self.articles))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>loopback</title>'
                f"<link>{self.base}/rtl/</link>{items}</channel></rss>").encode()

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{escape(self.base + p)}</loc></url>" for p in self.articles)
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()

    def fetched(self, prefix: str = "") -> list[str]:
        with self._lock:
            return [p for p in self.log if p.startswith(prefix)]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
