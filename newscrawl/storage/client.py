"""MongoDB client configuration shared by the dedupe and storage pipelines.

One :class:`pymongo.MongoClient` per crawler, built from Scrapy settings.  The
client is created with ``tz_aware=True`` and ``tzinfo=UTC`` so datetimes read back
compare equal to the aware values that were written (case BR-10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timezone

_PASSWORD_RE = re.compile(r"(?P<scheme>mongodb(?:\+srv)?://)(?P<user>[^:@/]*)(?::(?P<pw>[^@/]*))?@")


def mask_uri(uri: str) -> str:
    """Return ``uri`` with any password replaced by ``***``.

    ``mongodb://user:secret@host/db`` -> ``mongodb://user:***@host/db``.  A URI
    without credentials is returned unchanged.  Used for every log line that
    names the server.
    """
    if not uri:
        return uri
    return _PASSWORD_RE.sub(lambda m: f"{m['scheme']}{m['user']}{':***' if m['pw'] is not None else ''}@", uri)


@dataclass(frozen=True)
class MongoConfig:
    enabled: bool
    uri: str
    database: str
    articles: str
    tickers: str
    write_concern: str | int
    server_selection_timeout_ms: int

    @classmethod
    def from_settings(cls, settings) -> "MongoConfig":
        wc = settings.get("MONGO_WRITE_CONCERN", "majority")
        if isinstance(wc, str) and wc.isdigit():
            wc = int(wc)
        return cls(
            enabled=settings.getbool("MONGO_ENABLED", True),
            uri=settings.get("MONGO_URI", "mongodb://localhost:27017"),
            database=settings.get("MONGO_DATABASE", "newscrawl"),
            articles=settings.get("MONGO_ARTICLES_COLLECTION", "articles"),
            tickers=settings.get("MONGO_TICKERS_COLLECTION", "tickers"),
            write_concern=wc,
            server_selection_timeout_ms=settings.getint("MONGO_SERVER_SELECTION_TIMEOUT_MS", 3000),
        )

    @property
    def masked_uri(self) -> str:
        return mask_uri(self.uri)

    def make_client(self, **kwargs):
        """Build a lazy ``MongoClient`` (no network I/O happens here).

        Raises :class:`pymongo.errors.ConfigurationError` / ``InvalidURI`` for a
        malformed URI, and ``ValueError`` for ``w=0`` (unacknowledged writes lose
        items silently, so they are refused).
        """
        import pymongo

        if self.write_concern in (0, "0"):
            raise ValueError("MONGO_WRITE_CONCERN=0 (unacknowledged writes) is refused: items could be lost silently")
        opts = dict(
            tz_aware=True,
            tzinfo=timezone.utc,
            serverSelectionTimeoutMS=self.server_selection_timeout_ms,
            w=self.write_concern,
            retryWrites=True,
            appname="newscrawl",
        )
        opts.update(kwargs)
        return pymongo.MongoClient(self.uri, **opts)


def client_for(crawler):
    """Return the crawler's shared ``MongoClient`` (created on first use), or ``None``
    when ``MONGO_ENABLED`` is false.

    The setting ``MONGO_CLIENT_FACTORY`` (a callable ``f(config) -> client``, or its
    dotted path) replaces ``MongoConfig.make_client``; tests use it to inject
    ``mongomock`` or a ``mockupdb`` server.  The dedupe and storage pipelines share
    this one client.
    """
    cached = getattr(crawler, "_newscrawl_mongo_client", None)
    if cached is not None:
        return cached
    config = MongoConfig.from_settings(crawler.settings)
    if not config.enabled:
        return None
    factory = crawler.settings.get("MONGO_CLIENT_FACTORY")
    if isinstance(factory, str):
        from scrapy.utils.misc import load_object

        factory = load_object(factory)
    client = factory(config) if factory else config.make_client()
    crawler._newscrawl_mongo_client = client
    return client
