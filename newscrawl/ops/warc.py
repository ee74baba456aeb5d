"""WARC (ISO 28500) output: every fetched response, with its request, in rotating
per-record-gzipped WARC files written by ``warcio``.

:class:`WarcMiddleware` is a downloader middleware placed next to the download
handler (priority 950, above ``HttpCompressionMiddleware`` 590, ``RedirectMiddleware``
600, ``RetryMiddleware`` 550 and ``HttpCacheMiddleware`` 900), so it sees every
response exactly as the server sent it: still compressed when the server
compressed it (the ``Content-Encoding`` header then matches the payload), every
redirect and every response that will be retried.  For each one it writes a
``request`` record and a ``response`` record (linked by ``WARC-Concurrent-To``):

* ``WARC-Target-URI``: the request URL (as sent, percent-encoded);
* ``WARC-Date``: when the fetch started (response time minus Scrapy's
  ``download_latency``), UTC, microsecond precision (WARC/1.1);
* ``WARC-IP-Address``: ``response.ip_address`` when the download handler knows it;
* ``WARC-Payload-Digest`` / ``WARC-Block-Digest``: SHA-1, computed by warcio;
* the HTTP header block as received, except that a ``Content-Length`` equal to the
  payload is added when the server sent none (a chunked response: Scrapy hands over
  the de-chunked body, and Twisted drops the ``Transfer-Encoding`` header; should a
  download handler pass it on, it is kept as ``X-Archive-Orig-Transfer-Encoding``),
  so that WARC readers parse the payload the way it is stored.

Not recorded: responses from the HTTP cache (flag ``cached``) and the empty 404
the offline replay gives for a URL it does not have (flag ``replay-miss``): they
were not fetched.  A page the offline replay serves *is* recorded (with the
headers the replay gives), so ``make crawl`` leaves a WARC of the snapshot crawl.

Files: ``WARC_DIR/<prefix>-<spider>-<UTC start>-<pid>-<serial>.warc.gz`` (serial
00000, 00001, ...), each starting with a ``warcinfo`` record (software, Scrapy and
warcio versions, spider, robots policy, user agent, and the crawl-shaping
settings as JSON with credentials masked).  A file is written as ``….warc.gz.open``
and renamed when it is closed (at ``WARC_MAX_SIZE`` bytes, or when the spider
closes), so a reader never takes a half-written file for a finished one; after a
hard kill the ``.open`` file is still readable up to its last complete record.

Settings: ``WARC_ENABLED`` (default off), ``WARC_DIR`` (``data/warc``),
``WARC_MAX_SIZE`` (bytes, default 1 GB as Heritrix; a file is closed after the
record pair that reaches it), ``WARC_PREFIX`` (``newscrawl``).  Stats:
``newscrawl/warc/records`` (response records), ``newscrawl/warc/bytes`` (bytes
written), ``newscrawl/warc/files``, ``newscrawl/warc/skipped/<flag>``,
``newscrawl/warc/errors/<Exception>`` (a record that could not be written: the
crawl goes on, the error is logged).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import socket
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

UTC = timezone.utc
STATS = "newscrawl/warc/"
DEFAULT_MAX_SIZE = 1_000_000_000

#: settings copied into the warcinfo record (``newscrawl-settings``): what shaped the crawl
WARCINFO_SETTINGS = (
    "BOT_NAME", "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "AUTOTHROTTLE_ENABLED", "DEPTH_LIMIT", "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "COOKIES_ENABLED", "NEWSCRAWL_MAX_ARTICLES",
    "NEWSCRAWL_MAX_LISTING_PAGES", "NEWSCRAWL_INCREMENTAL", "NEWSCRAWL_REFRESH_DAYS", "REPLAY_DIR",
    "MONGO_ENABLED", "MONGO_URI", "MONGO_DATABASE", "REDIS_URL", "WARC_MAX_SIZE", "HTTPPROXY_ENABLED",
)
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL", re.I)
#: response flags of responses that were not fetched from the network
SKIP_FLAGS = ("cached", "replay-miss")


def mask_secret_setting(name: str, value: Any) -> Any:
    """The value of setting ``name`` safe to archive: URIs with their password
    masked (``mongodb://***@host``: the whole userinfo), settings named like a secret
    (``*PASSWORD*``, ``*TOKEN*``, ``*SECRET*``, ``*API_KEY*``) replaced by ``***``."""
    from newscrawl.storage.client import mask_uri

    if value is None:
        return None
    if _SECRET_NAME.search(name):
        return "***"
    if isinstance(value, str) and "://" in value:
        return mask_uri(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def warcinfo_fields(settings, spider_name: str | None = None) -> dict[str, str]:
    """The ``warcinfo`` fields (``application/warc-fields``) for a crawl with
    ``settings`` (a Scrapy ``Settings`` or a mapping): software and versions,
    the spider, robots policy, user agent, operator contact, and
    ``newscrawl-settings``: the :data:`WARCINFO_SETTINGS` as one line of JSON,
    credentials masked (:func:`mask_secret_setting`)."""
    import scrapy
    import warcio

    from newscrawl import __version__ as ours

    get = settings.get
    chosen = {n: mask_secret_setting(n, get(n)) for n in WARCINFO_SETTINGS if get(n) is not None}
    fields = {
        "software": f"newscrawl/{ours} (Scrapy {scrapy.__version__}; warcio {_version(warcio)}; "
                    f"Python {platform.python_version()})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
        "robots": "obey" if _truthy(get("ROBOTSTXT_OBEY")) else "ignore",
        "http-header-user-agent": str(get("USER_AGENT") or ""),
        "operator": str(get("NEWSCRAWL_CONTACT") or ""),
        "newscrawl-settings": json.dumps(chosen, ensure_ascii=False, sort_keys=True, default=str),
    }
    if spider_name:
        fields["isPartOf"] = spider_name
    return fields


def _version(module) -> str:
    try:
        from importlib.metadata import version

        return version(module.__name__)
    except Exception:  # noqa: BLE001 - only informative
        return "?"


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class WarcFileWriter:
    """Rotating, per-record-gzipped WARC files in ``directory``.

    ``name`` is the file-name stem (``<prefix>-<spider>-<UTC start>-<pid>``);
    files are ``<name>-<serial:05d>.warc.gz``.  ``info`` are the warcinfo fields
    written first in every file.  ``max_size`` in bytes (compressed, on disk).
    Not thread-safe; Scrapy calls it from the reactor thread only.
    """

    def __init__(self, directory: str | os.PathLike, name: str, info: dict[str, str], *,
                 max_size: int = DEFAULT_MAX_SIZE):
        self.directory = Path(directory)
        self.name = name
        self.info = info
        self.max_size = max(1, int(max_size))
        self.serial = -1
        self.files: list[Path] = []  # finished files, in order
        self.bytes_written = 0
        self._fh = None
        self._writer: WARCWriter | None = None
        self._open_path: Path | None = None

    @property
    def current(self) -> Path | None:
        """The file being written (``….warc.gz.open``), or None."""
        return self._open_path

    def _start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        final = self.directory / f"{self.name}-{self.serial:05d}.warc.gz"
        self._open_path = final.with_name(final.name + ".open")
        self._fh = open(self._open_path, "wb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        record = self._writer.create_warcinfo_record(final.name, self.info)
        self._writer.write_record(record)

    def _finish(self) -> None:
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        final = self._open_path.with_name(self._open_path.name[: -len(".open")])
        os.replace(self._open_path, final)
        self.files.append(final)
        self._fh = self._writer = self._open_path = None

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                       request_body: bytes, status: int, protocol: str,
                       response_headers: list[tuple[str, str]], body: bytes,
                       date: datetime, ip_address: str | None = None) -> int:
        """Write one request + response record pair; returns the bytes added to
        the file.  ``date``: aware datetime of the fetch start.  Headers are
        ``(name, value)`` pairs as sent/received (see the module docstring for the
        two header adjustments).  Raises ``OSError`` when the file cannot be written."""
        if self._fh is None:
            self._start()
        before = self._fh.tell()
        warc_date = datetime_to_iso_date(date.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        split = urlsplit(url)
        target = (split.path or "/") + (f"?{split.query}" if split.query else "")
        req_headers = list(request_headers)
        if not any(k.lower() == "host" for k, _ in req_headers):
            req_headers.insert(0, ("Host", split.netloc))
        request = self._writer.create_warc_record(
            url, "request", payload=BytesIO(request_body or b""),
            http_headers=StatusAndHeaders(f"{method} {target} {protocol}", req_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": warc_date},
        )
        resp_headers = archived_response_headers(response_headers, len(body))
        warc_headers = {"WARC-Date": warc_date}
        if ip_address:
            warc_headers["WARC-IP-Address"] = ip_address
        response = self._writer.create_warc_record(
            url, "response", payload=BytesIO(body),
            http_headers=StatusAndHeaders(status_line(status), resp_headers, protocol=protocol),
            warc_headers_dict=warc_headers,
        )
        self._writer.write_request_response_pair(request, response)
        added = self._fh.tell() - before
        self.bytes_written += added
        if self._fh.tell() >= self.max_size:
            self._finish()
        return added

    def close(self) -> None:
        """Finish (fsync, rename) the current file, if any."""
        self._finish()


def status_line(status: int) -> str:
    """``"200 OK"``; an unknown code keeps an empty reason (``"299 "``)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return f"{status} {reason}"


def archived_response_headers(headers: Iterable[tuple[str, str]], payload_length: int) -> list[tuple[str, str]]:
    """Response headers consistent with the stored payload: ``Transfer-Encoding``
    -> ``X-Archive-Orig-Transfer-Encoding`` (the payload is stored de-chunked), and
    ``Content-Length: <payload_length>`` added when absent (the original one is
    kept as ``X-Archive-Orig-Content-Length`` if it disagrees)."""
    out: list[tuple[str, str]] = []
    has_length = False
    for name, value in headers:
        lower = name.lower()
        if lower == "transfer-encoding":
            out.append(("X-Archive-Orig-Transfer-Encoding", value))
        elif lower == "content-length":
            if value.strip() == str(payload_length):
                has_length = True
                out.append((name, value))
            else:
                out.append(("X-Archive-Orig-Content-Length", value))
        else:
            out.append((name, value))
    if not has_length:
        out.append(("Content-Length", str(payload_length)))
    return out


def _header_pairs(headers) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` -> ``[(name, value)]``, one pair per value, decoded as
    Latin-1 (HTTP header bytes, kept byte-exact through warcio's Latin-1 round trip)."""
    pairs = []
    for name, values in headers.items():
        n = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if not isinstance(values, (list, tuple)):
            values = [values]
        for v in values:
            pairs.append((n, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return pairs


class WarcMiddleware:
    """Downloader middleware writing every fetched response to WARC files (see
    the module docstring).  Enabled by ``WARC_ENABLED``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.directory = settings.get("WARC_DIR") or "data/warc"
        self.prefix = settings.get("WARC_PREFIX") or "newscrawl"
        self.max_size = settings.getint("WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        self.writer: WarcFileWriter | None = None
        self._errors_logged = 0

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("WARC_ENABLED", False):
            raise NotConfigured  # silent: WARC output is opt-in
        from scrapy import signals

        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider) -> None:
        start = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{self.prefix}-{spider.name}-{start}-{os.getpid()}"
        self.writer = WarcFileWriter(self.directory, name, warcinfo_fields(self.crawler.settings, spider.name),
                                     max_size=self.max_size)
        logger.info("WARC: writing every fetched response to %s/%s-*.warc.gz", self.directory, name)

    def spider_closed(self, spider) -> None:
        if self.writer is None:
            return
        try:
            self.writer.close()
        except OSError as exc:
            self._error(exc, "closing")
        self.stats.set_value(STATS + "files", len(self.writer.files))
        if self.writer.files:
            logger.info("WARC: %d file(s), %d bytes: %s", len(self.writer.files), self.writer.bytes_written,
                        ", ".join(str(p) for p in self.writer.files))

    def process_response(self, request, response, spider=None):
        for flag in SKIP_FLAGS:
            if flag in response.flags:
                self.stats.inc_value(STATS + f"skipped/{flag}")
                return response
        if self.writer is None:  # pragma: no cover - spider_opened always runs first
            return response
        latency = request.meta.get("download_latency")
        date = datetime.now(UTC)
        if isinstance(latency, (int, float)) and latency >= 0:
            date -= timedelta(seconds=latency)
        ip = response.ip_address
        try:
            added = self.writer.write_exchange(
                url=request.url, method=request.method, request_headers=_header_pairs(request.headers),
                request_body=request.body, status=response.status, protocol=_protocol(response),
                response_headers=_header_pairs(response.headers), body=response.body, date=date,
                ip_address=str(ip) if ip is not None else None,
            )
        except Exception as exc:  # noqa: BLE001 - an archive failure must not stop the crawl
            self._error(exc, f"recording {request.url}")
            return response
        self.stats.inc_value(STATS + "records")
        self.stats.inc_value(STATS + "bytes", added)
        return response

    def _error(self, exc: BaseException, what: str) -> None:
        self.stats.inc_value(STATS + f"errors/{type(exc).__name__}")
        self._errors_logged += 1
        (logger.error if self._errors_logged <= 3 else logger.debug)(
            "WARC: error %s: %s (counted as %serrors/%s)", what, exc, STATS, type(exc).__name__)


def _protocol(response) -> str:
    proto = getattr(response, "protocol", None)
    if isinstance(proto, str) and proto.upper().startswith("HTTP/"):
        return proto.upper()
    return "HTTP/1.1"
