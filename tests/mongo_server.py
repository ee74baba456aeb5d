"""A throw-away SecantusDB server (MongoDB wire protocol, WiredTiger) on a free loopback port.

    with MongoTestServer() as server:      # or MongoTestServer(storage_path=DIR) to survive restarts
        server.uri                         # mongodb://127.0.0.1:<port>/
        server.kill(); server.start()      # SIGKILL and restart on the same port and data folder

SecantusDB (``pip install secantusdb==0.7.0b3``, GPL-2.0) runs as its own process
(``secantusd-py``); the tests talk to it only over the wire, as to any MongoDB.  It is not
MongoDB: assert on error codes, not on message text.  :func:`available` tells whether the
server program is installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _exe() -> str | None:
    here = Path(sys.executable).with_name("secantusd-py")
    return str(here) if here.exists() else shutil.which("secantusd-py")


def available() -> bool:
    return _exe() is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MongoTestServer:
    def __init__(self, storage_path: str | os.PathLike | None = None, port: int | None = None):
        self._tmp = None
        if storage_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="secantus-test-")
            storage_path = self._tmp.name
        self.storage_path = str(storage_path)
        self.port = port or 0
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 30.0) -> "MongoTestServer":
        exe = _exe()
        if exe is None:
            raise RuntimeError("secantusd-py is not installed (pip install secantusdb==0.7.0b3)")
        for _attempt in range(5):  # the free port can be taken between probe and bind
            if not self.port:
                self.port = _free_port()
            self.proc = subprocess.Popen(
                [exe, "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", self.storage_path,
                 "--log-level", "WARNING"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            if self._wait_ready(timeout):
                return self
            self._stop(signal.SIGKILL)
            self.port = 0
        raise RuntimeError("secantusd-py did not start")

    def _wait_ready(self, timeout: float) -> bool:
        import pymongo

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500) as c:
                    c.admin.command("ping")
                return True
            except Exception:
                time.sleep(0.1)
        return False

    def _stop(self, sig) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL, as a crash: the data folder stays for a restart on the same port."""
        self._stop(signal.SIGKILL)

    def stop(self) -> None:
        self._stop(signal.SIGTERM)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "MongoTestServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
