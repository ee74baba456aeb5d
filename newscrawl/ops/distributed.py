"""Distributed crawling on Redis (scrapy-redis): several crawler processes, on one or
several machines, share one frontier (issue #8).

Switch: set ``REDIS_URL`` (environment variable or ``-s REDIS_URL=...``) and any
newscrawl spider becomes a worker of a distributed crawl::

    REDIS_URL=redis://crawl-redis:6379/0 scrapy crawl thiqa      # on every machine

Without ``REDIS_URL`` :class:`RedisAddon` changes no setting at all.

The engine is scrapy-redis 0.9.1: its request queue (a sorted set by priority,
pickled ``Request.to_dict()``), its fingerprint set (``SADD``) and its connection
settings (``REDIS_URL``, ``REDIS_PARAMS``).  On top of it, for Scrapy 2.19 and for
cron-driven runs, this module adds:

:class:`Scheduler` (subclass of ``scrapy_redis.scheduler.Scheduler``)
    * a **run**: workers that start while a run of the same spider is going join it;
      the first worker creates it (atomically, in a Lua script), the last one to leave
      ends it.  The seen-set (dupefilter) key carries the run id, so the next cron run
      fetches the home page again, while within a run every URL is fetched once by
      one worker;
    * **idle close**: a worker exits when the queue is empty, no other live worker of
      the run is busy (busy workers may still add requests), and this has lasted
      ``SCHEDULER_IDLE_BEFORE_CLOSE`` seconds (``NEWSCRAWL_REDIS_IDLE_TIMEOUT``,
      default 10).  scrapy-redis's own reading of that setting is a *blocking*
      ``BRPOP`` on the reactor thread (and is ignored by its default priority queue),
      so it is never passed to a queue here; an idle worker polls instead
      (``NEWSCRAWL_REDIS_POLL_INTERVAL``, 0.25 s) and picks up new requests at once;
    * **no shared-state flush by one worker**: stock scrapy-redis with
      ``SCHEDULER_PERSIST=False`` deletes the queue and the seen-set when *any* worker
      closes, i.e. under the feet of the others.  Here only the last worker of a run
      cleans up;
    * modern Scrapy signatures: stats without the deprecated ``spider`` argument
      (scrapy-redis passes it on every enqueue/dequeue: two ScrapyDeprecationWarnings
      per request on Scrapy 2.19), ``from_crawler``, ``close(reason)``.

:class:`DupeFilter` (subclass of ``scrapy_redis.dupefilter.RFPDupeFilter``)
    fingerprints with the crawler's ``REQUEST_FINGERPRINTER`` (the one a
    single-process crawl uses) instead of scrapy-redis's own SHA1 recipe,
    ``log(request, spider=None)`` counting ``dupefilter/filtered``, and ``close()``
    that does *not* delete the shared key.

:class:`SharedSeedsMiddleware` (spider middleware, ``process_start``)
    ``NewsSpider.start()`` yields the start URLs with ``dont_filter=True`` (so a
    single-process crawl always fetches them).  With N workers that means N fetches
    of every home page per run.  In distributed mode the middleware re-issues them
    with ``dont_filter=False`` (and ``allow_offsite=True``, the other thing
    ``dont_filter`` granted), so they go through the run's seen-set: the first
    worker's seed wins, the others are filtered.  Chosen over a ``SET NX`` seeding
    lock because it adds no mechanism: the seed takes the path of every other URL
    (fingerprint, shared queue, any worker may fetch it), with no lock key, lock
    timeout or election to get wrong.  ``RedisSpider``/``RedisMixin`` are not used:
    they read seeds in ``start_requests()``, which Scrapy >= 2.16 never calls.

Keys (``P`` = ``NEWSCRAWL_REDIS_PREFIX``, default ``newscrawl``; ``S`` = spider name):

=============================  =========================================================
``P:S:requests``               the queue (sorted set; ``redis-cli zcard``)
``P:S:dupefilter:<run id>``    fingerprints seen in the run (set; ``redis-cli scard``)
``P:S:run``                    id of the current run (string)
``P:S:workers``                worker id -> ``"<1 busy|0 idle> <Redis TIME>"`` (hash)
=============================  =========================================================

Persistence (``NEWSCRAWL_REDIS_PERSIST``, default off): off = a fresh frontier each
run -- what a cron job wants: the last worker out deletes the run's queue, seen-set and
run id, and a run whose workers all died (no heartbeat for
``NEWSCRAWL_REDIS_WORKER_TIMEOUT``, 60 s) is replaced by the next worker that starts.
On = the frontier survives: the run never ends by itself, a stopped or crashed crawl
is resumed by the next start (queue and seen-set kept, seen pages not fetched again);
for a long backfill, not for cron.  Delete the keys to start over.

Redis failures: a worker that cannot reach Redis at start exits at once (status 1); one
that loses it for ``NEWSCRAWL_REDIS_WORKER_TIMEOUT`` seconds mid-crawl closes with the
reason ``redis_unavailable`` (``crawlall`` exit status 2).  ``enqueue_request``,
``next_request`` and ``has_pending_requests`` never pass a Redis exception to the
engine: one raised from ``enqueue_request`` (called while the
scraper handles a callback's output) would leave that response "in progress" forever
and the worker could not close.  Queued requests are pickled (scrapy-redis's default
serializer), so whoever can write to the Redis can run code in the workers: keep it on
a private network with a password (``redis://:password@host:6379/0``).

Not shared between workers (each worker on its own, as a single process would be):
robots.txt (each worker fetches it once), ``NEWSCRAWL_MAX_ARTICLES`` (a per-worker
cap), the ticker "once per crawl" memory, the per-process dedupe index in front of
MongoDB and the ``NEWSCRAWL_STATE_DIR`` file of incremental crawls.  Politeness
settings (``CONCURRENT_REQUESTS_PER_DOMAIN``, ``DOWNLOAD_DELAY``, AutoThrottle) are
per worker too: N workers put N times the load on a site.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections import deque
from datetime import datetime, timezone

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy.utils.request import RequestFingerprinter
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter as _RedisDupeFilter
from scrapy_redis.scheduler import Scheduler as _RedisScheduler

from newscrawl.storage.client import mask_uri

logger = logging.getLogger(__name__)

#: defaults of the settings this module reads (each also read from the environment)
DEFAULTS = {
    "NEWSCRAWL_REDIS_PERSIST": False,
    "NEWSCRAWL_REDIS_IDLE_TIMEOUT": 10.0,
    "NEWSCRAWL_REDIS_PREFIX": "newscrawl",
    "NEWSCRAWL_REDIS_POLL_INTERVAL": 0.25,
    "NEWSCRAWL_REDIS_HEARTBEAT": 2.0,
    "NEWSCRAWL_REDIS_WORKER_TIMEOUT": 60.0,
}


def _from_settings_or_env(settings, name):
    value = settings.get(name)
    if value is None:
        value = os.environ.get(name)
    return DEFAULTS[name] if value is None or value == "" else value


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def check_redis_url(url: str) -> None:
    """``ValueError`` naming what is wrong when ``url`` is not a Redis URL redis-py accepts
    (the crawl then stops at start with that one line, exit status 6, instead of failing
    later inside the scheduler)."""
    from redis.connection import parse_url

    try:
        parse_url(url)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"REDIS_URL {mask_uri(str(url))!r} is not a Redis URL: {exc} "
                         "(expected redis://[:password@]host[:port][/db], rediss://... or unix:///path)") from None


class RedisAddon:
    """Scrapy add-on (enabled in ``settings.ADDONS``): with ``REDIS_URL`` set, the
    crawl uses the shared Redis frontier; without it, no setting is touched."""

    def update_settings(self, settings):
        url = settings.get("REDIS_URL")
        if url is None:  # settings.py reads the variable at import; also look at it now
            url = os.environ.get("REDIS_URL")
        if not url:  # unset, or switched off with -s REDIS_URL=
            return
        check_redis_url(url)
        settings.set("REDIS_URL", url, priority=max(settings.getpriority("REDIS_URL") or 0, SETTINGS_PRIORITIES["addon"]))
        prefix = str(_from_settings_or_env(settings, "NEWSCRAWL_REDIS_PREFIX")).rstrip(":")
        values = {
            "SCHEDULER": "newscrawl.ops.distributed.Scheduler",
            "DUPEFILTER_CLASS": "newscrawl.ops.distributed.DupeFilter",
            "SCHEDULER_PERSIST": _as_bool(_from_settings_or_env(settings, "NEWSCRAWL_REDIS_PERSIST")),
            "SCHEDULER_IDLE_BEFORE_CLOSE": float(_from_settings_or_env(settings, "NEWSCRAWL_REDIS_IDLE_TIMEOUT")),
            "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
            "NEWSCRAWL_REDIS_PREFIX": prefix,
        }
        for name in ("NEWSCRAWL_REDIS_POLL_INTERVAL", "NEWSCRAWL_REDIS_HEARTBEAT", "NEWSCRAWL_REDIS_WORKER_TIMEOUT"):
            values[name] = float(_from_settings_or_env(settings, name))
        for name, value in values.items():
            settings.set(name, value, priority="addon")  # -s NAME=... (cmdline) still wins
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", SharedSeedsMiddleware, 5)


class SharedSeedsMiddleware:
    """Start requests go through the shared seen-set (see the module docstring)."""

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        async for item_or_request in start:
            if isinstance(item_or_request, Request) and item_or_request.dont_filter:
                meta = {**item_or_request.meta, "allow_offsite": True}
                item_or_request = item_or_request.replace(dont_filter=False, meta=meta)
                if self.crawler is not None and self.crawler.stats is not None:
                    self.crawler.stats.inc_value("newscrawl/redis/shared_seeds")
            yield item_or_request


class DupeFilter(_RedisDupeFilter):
    """scrapy-redis's Redis fingerprint set with Scrapy 2.19 signatures."""

    def __init__(self, server, key, debug=False, *, fingerprinter=None, stats=None):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter or RequestFingerprinter()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        """Standalone use (with Scrapy's own scheduler): one set per spider
        (``SCHEDULER_DUPEFILTER_KEY``), shared by every process of that spider."""
        settings = crawler.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY", "%(spider)s:dupefilter") % {"spider": crawler.spidercls.name}
        return cls(connection.get_redis_from_settings(settings), key, settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter, stats=crawler.stats)

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def log(self, request, spider=None):
        if self.debug:
            self.logger.debug("Filtered duplicate request: %(request)s", {"request": request})
        elif self.logdupes:
            self.logger.debug("Filtered duplicate request: %(request)s - no more duplicates will be shown"
                              " (see DUPEFILTER_DEBUG to show all duplicates)", {"request": request})
            self.logdupes = False
        if self.stats is not None:
            self.stats.inc_value("dupefilter/filtered")

    def open(self):
        return None

    def close(self, reason=""):
        """Keep the key: it is shared with the other workers (the run cleans it up)."""
        return None


