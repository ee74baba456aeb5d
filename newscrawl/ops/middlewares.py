"""Downloader middlewares.

:class:`ReplayMiddleware` serves saved pages instead of the network, keyed by
their real URLs, so a full crawl (spider, extraction, pipelines, feed, MongoDB)
runs offline on real input.  Enabled by the ``REPLAY_DIR`` setting, which names
one of (:func:`open_snapshot`):

* a snapshot folder with ``index.json`` -- a list of ``{"url", "file",
  "content_type"}`` objects, ``file`` relative to the folder;
* a WARC file (``.warc``, ``.warc.gz``; e.g. one written by ``WARC_ENABLED``,
  see :mod:`newscrawl.ops.warc`), or a folder of WARC files without ``index.json``:
  every ``response`` record is served again with its recorded status, headers and
  exact payload bytes (a compressed payload is decompressed by Scrapy's
  ``HttpCompressionMiddleware`` as in the original crawl; a recorded redirect is
  followed again).  When a URL was recorded more than once, the last record wins.

A URL not in the snapshot gets an empty 404 (flag ``replay-miss``: so no request
ever leaves the machine, and the WARC recorder does not archive it) and is
counted as ``newscrawl/replay/miss``; a served page as ``newscrawl/replay/hit``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.gz.open", ".warc.open")


def is_warc_path(path: Path) -> bool:
    """True for a file named like a WARC (``.warc``, ``.warc.gz``, and the
    ``.open`` files of an unfinished crawl)."""
    return path.name.endswith(WARC_SUFFIXES)


class FolderSnapshot:
    """Saved pages listed in ``<root>/index.json`` (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = root
        self.pages: dict[str, dict] = {}
        for entry in json.loads((root / "index.json").read_text(encoding="utf-8")):
            self.pages[canonicalize_url(entry["url"])] = entry

    def urls(self) -> list[str]:
        return [e["url"] for e in self.pages.values()]

    def seeds(self) -> list[str]:
        """The URLs an offline crawl starts from: every saved page."""
        return self.urls()

    def __len__(self) -> int:
        return len(self.pages)

    def response_for(self, request) -> Response | None:
        entry = self.pages.get(canonicalize_url(request.url))
        if entry is None:
            return None
        body = (self.root / entry["file"]).read_bytes()
        headers = {"Content-Type": entry.get("content_type", "text/html; charset=utf-8")}
        return HtmlResponse(request.url, status=200, headers=headers, body=body, request=request, flags=["replay"])


class WarcSnapshot:
    """The ``response`` records of WARC files, indexed by canonical URL -> (file,
    offset); a record is read from disk only when its URL is requested."""

    def __init__(self, files: list[Path]):
        from warcio.archiveiterator import ArchiveIterator

        self.files = files
        self.index: dict[str, tuple[Path, int, str]] = {}
        self._seeds: dict[str, str] = {}
        for path in files:
            self._index_file(path, ArchiveIterator)

    def _index_file(self, path: Path, ArchiveIterator) -> None:
        """Index one file.  A file cut short (a crawl killed while writing its
        ``.open`` file) keeps the complete records before the cut, with a warning
        (warcio reads a cut gzip member without error: the payload length is checked
        against the record's ``Content-Length``); a file without one complete record
        raises ``ValueError``."""
        complete = 0
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            try:
                for record in it:
                    http = record.http_headers
                    expected = record.length - (http.total_len if http else 0)
                    got = 0
                    for chunk in iter(lambda: record.raw_stream.read(1 << 16), b""):
                        got += len(chunk)
                    offset = it.get_record_offset()  # (asked before the payload is read, warcio skips it)
                    if got != expected:
                        raise EOFError(f"record at offset {offset} has {got} of {expected} payload bytes")
                    complete += 1
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    if record.rec_type != "response" or not url:
                        continue
                    key = canonicalize_url(url)
                    self.index[key] = (path, offset, url)
                    ctype = (http.get_header("Content-Type") or "").lower() if http else ""
                    if http and http.get_statuscode().startswith("2") and "html" in ctype:
                        self._seeds[key] = url
                    else:
                        self._seeds.pop(key, None)
            except Exception as exc:  # noqa: BLE001 - warcio: ArchiveLoadFailed, zlib errors; EOFError above
                if not complete:
                    raise ValueError(f"{path}: not a readable WARC file ({type(exc).__name__}: {exc})") from None
                logger.warning("WARC %s is cut short (%s: %s): replaying the %d complete records before the cut",
                               path, type(exc).__name__, exc, complete)
        if not complete:
            raise ValueError(f"{path}: not a readable WARC file (no complete record)")

    def urls(self) -> list[str]:
        return [url for _, _, url in self.index.values()]

    def seeds(self) -> list[str]:
        """The URLs an offline crawl starts from: the recorded HTML pages with a 2xx
        status (not feeds, sitemaps, robots.txt or redirects, which the crawl reaches
        by itself), in record order."""
        return list(self._seeds.values())

    def __len__(self) -> int:
        return len(self.index)

    def response_for(self, request) -> Response | None:
        from warcio.archiveiterator import ArchiveIterator

        found = self.index.get(canonicalize_url(request.url))
        if found is None:
            return None
        path, offset, _ = found
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            http = record.http_headers
            body = record.raw_stream.read()  # the payload as recorded (not de-compressed)
        headers = Headers()
        for name, value in http.headers:
            headers.appendlist(name, value.encode("latin-1"))
        status = int(http.get_statuscode())
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(request.url, status=status, headers=headers, body=body, request=request, flags=["replay", "warc"])


_SNAPSHOTS: dict[tuple, FolderSnapshot | WarcSnapshot] = {}


def open_snapshot(path: str | Path) -> FolderSnapshot | WarcSnapshot:
    """The snapshot at ``path``: a folder with ``index.json``, a WARC file, or a
    folder of WARC files.  Raises ``FileNotFoundError`` (with the reason) when
    ``path`` is none of these, ``ValueError`` for a WARC file without a readable record.  A WARC snapshot is indexed once per process (the
    crawlall command, each spider and the middleware share it) until its files change."""
    root = Path(path)
    if root.is_file():
        if not is_warc_path(root):
            raise FileNotFoundError(f"{path!s} is a file but not a WARC (.warc, .warc.gz)")
        return _warc_snapshot([root])
    if (root / "index.json").is_file():
        return FolderSnapshot(root)
    if root.is_dir():
        warcs = sorted(p for p in root.iterdir() if p.is_file() and is_warc_path(p))
        if warcs:
            return _warc_snapshot(warcs)
    raise FileNotFoundError(f"{path!s}: neither a snapshot folder with index.json nor a WARC file / folder of WARC files")


def _warc_snapshot(files: list[Path]) -> WarcSnapshot:
    key = tuple((str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        snapshot = _SNAPSHOTS[key] = WarcSnapshot(files)
    return snapshot


class ReplayMiddleware:
    def __init__(self, replay_dir: str, stats=None):
        self.snapshot = open_snapshot(replay_dir)
        self.root = Path(replay_dir)
        self.stats = stats
        logger.info("replaying %d saved pages from %s (no network)", len(self.snapshot), self.root)

    @classmethod
    def from_crawler(cls, crawler):
        replay_dir = crawler.settings.get("REPLAY_DIR")
        if not replay_dir:
            raise NotConfigured  # silent: replay is the exception, not the rule
        return cls(replay_dir, crawler.stats)

    def process_request(self, request, spider=None):
        response = self.snapshot.response_for(request)
        if response is None:
            if self.stats is not None:
                self.stats.inc_value("newscrawl/replay/miss")
            return Response(request.url, status=404, body=b"", request=request, flags=["replay", "replay-miss"])
        if self.stats is not None:
            self.stats.inc_value("newscrawl/replay/hit")
        return response
