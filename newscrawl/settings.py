"""Scrapy settings for newscrawl.

Every project-specific setting is documented in the README ("Settings").
Settings named in ``ENV_OVERRIDES`` can also be given as environment variables
(``MONGO_URI=... scrapy crawl thiqa``); ``-s NAME=value`` on the command line
still wins over both.
"""

import os

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# --- politeness -----------------------------------------------------------
NEWSCRAWL_CONTACT = os.environ.get("NEWSCRAWL_CONTACT", "https://github.com/newscrawl/newscrawl")
USER_AGENT = f"newscrawl/0.1 (+{NEWSCRAWL_CONTACT})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # a news page over 8 MiB is not a news page
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control HTTP server (code execution behind a token) is not needed by cron runs
EXTENSIONS = {
    "scrapy.extensions.remote_control.RemoteControl": None,
    # newscrawl.ops.progress.CrawlProgress replaces LogStats: progress line with items and drops,
    # a live line on a terminal, one summary line per spider
    "scrapy.extensions.logstats.LogStats": None,
    # CoreStats without an AssertionError traceback for a spider that never opened
    "scrapy.extensions.corestats.CoreStats": None,
    "newscrawl.ops.progress.CoreStats": 0,
    "newscrawl.ops.progress.CrawlProgress": 0,
    "newscrawl.feeds.files.FeedRetention": 0,
    # malloc_trim every NEWSCRAWL_MALLOC_TRIM_PAGES responses: freed lxml trees back to the OS
    "newscrawl.ops.memory.MallocTrim": 0,
}
NEWSCRAWL_MALLOC_TRIM_PAGES = 500  # 0 = never

# --- offline replay of saved pages (newscrawl.ops.middlewares.ReplayMiddleware) --
# A directory with index.json mapping real URLs to saved files; when set, no
# request leaves the machine: unknown URLs get a 404.
REPLAY_DIR = None

DOWNLOADER_MIDDLEWARES = {
    "newscrawl.ops.incremental.IncrementalMiddleware": 40,
    "newscrawl.ops.middlewares.ReplayMiddleware": 50,
    # next to the download handler: sees each response as the server sent it (still compressed)
    "newscrawl.ops.warc.WarcMiddleware": 950,
}

# --- WARC output (newscrawl.ops.warc.WarcMiddleware): every fetched response, with its request ---
WARC_ENABLED = False
WARC_DIR = "data/warc"
WARC_MAX_SIZE = 1_000_000_000  # bytes; a file is closed (and a new one started) past this
WARC_PREFIX = "newscrawl"

# --- incremental crawls (newscrawl.ops.incremental) ---------------------------------
NEWSCRAWL_INCREMENTAL = True  # skip article URLs already stored ...
NEWSCRAWL_REFRESH_DAYS = 7  # ... unless last crawled longer ago than this
NEWSCRAWL_STATE_DIR = "data/state"  # local record of stored articles when MongoDB is off
NEWSCRAWL_MIN_ITEMS = 0  # crawlall exits 5 when a spider yields fewer items

# --- crawl shape -------------------------------------------------------------
NEWSCRAWL_MAX_LISTING_PAGES = 5  # category / archive pages followed per category
NEWSCRAWL_MAX_ARTICLES = 0  # 0 = no limit; articles fetched per crawl
NEWSCRAWL_MAX_LINKS_PER_PAGE = 1000  # links followed from one listing page (the rest are counted)
# a page with more elements is not read (newscrawl/dropped/too_slow): reading costs CPU on the reactor thread
# in proportion to its elements and would stall every other download (real news pages: under 3,000)
NEWSCRAWL_MAX_PAGE_ELEMENTS = 15000
NEWSCRAWL_TICKER_INTERVAL = 60  # seconds: article pages re-read the (site-wide) ticker strip at most this often
DEPTH_LIMIT = 3

# --- pipelines: normalize -> dedupe -> store ----------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.normalize.ArabicNormalizationPipeline": 100,
    "newscrawl.pipelines.dedupe.DedupePipeline": 200,
    "newscrawl.pipelines.mongo.MongoPipeline": 300,
    "newscrawl.pipelines.dedupe.DropSameSiteCopiesPipeline": 400,
}
# dedupe (newscrawl.pipelines.dedupe)
DEDUPE_ENABLED = True
DEDUPE_NEAR_DISTANCE = 3  # bits of SimHash distance for a near-duplicate (<= 3: found by the 4 band indexes)
DEDUPE_SAME_SITE = "drop"  # same story, same site, other URL: "drop" (recorded as an alias) or "keep"
DEDUPE_MEMORY_ENTRIES = 2000  # newest articles kept in memory in front of MongoDB (older: found there); 0 = all
DEDUPE_COMMON_KEY_ENTRIES = 50  # an LSH key shared by this many recorded articles is boilerplate: not looked up
DEDUPE_NEAR_MIN_TOKENS = 20  # no SimHash for texts with fewer content words (exact match only)
DEDUPE_MAX_CANDIDATES = 1000  # band candidates examined per lookup
DEDUPE_SHINGLE_ENABLED = True  # MinHash LSH stage: lsh_keys, verified copy/excerpt/extended links
DEDUPE_MAX_SHINGLE_CANDIDATES = 128  # LSH candidates verified per item (most shared band keys first); cuts counted in newscrawl/dedupe/shingle_candidates_capped