# ---------------------------------------------------------------------------- the run
# Lua scripts run atomically in Redis; TIME is Redis's clock, so the machines' clocks
# do not have to agree.  A worker entry is "<1|0> <seconds>" (busy/idle, last beat).
_LUA_PRELUDE = """
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function census(workers, now, stale, me)
  local alive, busy = 0, 0
  local w = redis.call('HGETALL', workers)
  for i = 1, #w, 2 do
    local state, ts = string.match(w[i + 1], '^(%S+) (%S+)$')
    ts = tonumber(ts)
    if ts and now - ts <= stale then
      alive = alive + 1
      if state == '1' and w[i] ~= me then busy = busy + 1 end
    end
  end
  return alive, busy
end
"""

# KEYS: run, workers, queue, dupefilter base; ARGV: worker, new run id, stale, persist
_LUA_JOIN = _LUA_PRELUDE + """
local now = clock()
local run = redis.call('GET', KEYS[1])
if run and ARGV[4] ~= '1' then
  local alive = census(KEYS[2], now, tonumber(ARGV[3]), ARGV[1])
  if alive == 0 then  -- every worker of that run died: it is over
    redis.call('DEL', KEYS[4] .. ':' .. run)
    run = false
  end
end
local created = 0
if not run then
  run = ARGV[2]
  created = 1
  redis.call('SET', KEYS[1], run)
  redis.call('DEL', KEYS[2])
  if ARGV[4] ~= '1' then redis.call('DEL', KEYS[3]) end
end
redis.call('HSET', KEYS[2], ARGV[1], '1 ' .. now)
return {run, created}
"""

