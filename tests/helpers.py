"""Shared test helpers: load the real saved pages and their oracles."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from scrapy.http import HtmlResponse, Request

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def oracle_pages():
    """``[(html_path, oracle_dict), ...]`` for every saved page, sorted."""
    out = []
    for exp in sorted(PAGES.glob("*/*.expected.json")):
        html = exp.with_name(exp.name.removesuffix(".expected.json") + ".html")
        out.append((html, json.loads(exp.read_text(encoding="utf-8"))))
    return out


def page(site_dir: str):
    """``(HtmlResponse, oracle)`` for the single saved page of ``site_dir``."""
    for html, oracle in oracle_pages():
        if html.parent.name == site_dir:
            return response_for(html.read_bytes(), oracle["url"]), oracle
    raise KeyError(site_dir)


def response_for(body: bytes, url: str, headers: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url, body=body, headers=headers or {}, request=Request(url))


def split_output(results):
    """Split a spider callback's output into ``(items, requests)``."""
    items, requests = [], []
    for r in results or []:
        (requests if isinstance(r, Request) else items).append(r)
    return items, requests


def closed_port() -> int:
    """A loopback TCP port with nothing listening (bound, read, released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
