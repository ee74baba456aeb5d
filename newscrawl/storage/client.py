"""MongoDB client configuration shared by the dedupe and storage pipelines.

One :class:`pymongo.MongoClient` per crawler, built from Scrapy settings.  The
client is created with ``tz_aware=True`` and ``tzinfo=UTC`` so datetimes read back
compare equal to the aware values that were written (case BR-10).

One availability probe per crawler too (:func:`probe`): the incremental
middleware, the dedupe pipeline and the storage pipeline ask it before their
first MongoDB call, so a server that is down at start costs one
server-selection timeout per crawl, not one per component.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timezone

logger = logging.getLogger(__name__)

#: ``scheme://`` and everything up to the next space or quote (a password may hold a raw ``/``)
_URI_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<rest>[^\s'\"<>]*)")
#: query options whose value is a secret: any ``*password*``/``*secret*``/``*token*`` name (``password=``,
#: ``tlsCertificateKeyFilePassword``, ``sslPEMKeyPassword``) and ``authMechanismProperties``
#: (``AWS_SESSION_TOKEN:…``); MongoDB connection-string options, https://www.mongodb.com/docs/manual/reference/connection-string-options/
_SECRET_OPTION_RE = re.compile(
    r"(?P<name>(?:^|(?<=[&;]))[^=&;]*(?:passw|pwd|secret|token|authmechanismproperties|credential)[^=&;]*=)[^&;]*",
    re.IGNORECASE,
)


def _split_userinfo(rest: str) -> tuple[str | None, str]:
    """``(userinfo, remainder)`` of the part after ``scheme://``: the userinfo ends at the
    last ``@`` before the query (``user:p/w@host``, ``admin@pw@host``), or at the last ``@``
    at all when no option (``=``) comes before it (a raw ``?`` in a password)."""
    head = rest.partition("?")[0]
    at = head.rfind("@")
    if at < 0:
        at = rest.rfind("@")
        if at < 0 or "=" in rest[:at]:
            return None, rest
    return rest[:at], rest[at + 1:]


def _split_password(uri: str) -> str | None:
    """The (still percent-encoded) password of ``uri``, or ``None``."""
    m = _URI_RE.search(uri or "")
    userinfo = _split_userinfo(m["rest"])[0] if m else None
    if not userinfo:
        return None
    user, sep, pw = userinfo.partition(":")
    return pw if sep else userinfo  # no ':': a typo such as admin@pw@host -- all of it may be secret


def _mask_match(m: re.Match) -> str:
    userinfo, rest = _split_userinfo(m["rest"])
    hosts, q, query = rest.partition("?")
    if q:
        query = _SECRET_OPTION_RE.sub(lambda o: o["name"] + "***", query)
    return f"{m['scheme']}{'***@' if userinfo is not None else ''}{hosts}{q}{query}"


def mask_uri(uri: str) -> str:
    """Return ``uri`` with its whole userinfo and every secret option value replaced by ``***``.

    ``mongodb://user:se/cret@host/db?authMechanismProperties=AWS_SESSION_TOKEN:x`` ->
    ``mongodb://***@host/db?authMechanismProperties=***``.  The userinfo is everything up
    to the last ``@`` before the query (a raw ``/`` or ``@`` in a password stays masked;
    the user name goes too: for MONGODB-AWS it is the access key).  Secret options: any
    name with ``password``/``pwd``/``secret``/``token``/``credential`` in it and
    ``authMechanismProperties`` (case-insensitive).  A URI without either is returned
    unchanged.  Works on any ``scheme://`` (``mongodb+srv://``, a mistyped ``http://``) and on
    every URI inside a longer text, so it can be applied to error messages.  Used for every
    log line that names the server.
    """
    if not uri:
        return uri
    return _URI_RE.sub(_mask_match, uri)


def _secrets_of(uri: str) -> list[str]:
    """The password and the secret option values of ``uri`` (still percent-encoded)."""
    out = []
    pw = _split_password(uri)
    if pw:
        out.append(pw)
    m = _URI_RE.search(uri)
    if m:
        query = _split_userinfo(m["rest"])[1].partition("?")[2]
        for o in _SECRET_OPTION_RE.finditer(query):
            value = o.group(0)[len(o["name"]):]
            out.append(value)
            out += [v.partition(":")[2] for v in value.split(",") if ":" in v]  # AWS_SESSION_TOKEN:<token>
    return [s for s in out if len(s) >= 3]  # never blank out a 1-2 character fragment all over a message


def redact(text: str, uri: str | None) -> str:
    """``text`` with every URI masked (:func:`mask_uri`) and the secrets of ``uri`` (its
    password and secret option values, raw and percent-decoded) replaced by ``***``
    wherever they appear (a driver message may quote them without the URI)."""
    text = mask_uri(text)
    if uri:
        from urllib.parse import unquote

        forms = {f for s in _secrets_of(uri) for f in (s, unquote(s))}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    return text


DEFAULT_DATABASE = "newscrawl"


def database_from_uri(uri: str | None) -> str | None:
    """The database named in ``uri``'s path (``mongodb://host/newsdb`` -> ``"newsdb"``),
    or ``None`` when it names none or does not parse.

    Uses :func:`pymongo.uri_parser.parse_uri` on the URI without its options, so it
    does no network I/O (a ``mongodb+srv://`` URI is parsed without its DNS lookup)
    and never raises: a malformed URI is reported when the client is built.
    """
    if not uri or not isinstance(uri, str):
        return None
    from pymongo.uri_parser import parse_uri

    base = uri.partition("?")[0]
    if base.lower().startswith("mongodb+srv://"):
        base = "mongodb://" + base[len("mongodb+srv://"):]
    try:
        return parse_uri(base)["database"] or None
    except Exception:  # noqa: BLE001 - InvalidURI, ConfigurationError, ValueError (port)...
        return None


class MongoConfigError(RuntimeError):
    """MongoDB is misconfigured (bad URI, ``w=0``, failed authentication, missing
    rights).  Raised at spider open: the crawl does not start.  The message
    names the server by its masked URI only."""


#: Server error codes of a configuration problem: Unauthorized, AuthenticationFailed.
AUTH_ERROR_CODES = frozenset({13, 18})


def is_config_error(exc: BaseException) -> bool:
    """True when ``exc`` is a configuration problem that waiting cannot fix (ERROR,
    reported once by the storage pipeline): :class:`MongoConfigError`, a malformed
    URI or bad option (``ConfigurationError``/``InvalidURI``, ``ValueError`` --
    also ``w=0`` --, ``TypeError``), failed authentication or missing rights
    (``OperationFailure`` code 18/13).  Anything else, notably a server that does
    not answer (``ConnectionFailure``, ``ServerSelectionTimeoutError``), is
    routine unavailability (WARNING)."""
    from pymongo.errors import ConfigurationError, OperationFailure

    if isinstance(exc, (MongoConfigError, ConfigurationError, ValueError, TypeError)):
        return True
    return isinstance(exc, OperationFailure) and exc.code in AUTH_ERROR_CODES


@dataclass(frozen=True)
class MongoConfig:
    enabled: bool
    uri: str
    database: str
    articles: str
    tickers: str
    write_concern: str | int
    server_selection_timeout_ms: int
    connect_timeout_ms: int = 10000
    socket_timeout_ms: int = 60000
    uri_database: str | None = None
    write_journal: bool = True
    local_dir: str = "data/db"

    @classmethod
    def from_settings(cls, settings) -> "MongoConfig":
        """Read the ``MONGO_*`` settings.

        The database is ``MONGO_DATABASE`` when it is set (not ``None``/empty), else
        the one named in ``MONGO_URI`` (``mongodb://host/newsdb``), else
        ``"newscrawl"``.  ``uri_database`` keeps the URI's own, for messages.
        """
        wc = settings.get("MONGO_WRITE_CONCERN", "majority")
        if isinstance(wc, str) and wc.isdigit():
            wc = int(wc)
        uri = settings.get("MONGO_URI") or None  # None: the local server (newscrawl.storage.local_server)
        uri_database = database_from_uri(uri)
        return cls(
            enabled=settings.getbool("MONGO_ENABLED", True),
            uri=uri,
            database=settings.get("MONGO_DATABASE") or uri_database or DEFAULT_DATABASE,
            articles=settings.get("MONGO_ARTICLES_COLLECTION", "articles"),
            tickers=settings.get("MONGO_TICKERS_COLLECTION", "tickers"),
            write_concern=wc,
            server_selection_timeout_ms=settings.getint("MONGO_SERVER_SELECTION_TIMEOUT_MS", 3000),
            connect_timeout_ms=settings.getint("MONGO_CONNECT_TIMEOUT_MS", 10000),
            socket_timeout_ms=settings.getint("MONGO_SOCKET_TIMEOUT_MS", 60000),
            uri_database=uri_database,
            write_journal=settings.getbool("MONGO_WRITE_JOURNAL", True),
            local_dir=settings.get("MONGO_LOCAL_DIR") or "data/db",
        )

    @property
    def local(self) -> bool:
        """True when no ``MONGO_URI`` is set: the local server is used."""
        return not self.uri

    @property
    def masked_uri(self) -> str:
        if self.local:
            return f"(local server, {self.local_dir})"
        return mask_uri(self.uri)

    def make_client(self, *, uri: str | None = None, client_class=None, **kwargs):
        """Build a lazy ``MongoClient`` (no network I/O happens here) on ``uri`` (default:
        ``self.uri``), of ``client_class`` (default ``pymongo.MongoClient``).

        Writes wait for the journal (``j=True``) unless ``MONGO_WRITE_JOURNAL`` is off:
        an acknowledged write then survives a crash of the server (SecantusDB loses
        acknowledged writes on SIGKILL without it; MongoDB's replica sets journal
        ``majority`` writes anyway).  Raises :class:`pymongo.errors.ConfigurationError`
        / ``InvalidURI`` for a malformed URI, ``ValueError`` for ``w=0``
        (unacknowledged writes lose items silently, so they are refused) and for no
        URI at all (the local server is started by :func:`client_from_settings`).
        """
        import pymongo

        if self.write_concern in (0, "0"):
            raise ValueError("MONGO_WRITE_CONCERN=0 (unacknowledged writes) is refused: items could be lost silently")
        uri = uri or self.uri
        if not uri:
            raise ValueError("no MONGO_URI: use client_from_settings() to start the local server")
        opts = dict(
            tz_aware=True,
            tzinfo=timezone.utc,
            serverSelectionTimeoutMS=self.server_selection_timeout_ms,
            connectTimeoutMS=self.connect_timeout_ms,
            socketTimeoutMS=self.socket_timeout_ms or None,
            w=self.write_concern,
            retryWrites=True,
            appname="newscrawl",
        )
        if self.write_journal:
            opts["journal"] = True
        opts.update(kwargs)
        return (client_class or pymongo.MongoClient)(uri, **opts)


_CLIENT_LOCK = threading.Lock()


def client_from_settings(settings, config: MongoConfig | None = None):
    """Build a new client from Scrapy ``settings`` (honours ``MONGO_CLIENT_FACTORY``).

    Without ``MONGO_URI`` the client is on the local server
    (:mod:`newscrawl.storage.local_server`), started or joined here (blocking, ~1-2 s
    for a start) and released when the client is closed.  Used by :func:`client_for`,
    ``scrapy export`` and ``scrapy mongo-replay``.  Raises what ``make_client`` raises
    (``ConfigurationError``/``InvalidURI``, ``ValueError``) and
    :class:`~newscrawl.storage.local_server.LocalServerError`.
    """
    config = config or MongoConfig.from_settings(settings)
    factory = settings.get("MONGO_CLIENT_FACTORY")
    if isinstance(factory, str):
        from scrapy.utils.misc import load_object

        factory = load_object(factory)
    if factory:
        return factory(config)
    if config.local:
        from newscrawl.storage import local_server

        if config.write_concern in (0, "0"):  # refused before a server is started for nothing
            raise ValueError("MONGO_WRITE_CONCERN=0 (unacknowledged writes) is refused: items could be lost silently")
        return local_server.client(settings, config)
    return config.make_client()


def close_client(crawler) -> None:
    """Close and forget the crawler's shared client (idempotent).  Connected to
    ``engine_stopped`` by :func:`client_for`, i.e. after every pipeline closed."""
    with _CLIENT_LOCK:
        client = getattr(crawler, "_newscrawl_mongo_client", None)
        crawler._newscrawl_mongo_client = None
    if client is not None and hasattr(client, "close"):
        client.close()


def client_for(crawler):
    """Return the crawler's shared ``MongoClient`` (created on first use), or ``None``
    when ``MONGO_ENABLED`` is false.

    The setting ``MONGO_CLIENT_FACTORY`` (a callable ``f(config) -> client``, or its
    dotted path) replaces ``MongoConfig.make_client``; tests use it to inject
    ``mongomock`` or a ``mockupdb`` server.  The dedupe and storage pipelines share
    this one client.

    Thread-safe (pipelines may open in parallel, in worker threads).  The client
    is closed when the engine stops.
    """
    with _CLIENT_LOCK:
        cached = getattr(crawler, "_newscrawl_mongo_client", None)
        if cached is not None:
            return cached
        config = MongoConfig.from_settings(crawler.settings)
        if not config.enabled:
            return None
        client = client_from_settings(crawler.settings, config)
        crawler._newscrawl_mongo_client = client
    signals = getattr(crawler, "signals", None)
    if signals is not None:
        from scrapy import signals as scrapy_signals

        signals.connect(lambda: close_client(crawler), signal=scrapy_signals.engine_stopped, weak=False)
    return client


# --------------------------------------------------------------------------- availability probe
@dataclass(frozen=True)
class ProbeStatus:
    """Result of one ``ping`` of the crawler's server: ``available``, the
    ``error`` when not (``None`` when MongoDB is disabled), and ``checked_at``
    (:func:`time.monotonic` when the ping ended)."""

    available: bool
    error: BaseException | None = None
    checked_at: float = 0.0


class _Prober:
    def __init__(self):
        self.lock = threading.Lock()  # held during the ping: concurrent callers wait and share its result
        self.status: ProbeStatus | None = None


def _refuse_event_loop_thread() -> None:
    """The probe blocks up to ``MONGO_SERVER_SELECTION_TIMEOUT_MS``: never on the
    reactor / event-loop thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("newscrawl.storage.client.probe() blocks: call it from a worker thread (run_in_thread)")
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None and getattr(reactor, "running", False):
        from twisted.python import threadable

        if threadable.isInIOThread():
            raise RuntimeError("newscrawl.storage.client.probe() blocks: call it from a worker thread, "
                               "not the reactor thread")


def probe_status(crawler, *, max_age: float | None = None) -> ProbeStatus:
    """The crawler's MongoDB availability, pinged at most once per ``max_age``
    seconds (default ``MONGO_OUTAGE_PROBE_INTERVAL``, 30) and cached on the
    crawler.

    Thread-safe: callers that arrive while a ping is in flight wait for it and
    share its result, so MongoDB down at start costs one server-selection
    timeout however many components ask.  Blocking: call it from worker threads
    only (``run_in_thread``/``deferToThread``), never from the reactor thread
    (``RuntimeError``).  Never raises for MongoDB itself: a client that cannot
    be built (bad URI, ``w=0``) or a failed ``ping`` gives ``available=False``
    with the ``error``; :func:`is_config_error` tells configuration errors
    (the storage pipeline reports them) from a server that does not answer.
    No logging here: each caller reports what it does about it, once.
    """
    _refuse_event_loop_thread()
    with _CLIENT_LOCK:
        prober = getattr(crawler, "_newscrawl_mongo_probe", None)
        if prober is None:
            prober = crawler._newscrawl_mongo_probe = _Prober()
    if max_age is None:
        max_age = crawler.settings.getfloat("MONGO_OUTAGE_PROBE_INTERVAL", 30.0)
    with prober.lock:
        status = prober.status
        if status is not None and time.monotonic() - status.checked_at < max_age:
            return status
        prober.status = status = _ping(crawler)
        logger.debug("MongoDB probe: %s", "available" if status.available
                     else f"unavailable ({type(status.error).__name__})")
        return status


def probe(crawler, *, max_age: float | None = None) -> bool:
    """``True`` when the crawler's MongoDB answered its last ``ping`` (see
    :func:`probe_status`; same caching and threading rules)."""
    return probe_status(crawler, max_age=max_age).available


def _ping(crawler) -> ProbeStatus:
    try:
        client = client_for(crawler)
    except Exception as exc:  # noqa: BLE001 - bad URI, w=0, a bad factory
        return ProbeStatus(False, exc, time.monotonic())
    if client is None:  # MONGO_ENABLED off
        return ProbeStatus(False, None, time.monotonic())
    try:
        client.admin.command("ping")
    except Exception as exc:  # noqa: BLE001 - PyMongoError, or whatever a client double raises
        return ProbeStatus(False, exc, time.monotonic())
    return ProbeStatus(True, None, time.monotonic())