# KEYS: run, workers, queue, dupefilter; ARGV: worker, state, stale, persist
_LUA_STATUS = _LUA_PRELUDE + """
local now = clock()
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ' ' .. now)
local alive, busy = census(KEYS[2], now, tonumber(ARGV[3]), ARGV[1])
local kind = redis.call('TYPE', KEYS[3])['ok']
local n = 0
if kind == 'zset' then n = redis.call('ZCARD', KEYS[3]) elseif kind == 'list' then n = redis.call('LLEN', KEYS[3]) end
if ARGV[4] ~= '1' then redis.call('EXPIRE', KEYS[4], 86400) end  -- garbage-collects an orphaned seen-set
return {n, busy, alive}
"""

# KEYS: run, workers, queue, dupefilter; ARGV: worker, run id, stale, persist
_LUA_LEAVE = _LUA_PRELUDE + """
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[4] == '1' then return 0 end
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
local alive = census(KEYS[2], clock(), tonumber(ARGV[3]), ARGV[1])
if alive > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
"""


class Run:
    """One spider's crawl run in Redis: join, report status, leave (see the scripts above)."""

    def __init__(self, server, *, base: str, queue_key: str, dupefilter_base: str, persist: bool,
                 stale_after: float, worker: str | None = None):
        self.server = server
        self.run_key = f"{base}:run"
        self.workers_key = f"{base}:workers"
        self.queue_key = queue_key
        self.dupefilter_base = dupefilter_base
        self.persist = persist
        self.stale_after = stale_after
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"
        self.id: str | None = None
        self.created = False
        self._join = server.register_script(_LUA_JOIN)
        self._status = server.register_script(_LUA_STATUS)
        self._leave = server.register_script(_LUA_LEAVE)

    @property
    def dupefilter_key(self) -> str:
        return f"{self.dupefilter_base}:{self.id}"

    def _args(self, *first):
        return [*first, self.stale_after, "1" if self.persist else "0"]

    def join(self) -> str:
        new_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        run, created = self._join(keys=[self.run_key, self.workers_key, self.queue_key, self.dupefilter_base],
                                  args=self._args(self.worker, new_id))
        self.id = run.decode() if isinstance(run, bytes) else str(run)
        self.created = bool(created)
        return self.id

    def status(self, busy: bool) -> tuple[int, int, int]:
        """Record this worker's state; return (queue length, other busy workers, live workers)."""
        n, busy_others, alive = self._status(keys=[self.run_key, self.workers_key, self.queue_key, self.dupefilter_key],
                                             args=self._args(self.worker, "1" if busy else "0"))
        return int(n), int(busy_others), int(alive)

    def leave(self) -> bool:
        """Deregister; ``True`` when this was the last worker and the run was ended (not persistent)."""
        return bool(self._leave(keys=[self.run_key, self.workers_key, self.queue_key, self.dupefilter_key],
                                args=self._args(self.worker, self.id or "")))