# --- MongoDB ------------------------------------------------------------------
MONGO_ENABLED = True
MONGO_URI = None  # None: a local MongoDB-compatible server started by newscrawl (newscrawl.storage.local_server)
MONGO_LOCAL_DIR = "data/db"  # its data folder (delete it to start empty)
MONGO_LOCAL_START_TIMEOUT = 60.0  # seconds to wait for it to start (or for another command starting it)
MONGO_DATABASE = None  # None: the database named in MONGO_URI, else "newscrawl"
MONGO_ARTICLES_COLLECTION = "articles"
MONGO_TICKERS_COLLECTION = "tickers"
MONGO_REVISIONS_COLLECTION = "revisions"  # previous versions of changed articles; "" = not kept
MONGO_WRITE_CONCERN = "majority"
MONGO_WRITE_JOURNAL = True  # j=True: an acknowledged write survives a server crash
MONGO_SERVER_SELECTION_TIMEOUT_MS = 3000
MONGO_CONNECT_TIMEOUT_MS = 10000
MONGO_SOCKET_TIMEOUT_MS = 60000  # 0 = none
MONGO_BATCH_SIZE = 100  # items per bulk_write
MONGO_FLUSH_INTERVAL = 5.0  # seconds between timed flushes
MONGO_RETRY_TIMES = 3  # retries of a transient failure after the first attempt
MONGO_RETRY_BACKOFF = 0.5  # seconds, doubling each retry ...
MONGO_RETRY_BACKOFF_MAX = 8.0  # ... up to this
MONGO_OUTAGE_PROBE_INTERVAL = 30.0  # seconds between pings while MongoDB is down; also how long one
# availability check is shared by storage, dedupe and incremental
MONGO_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 512 * 1024  # larger articles lose paragraphs from the end
MONGO_BATCH_TIMEOUT = 120.0  # seconds for the whole write of one batch, retries included (0 = unbounded)
MONGO_MAX_PENDING_BATCHES = 8  # batches waiting for the writer before process_item waits
MONGO_SPOOL_FSYNC = True  # fsync each spool batch (and its directory) before sending
MONGO_SPOOL_DIR = "data/spool"
MONGO_CLIENT_FACTORY = None  # tests: a callable(config) -> client (mongomock, mockupdb)

# --- feeds: one JSON Lines file per spider per run, UTF-8, Arabic unescaped ---
FEED_EXPORT_ENCODING = "utf-8"
NEWSCRAWL_FEED_DIR = "data/feeds"
FEEDS = {
    "%(feed_dir)s/%(name)s/%(name)s-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "overwrite": True,
    },
}
FEED_URI_PARAMS = "newscrawl.feeds.files.uri_params"
FEED_STORE_EMPTY = False  # a run that produced nothing leaves no file
NEWSCRAWL_FEED_INTERNAL_FIELDS = False  # True: feeds also carry *_norm, content_hash, simhash*, sh0..sh3
NEWSCRAWL_FEED_KEEP_DAYS = 30  # feed files of a spider older than this are deleted when it closes; 0 = keep all
# `crawlall --replay` (the offline demo) writes here instead of the live folders
NEWSCRAWL_REPLAY_DATA_DIR = "data/replay"

# --- what the operator sees (newscrawl.ops.progress, newscrawl.ops.logformatter) ------------------
NEWSCRAWL_PROGRESS_INTERVAL = 60.0  # seconds between progress lines in the log; 0 = none
NEWSCRAWL_PROGRESS_LIVE = True  # a live status line when stderr is a terminal
NEWSCRAWL_SUMMARY_ENABLED = True  # one "done: <spider>: ..." line per spider
NEWSCRAWL_LOG_STATS = False  # True: Scrapy's full stats dump at INFO when a spider closes (else at DEBUG)
# local feeds are written as <name>.part and renamed when complete; a failed one ends as <name>.failed
FEED_STORAGES = {"": "newscrawl.feeds.files.AtomicFileFeedStorage", "file": "newscrawl.feeds.files.AtomicFileFeedStorage"}

# --- misc -----------------------------------------------------------------------
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# items per response processed in parallel: Scrapy starts this many asyncio tasks for every
# response; our pages yield at most a few dozen objects, and 100 tasks a page cost ~10% CPU
CONCURRENT_ITEMS = 16
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

ENV_OVERRIDES = (
    "MONGO_URI",
    "MONGO_DATABASE",
    "MONGO_ENABLED",
    "MONGO_LOCAL_DIR",
    "REPLAY_DIR",
    "WARC_ENABLED",
    "WARC_DIR",
    "LOG_FILE",
    "NEWSCRAWL_MAX_ARTICLES",
    "NEWSCRAWL_FEED_DIR",
)
for _name in ENV_OVERRIDES:
    if _name in os.environ:
        globals()[_name] = os.environ[_name]

FEED_EXPORTERS = {
    "jsonlines": "newscrawl.feeds.exporters.JsonLinesExporter",
    "jsonl": "newscrawl.feeds.exporters.JsonLinesExporter",
    "json": "newscrawl.feeds.exporters.JsonExporter",
}

# --- distributed crawling (scrapy-redis), switched on by REDIS_URL -------------------
# newscrawl.ops.distributed.RedisAddon does nothing unless REDIS_URL is set (env or -s).
REDIS_URL = os.environ.get("REDIS_URL")
ADDONS = {"newscrawl.ops.distributed.RedisAddon": 0}
LOG_FORMATTER = "newscrawl.ops.logformatter.LogFormatter"

# Scrapy's per-crawler dumps (overridden settings, enabled components, full stats) at DEBUG;
# expected network failures without a traceback (newscrawl.ops.logformatter)
from newscrawl.ops.logformatter import quiet_scrapy_logs  # noqa: E402

quiet_scrapy_logs()
