"""A run lock so that two cron runs never overlap.

Two kernel locks, both released by the kernel when the process dies (a crashed run
never leaves a stale lock behind, unlike a PID file):

* ``fcntl.flock`` on the lock file, which holds the PID and start time of the holder
  (for the message).  After locking, the path must still name the locked file (it can
  be replaced between ``open`` and ``flock``); otherwise the lock is taken again.
* a Linux abstract-namespace Unix socket bound to a name derived from the lock file's
  absolute path (``\\0newscrawl-lock-<sha1>``).  It has no file: deleting or replacing
  the lock file while a run holds it (a tmp cleaner, an operator "removing a stale
  lock") does not let a second run in.  Where abstract sockets do not exist (not
  Linux), the file lock alone is used.

A lock path that cannot be created or opened (a read-only folder, a folder, a path
under a file) raises :class:`LockUnavailable` (an ``OSError``): ``crawlall`` prints one
line and exits 6.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import socket
import sys
import time


class LockHeld(RuntimeError):
    """Another process holds the lock; ``str()`` names it."""


class LockUnavailable(OSError):
    """The lock file cannot be created or opened; ``str()`` names the path and the reason."""


def _abstract_name(path: str) -> bytes:
    digest = hashlib.sha1(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()
    return b"\0newscrawl-lock-" + digest.encode()


class RunLock:
    def __init__(self, path: str):
        self.path = path
        self._fd = None
        self._sock = None

    def _open_locked(self) -> int:
        """Open and ``flock`` the lock file; the returned fd is the one the path names."""
        for _ in range(10):
            try:
                os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise LockUnavailable(exc.errno, f"{self.path}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 200).decode("utf-8", "replace").strip()
                os.close(fd)
                raise LockHeld(f"{self.path} ({holder or 'unknown holder'})") from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                return fd
            os.close(fd)  # replaced or removed between open and flock: take the new file
        raise LockUnavailable(errno.EAGAIN, f"{self.path}: the file keeps being replaced")

    def _bind_abstract(self):
        if not sys.platform.startswith("linux"):
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(_abstract_name(self.path))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                return False
            return None  # no abstract sockets here: the file lock alone
        return sock

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockHeld` at once (never waits);
        :class:`LockUnavailable` when the lock file cannot be created or opened."""
        sock = self._bind_abstract()
        if sock is False:
            holder = ""
            try:
                with open(self.path, "rb") as fh:
                    holder = fh.read(200).decode("utf-8", "replace").strip()
            except OSError:
                holder = "lock file removed while held"
            raise LockHeld(f"{self.path} ({holder or 'unknown holder'})")
        try:
            fd = self._open_locked()
        except BaseException:
            if sock is not None:
                sock.close()
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"pid={os.getpid()} since={time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
        self._fd = fd
        self._sock = sock

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