class Scheduler(_RedisScheduler):
    """scrapy-redis scheduler for a run shared by several workers (module docstring)."""

    def __init__(self, server, *, crawler, persist=False, queue_key, queue_cls, dupefilter_key, dupefilter_cls,
                 idle_before_close=10.0, serializer=None, prefix="newscrawl", poll_interval=0.25, heartbeat=2.0,
                 stale_after=60.0):
        super().__init__(server, persist=persist, queue_key=queue_key, queue_cls=queue_cls,
                         dupefilter_key=dupefilter_key, dupefilter_cls=dupefilter_cls,
                         idle_before_close=idle_before_close, serializer=serializer)
        self.crawler = crawler
        self.stats = crawler.stats
        self.prefix = prefix
        self.poll_interval = poll_interval
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.run: Run | None = None
        self._local: deque = deque()  # requests this worker took from Redis while idle
        self._waking = None
        self._busy = True  # a starting worker may still yield seeds
        self._idle_since = time.monotonic()
        self._last_beat = 0.0
        self._failing_since: float | None = None
        self._closing = False
        self._loop = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        serializer = s.get("SCHEDULER_SERIALIZER")
        if isinstance(serializer, str):
            import importlib

            serializer = importlib.import_module(serializer)
        server = connection.get_redis_from_settings(s)
        try:
            server.ping()  # fail at start (exit status 1), not on the first request
        except RedisError as exc:
            logger.error("distributed: cannot reach Redis at %s: %s", mask_uri(s.get("REDIS_URL") or ""), mask_uri(str(exc)))
            raise
        scheduler = cls(
            server,
            crawler=crawler,
            persist=s.getbool("SCHEDULER_PERSIST"),
            queue_key=s.get("SCHEDULER_QUEUE_KEY") or "%(spider)s:requests",
            queue_cls=s.get("SCHEDULER_QUEUE_CLASS") or "scrapy_redis.queue.PriorityQueue",
            dupefilter_key=s.get("SCHEDULER_DUPEFILTER_KEY") or "%(spider)s:dupefilter",
            dupefilter_cls=s.get("DUPEFILTER_CLASS") or "newscrawl.ops.distributed.DupeFilter",
            idle_before_close=max(0.0, s.getfloat("SCHEDULER_IDLE_BEFORE_CLOSE", DEFAULTS["NEWSCRAWL_REDIS_IDLE_TIMEOUT"])),
            serializer=serializer,
            prefix=(s.get("NEWSCRAWL_REDIS_PREFIX") or DEFAULTS["NEWSCRAWL_REDIS_PREFIX"]).rstrip(":"),
            poll_interval=s.getfloat("NEWSCRAWL_REDIS_POLL_INTERVAL", DEFAULTS["NEWSCRAWL_REDIS_POLL_INTERVAL"]),
            heartbeat=s.getfloat("NEWSCRAWL_REDIS_HEARTBEAT", DEFAULTS["NEWSCRAWL_REDIS_HEARTBEAT"]),
            stale_after=s.getfloat("NEWSCRAWL_REDIS_WORKER_TIMEOUT", DEFAULTS["NEWSCRAWL_REDIS_WORKER_TIMEOUT"]),
        )
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    # ---- lifecycle ----------------------------------------------------------------------
    def open(self, spider):
        self.spider = spider
        name = {"spider": spider.name}
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=self.queue_key % name,
                                                 serializer=self.serializer)
        self.run = Run(self.server, base=f"{self.prefix}:{spider.name}", queue_key=self.queue.key,
                       dupefilter_base=self.dupefilter_key % name, persist=self.persist,
                       stale_after=self.stale_after)
        self.run.join()
        dupefilter_cls = load_object(self.dupefilter_cls)
        if issubclass(dupefilter_cls, DupeFilter):
            self.df = dupefilter_cls(self.server, self.run.dupefilter_key, self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
                                     fingerprinter=self.crawler.request_fingerprinter, stats=self.stats)
        else:  # stock scrapy-redis filter (its own fingerprints)
            self.df = dupefilter_cls(self.server, key=self.run.dupefilter_key,
                                     debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.stats.set_value("newscrawl/redis/run", self.run.id)
        self.stats.set_value("newscrawl/redis/worker", self.run.worker)
        self.stats.set_value("newscrawl/redis/started_run", self.run.created)
        logger.info("distributed: %s run %s of %r as worker %s (queue %s: %d requests; persist=%s)",
                    "started" if self.run.created else "joined", self.run.id, spider.name, self.run.worker,
                    self.queue.key, len(self.queue), self.persist)
        self._last_beat = time.monotonic()
        self._loop = create_looping_call(self._tick)
        self._loop.start(self.poll_interval, now=False)

    def close(self, reason):
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.run is None:
            return
        try:
            while self._local:  # taken from the queue but never handed out: give them back
                self.queue.push(self._local.popleft())
            ended = self.run.leave()
        except RedisError as exc:
            logger.error("distributed: could not leave run %s cleanly (%s: %s)", self.run.id, type(exc).__name__, exc)
            return
        if ended:
            logger.info("distributed: last worker out, run %s ended (queue and seen-set deleted)", self.run.id)
        else:
            logger.info("distributed: left run %s (%s)", self.run.id,
                        "persistent frontier kept" if self.persist else "other workers still registered")

    def flush(self):
        """Delete this run's queue and seen-set (never called on a worker's close)."""
        self.df.clear()
        self.queue.clear()

    # ---- requests ------------------------------------------------------------------------
    # The engine calls these from its own loops (the scraper calls enqueue_request while it
    # processes a callback's output): an exception there leaves a response forever "in
    # progress" and the spider can then never close.  So a Redis failure is recorded
    # (_redis_failed) instead of raised; _tick() closes the worker if Redis stays away.
    def enqueue_request(self, request):
        if request is self._waking:  # see _wake(): already taken from Redis for this worker
            self._waking = None
            self._local.append(request)
            return True
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
        except RedisError as exc:
            self._redis_failed(exc)
            self.stats.inc_value("newscrawl/redis/enqueue_failed")
            return False  # the engine signals request_dropped
        self.stats.inc_value("scheduler/enqueued/redis")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self):
        # never a blocking pop: scrapy-redis would BRPOP for SCHEDULER_IDLE_BEFORE_CLOSE
        # seconds on the reactor thread, stalling every download of this worker
        if self._local:
            request = self._local.popleft()
        else:
            try:
                request = self.queue.pop(0)
            except RedisError as exc:
                self._redis_failed(exc)
                return None
        if request is None:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        self.stats.inc_value("scheduler/dequeued")
        if not self._busy:
            self._set_busy()
        return request

    def has_pending_requests(self):
        if self._local:
            return True
        try:
            return len(self.queue) > 0
        except RedisError as exc:
            self._redis_failed(exc)
            return False

    def __len__(self):
        return len(self._local) + len(self.queue)

    def _redis_failed(self, exc):
        if self._failing_since is None:
            self._failing_since = time.monotonic()
            logger.warning("distributed: Redis unavailable (%s: %s); giving up after %.0f s", type(exc).__name__, exc,
                           self.stale_after)

    # ---- idle close -------------------------------------------------------------------------
    def _spider_idle(self, spider):
        """The engine found nothing to do here; _tick() decides when the worker exits."""
        if self._busy:
            self._busy = False
            self._idle_since = time.monotonic()
        raise DontCloseSpider

    def _set_busy(self):
        self._busy = True
        try:
            self.run.status(True)  # at once: idle workers must not count down while this one works
            self._last_beat = time.monotonic()
        except RedisError:
            pass  # the next heartbeat retries

    def _tick(self):
        """Every NEWSCRAWL_REDIS_POLL_INTERVAL: heartbeat when busy; when idle, look for work
        or decide to exit.  Never raises (a dead loop would keep an idle worker forever)."""
        if self._closing or self.run is None:
            return
        now = time.monotonic()
        try:
            if self._check(now):  # Redis answered
                self._failing_since = None
        except Exception as exc:
            if isinstance(exc, RedisError):
                self._redis_failed(exc)
            elif self._failing_since is None:
                self._failing_since = now
                logger.exception("distributed: worker bookkeeping failed")
            if now - self._failing_since > self.stale_after:  # no progress is possible without Redis
                self._close("redis_unavailable" if isinstance(exc, RedisError) else "distributed_error")

    def _check(self, now) -> bool:
        """One tick's work; ``True`` when it heard from Redis."""
        if self._busy:
            if now - self._last_beat < self.heartbeat:
                return False
            self.run.status(True)
            self._last_beat = now
            return True
        queued, busy_others, _alive = self.run.status(False)
        self._last_beat = now
        if queued:
            self._wake()
        elif busy_others:
            self._idle_since = now  # they may still add requests
        elif now - self._idle_since >= self.idle_before_close:
            self._close("finished")
        return True

    def _wake(self):
        """Idle with requests in the shared queue: take one and hand it to the engine
        (``engine.crawl`` makes it look for work again; without this an idle engine only
        looks every 5 s)."""
        request = self.queue.pop(0)
        if request is None:
            return  # another worker was faster
        self._waking = request
        try:
            self.crawler.engine.crawl(request)
        except Exception:
            self.queue.push(request)
            raise
        finally:
            if self._waking is request:  # a request_scheduled handler dropped it
                self._waking = None

    def _close(self, reason):
        engine = self.crawler.engine
        if reason == "finished" and not engine.spider_is_idle():
            return
        self._closing = True
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        logger.info("distributed: closing worker %s of run %s (%s)", self.run.worker, self.run.id,
                    f"queue empty and no worker busy for {self.idle_before_close:g} s" if reason == "finished" else reason)
        deferred_from_coro(engine.close_spider_async(reason=reason))
