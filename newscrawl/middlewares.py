"""Downloader middlewares.

:class:`ReplayMiddleware` serves saved pages instead of the network, keyed by
their real URLs, so a full crawl (spider, extraction, pipelines, feed, MongoDB)
runs offline on real input.  Enabled by the ``REPLAY_DIR`` setting: a folder
with ``index.json`` -- a list of ``{"url", "file", "content_type"}`` objects,
``file`` relative to the folder.  A URL not in the index gets an empty 404 (so
no request ever leaves the machine) and is counted as ``newscrawl/replay/miss``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)


class ReplayMiddleware:
    def __init__(self, replay_dir: str, stats=None):
        self.root = Path(replay_dir)
        index = self.root / "index.json"
        if not index.exists():
            raise FileNotFoundError(f"REPLAY_DIR={replay_dir!r} has no index.json")
        self.pages: dict[str, dict] = {}
        for entry in json.loads(index.read_text(encoding="utf-8")):
            self.pages[canonicalize_url(entry["url"])] = entry
        self.stats = stats
        logger.info("replaying %d saved pages from %s (no network)", len(self.pages), self.root)

    @classmethod
    def from_crawler(cls, crawler):
        replay_dir = crawler.settings.get("REPLAY_DIR")
        if not replay_dir:
            raise NotConfigured  # silent: replay is the exception, not the rule
        return cls(replay_dir, crawler.stats)

    def process_request(self, request, spider=None):
        entry = self.pages.get(canonicalize_url(request.url))
        if entry is None:
            if self.stats is not None:
                self.stats.inc_value("newscrawl/replay/miss")
            return Response(request.url, status=404, body=b"", request=request, flags=["replay"])
        body = (self.root / entry["file"]).read_bytes()
        if self.stats is not None:
            self.stats.inc_value("newscrawl/replay/hit")
        headers = {"Content-Type": entry.get("content_type", "text/html; charset=utf-8")}
        return HtmlResponse(request.url, status=200, headers=headers, body=body, request=request, flags=["replay"])
