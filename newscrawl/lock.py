"""A run lock so that two cron runs never overlap.

``fcntl.flock`` on a lock file: the kernel releases it when the process dies,
so a crashed run never leaves a stale lock behind (unlike a PID file).  The
file holds the PID and start time of the holder, for the message.
"""

from __future__ import annotations

import fcntl
import os
import time


class LockHeld(RuntimeError):
    """Another process holds the lock; ``str()`` names it."""


class RunLock:
    def __init__(self, path: str):
        self.path = path
        self._fd = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockHeld` at once (never waits)."""
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip()
            os.close(fd)
            raise LockHeld(f"{self.path} ({holder or 'unknown holder'})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid={os.getpid()} since={time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
