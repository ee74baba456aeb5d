"""Run crawls from Python (schedulers, notebooks, tests) without ``ReactorNotRestartable``.

Twisted's reactor cannot be started twice in one process (handed case BR-12), so
the "run from a script" pattern breaks on the second call.  :func:`run_all`
runs every crawl in a fresh child process (``python -m scrapy crawlall ...``),
exactly what cron does, and returns its exit status (see :mod:`newscrawl.ops.runstatus`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_all(spiders: list[str] | None = None, *, replay: str | None = None, sequential: bool = False,
            lock: str | None = None, settings: dict | None = None, spider_args: dict | None = None,
            env: dict | None = None, cwd: str | os.PathLike | None = None, timeout: float | None = None) -> int:
    """Crawl ``spiders`` (default: all with start URLs) once; return the exit status.

    :param spiders: spider names, or None for all.
    :param replay: a snapshot folder (``REPLAY_DIR``) for an offline crawl.
    :param sequential: one spider after another instead of all at once.
    :param lock: a lock file; a run that finds it held returns 75 at once.
    :param settings: Scrapy settings, passed as ``-s NAME=VALUE``.
    :param spider_args: spider arguments, passed as ``-a NAME=VALUE`` to every spider.
    :param env: extra environment variables for the child (e.g. ``MONGO_URI``).
    :param cwd: the project folder (default: the one this package lives in).
    :param timeout: seconds before the child is killed (``subprocess.TimeoutExpired`` is raised).
    :returns: the child's exit status: 0 ok, 2/3/4/5 crawl failures, 75 lock held.
    """
    cmd = [sys.executable, "-m", "scrapy", "crawlall", *(spiders or [])]
    if replay:
        cmd += ["--replay", str(replay)]
    if sequential:
        cmd.append("--sequential")
    if lock:
        cmd += ["--lock", str(lock)]
    for k, v in (settings or {}).items():
        cmd += ["-s", f"{k}={v}"]
    for k, v in (spider_args or {}).items():
        cmd += ["-a", f"{k}={v}"]
    proc = subprocess.run(cmd, cwd=cwd or PROJECT_ROOT, env={**os.environ, **(env or {})}, timeout=timeout)
    return proc.returncode
