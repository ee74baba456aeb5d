"""The local MongoDB-compatible server newscrawl starts itself when ``MONGO_URI`` is not set.

Real processes throughout: ``scrapy crawlall`` / ``scrapy crawl`` / ``scrapy export`` children
on the loopback site (tests/loopback.py), real SecantusDB servers in temporary data folders
(``MONGO_LOCAL_DIR``), and plain Python children for the cross-process lock.  After each
scenario no server process may be left on its folder (checked in /proc).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.ops import runstatus
from newscrawl.storage import local_server
from newscrawl.storage.client import MongoConfig, client_from_settings, is_config_error
from tests.loopback import LoopbackSite

pytestmark = pytest.mark.mongo  # real SecantusDB processes (never skipped: the test extra installs them)

ROOT = Path(__file__).resolve().parent.parent


def servers_on(folder: Path) -> list[int]:
    """Pids of the secantusd-py processes whose storage is under ``folder``."""
    store = os.fsencode(str(Path(folder).absolute() / "store"))
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
        except OSError:
            continue
        if state != b"Z" and any(b"secantusd" in a for a in argv) and store in argv:
            pids.append(int(entry.name))
    return pids


def env_without_mongo(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_"))}
    return {**env, **extra}


def scrapy(*args, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env_without_mongo(),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def crawl_args(tmp: Path, site) -> list[str]:
    settings = {"NEWSCRAWL_FEED_DIR": tmp / "feeds", "NEWSCRAWL_STATE_DIR": tmp / "state",
                "MONGO_SPOOL_DIR": tmp / "spool", "MONGO_LOCAL_DIR": tmp / "db", "AUTOTHROTTLE_ENABLED": "0",
                "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "INFO",
                "NEWSCRAWL_LOG_STATS": "1"}  # the stats dump (DEBUG otherwise) is read below
    args = ["-a", f"start_url={site.base}/rtl/"]
    for k, v in settings.items():
        args += ["-s", f"{k}={v}"]
    return args


def test_crawlall_without_mongo_uri_stores_in_the_local_server_then_export_reads_it(tmp_path):
    with LoopbackSite() as site:
        proc = scrapy("crawlall", "jannah_demo", *crawl_args(tmp_path, site))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr.count("Started the local MongoDB-compatible server") == 1
    assert "stored=8 spooled=0" in proc.stderr  # 1 article + 7 tickers acknowledged by the server
    assert servers_on(tmp_path / "db") == [] and not (tmp_path / "db" / "server.json").exists()
    assert (tmp_path / "db" / "store").is_dir()
    # export alone starts the server on the same folder, reads what the crawl stored, stops it
    out = tmp_path / "tickers.jsonl"
    proc = scrapy("export", "--type", "ticker", "-o", str(out), "-s", f"MONGO_LOCAL_DIR={tmp_path / 'db'}")
    assert proc.returncode == 0, proc.stderr
    assert f"exported 7 items to {out}" in proc.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7
    assert servers_on(tmp_path / "db") == []


def test_scrapy_crawl_starts_the_local_server_once_for_all_its_components(tmp_path):
    with LoopbackSite() as site:
        proc = scrapy("crawl", "jannah_demo", *crawl_args(tmp_path, site))
    assert proc.returncode == 0, proc.stderr[-3000:]
    # incremental middleware, dedupe and storage share the crawler's one client: one start, one stop
    assert proc.stderr.count("Started the local MongoDB-compatible server") == 1
    assert proc.stderr.count("Stopped the local MongoDB-compatible server") == 1
    assert "'newscrawl/mongo/written': 8" in proc.stderr
    assert servers_on(tmp_path / "db") == []


def test_distributed_crawl_without_mongo_uri_is_a_one_line_configuration_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "jannah_demo",
                           "-s", f"MONGO_LOCAL_DIR={tmp_path / 'db'}"], cwd=ROOT,
                          env=env_without_mongo(REDIS_URL="redis://127.0.0.1:1/0"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == runstatus.EXIT_CANNOT_START == 6
    lines = [ln for ln in proc.stderr.splitlines() if "cannot start" in ln]
    assert len(lines) == 1 and "REDIS_URL is set" in lines[0] and "MONGO_URI" in lines[0]
    assert "Traceback" not in proc.stderr and not (tmp_path / "db").exists()


def test_missing_server_package_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(local_server, "executable", lambda: None)
    settings = Settings({"MONGO_LOCAL_DIR": str(tmp_path / "db")})
    with pytest.raises(local_server.LocalServerError) as info:
        client_from_settings(settings)
    message = str(info.value)
    assert "\n" not in message and "pip install -e '.[server]'" in message and "MONGO_URI" in message
    assert is_config_error(info.value)  # the storage pipeline reports it once and the run exits 6


def test_which_settings_use_the_local_server():
    assert local_server.uses_local_server(Settings({}))
    assert not local_server.uses_local_server(Settings({"MONGO_URI": "mongodb://db.example:27017"}))
    assert not local_server.uses_local_server(Settings({"MONGO_ENABLED": "0"}))
    assert not local_server.uses_local_server(Settings({"MONGO_CLIENT_FACTORY": lambda c: None}))
    assert MongoConfig.from_settings(Settings({})).masked_uri == "(local server, data/db)"


# ----------------------------------------------------------------------------- cross-process
def _use_server(folder: str, started, results, go) -> None:
    """Child: join (or start) the folder's server at the same time as its sibling, report, wait, leave."""
    server = local_server.server_for(folder, start_timeout=60)
    started.wait(30)
    uri = server.acquire()
    state = json.loads((Path(folder) / "server.json").read_text())
    results.put((uri, state["pid"], server.started_here))
    go.wait(60)
    server.release()


def test_two_commands_starting_at_once_share_one_server_and_the_last_stops_it(tmp_path):
    folder = tmp_path / "db"
    ctx = multiprocessing.get_context("spawn")
    started, go, results = ctx.Barrier(2), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_use_server, args=(str(folder), started, results, go)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    assert got[0][:2] == got[1][:2]  # same URI, same server process
    assert sorted(g[2] for g in got) == [False, True]  # one started it, the other joined
    assert servers_on(folder) == [got[0][1]]
    go.set()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert servers_on(folder) == [] and not (folder / "server.json").exists()


HOLDER = """
import sys, time
from newscrawl.storage import local_server
server = local_server.server_for(sys.argv[1])
print(server.acquire(), flush=True)
time.sleep(120)
"""


def _holder(folder: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], cwd=ROOT, env=env_without_mongo(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    uri = proc.stdout.readline().strip()
    assert uri.startswith("mongodb://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else uri
    return proc, uri


def test_sigterm_stops_the_server_of_a_command(tmp_path):
    proc, _ = _holder(tmp_path / "db")
    assert len(servers_on(tmp_path / "db")) == 1
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert servers_on(tmp_path / "db") == [] and not (tmp_path / "db" / "server.json").exists()


def test_server_of_a_killed_command_is_reused_then_stopped(tmp_path):
    folder = tmp_path / "db"
    proc, uri = _holder(folder)
    proc.kill()  # SIGKILL: the command cannot stop its server
    proc.wait(30)
    (pid,) = servers_on(folder)
    server = local_server.LocalServer(folder)
    assert server.acquire() == uri and server.pid == pid and server.started_here is False
    server.release()
    deadline = time.monotonic() + 30
    while servers_on(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert servers_on(folder) == [] and not (folder / "server.json").exists()
