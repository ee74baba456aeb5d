"""Durable local spool of MongoDB write operations.

Every write the storage pipeline makes is first appended here, on local disk,
and only removed once MongoDB has acknowledged it.  A crash, an outage or a
wrong password therefore never loses an item: the next run (or
``scrapy mongo-replay``) sends what is left.  All operations are idempotent
upserts / ``$addToSet`` updates, so a batch that is sent twice stores once.

Layout of ``MONGO_SPOOL_DIR`` (default ``data/spool``)::

    batch-20240314T103000123Z-4242-000001.jsonl.open  segment being filled (locked by its process)
    batch-20240314T103000123Z-4242-000001.jsonl       sealed batch: fsync'd, waiting for an ack
    rejected/rejected-20240314.jsonl                   writes MongoDB refused for good, kept for inspection

One file is one batch: JSON Lines, UTF-8 (Arabic unescaped), first line a
header ``{"spool": 1, "batch": ID, "created": {"$date": ...}, "pid": N}``, then
one :class:`Op` per line ``{"c": coll, "k": kind, "f": filter, "u": update,
"up": upsert}``.  Values use MongoDB Extended JSON (relaxed, via
:mod:`bson.json_util`), so datetimes come back as aware UTC ``datetime`` objects,
``int64``/``Decimal128``/``ObjectId`` round-trip exactly.  File names start with
the UTC creation time (ms), then pid and a per-process sequence number, so they
sort in creation order, also across processes; batches are replayed oldest first.

Concurrency: a live process holds an exclusive ``flock`` on every spool file
it owns (the segment it is filling, the batch it is sending).  A replayer only
takes files whose lock it can get, so two crawls (or a crawl and
``mongo-replay``) may share one spool directory; locks vanish with a dead
process, so its leftovers become replayable.  On platforms without ``fcntl``
there is no locking: use one spool directory per process there.

Durability: with ``fsync=True`` (``MONGO_SPOOL_FSYNC``, the default) a segment
is ``fsync``'d, renamed and its directory ``fsync``'d when sealed, before any
of its operations is sent.  Appends between seals are ``flush``'ed to the OS
per item, so they survive a crash of the process (not of the machine).
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from bson import json_util
from bson.json_util import DatetimeRepresentation, JSONMode, JSONOptions

try:  # POSIX only; see the module docstring.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

logger = logging.getLogger(__name__)

SPOOL_FORMAT = 1
SEALED_SUFFIX = ".jsonl"
OPEN_SUFFIX = ".jsonl.open"
TMP_SUFFIX = ".jsonl.tmp"
PREFIX = "batch-"

JSON_OPTIONS = JSONOptions(
    json_mode=JSONMode.RELAXED,
    datetime_representation=DatetimeRepresentation.ISO8601,
    tz_aware=True,
    tzinfo=timezone.utc,
)
"""Extended JSON options of the spool: datetimes round-trip as aware UTC."""

PRIMARY_KINDS = frozenset({"article", "ticker"})

# Process-wide, so several crawlers (several Spool objects) in one process on
# the same directory never pick the same batch name.
_SEQ = itertools.count(1)
_SEQ_LOCK = threading.Lock()


def dumps(obj: Any) -> str:
    """One spool line (no newline): Extended JSON, UTF-8 text unescaped."""
    return json_util.dumps(obj, json_options=JSON_OPTIONS, ensure_ascii=False, separators=(",", ":"))


def loads(line: str | bytes) -> Any:
    """Inverse of :func:`dumps`; datetimes come back aware (UTC)."""
    return json_util.loads(line, json_options=JSON_OPTIONS)


@dataclass
class Op:
    """One idempotent MongoDB update, as spooled and as sent.

    ``coll`` is the logical collection (``"articles"`` / ``"tickers"``), mapped
    to the configured collection name when sent, so a replay honours the
    settings of the run that replays.  ``kind`` is ``"article"`` or ``"ticker"``
    (one per stored item: the *primary* op, an upsert) or ``"republished"``
    (a non-upsert ``$addToSet`` on the first-seen copy, sent after the upserts).
    """

    coll: str
    kind: str
    filter: dict
    update: dict
    upsert: bool = True

    @property
    def primary(self) -> bool:
        return self.kind in PRIMARY_KINDS

    def to_json(self) -> dict:
        return {"c": self.coll, "k": self.kind, "f": self.filter, "u": self.update, "up": self.upsert}

    def to_pymongo(self):
        """The ``pymongo.UpdateOne`` to send (fresh; the op's dicts are not mutated)."""
        from pymongo import UpdateOne

        return UpdateOne(self.filter, self.update, upsert=self.upsert)

    @classmethod
    def from_json(cls, obj: dict) -> "Op":
        return cls(coll=obj["c"], kind=obj["k"], filter=obj["f"], update=obj["u"], upsert=bool(obj.get("up", True)))


def count_items(ops) -> int:
    """Number of items behind ``ops`` (one primary op per item)."""
    return sum(1 for op in ops if op.primary)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write_all(fh, data: bytes) -> None:
    """Write all of ``data`` to the unbuffered file ``fh`` (short writes are
    continued); raises the ``OSError`` (``ENOSPC``, ``EIO``...) of a failed write,
    possibly after part of ``data`` was written."""
    view = memoryview(data)
    while view:
        n = fh.write(view)
        if n is None:  # pragma: no cover - non-blocking files only
            continue
        view = view[n:]


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _try_lock(fh) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class Batch:
    """A sealed, locked batch of ops: either ``ack()`` it (MongoDB stored every
    op) or ``keep()`` it (some or all ops must be sent again later).

    ``ops`` is the list of :class:`Op`; ``items`` the number of items behind
    them.  ``path`` is ``None`` once the batch left the spool.
    """

    def __init__(self, spool: "Spool", batch_id: str, path: Path, ops: list[Op], fh, *, origin: str = "new"):
        self.spool = spool
        self.id = batch_id
        self.path: Path | None = path
        self.ops = ops
        self.origin = origin  # "new" (this process, just sealed) or "replay"
        self._fh = fh

    @property
    def items(self) -> int:
        return count_items(self.ops)

    def ack(self) -> None:
        """Every op is stored: delete the file (``fsync`` of the directory) and unlock."""
        if self.path is None:
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        if self.spool.fsync:
            _fsync_dir(self.spool.directory)
        self._close()

    def keep(self, remaining: list[Op] | None = None) -> None:
        """Leave the batch in the spool and unlock it.

        With ``remaining`` (a subset of ``ops``), the file is atomically rewritten
        to hold only those ops; an empty ``remaining`` acks the batch.
        """
        if self.path is None:
            return
        if remaining is not None and len(remaining) != len(self.ops):
            if not remaining:
                self.ack()
                return
            tmp = self.path.with_name(self.path.name[: -len(SEALED_SUFFIX)] + TMP_SUFFIX)
            try:
                with open(tmp, "wb") as out:
                    out.write(self.spool._header(self.id))
                    out.write(b"".join(dumps(op.to_json()).encode("utf-8") + b"\n" for op in remaining))
                    out.flush()
                    if self.spool.fsync:
                        os.fsync(out.fileno())
                os.replace(tmp, self.path)
            except BaseException:  # e.g. disk full: the batch file keeps every op (resent: idempotent)
                _unlink_quietly(tmp)
                raise
            if self.spool.fsync:
                _fsync_dir(self.spool.directory)
            self.ops = list(remaining)
        self._close()

    release = keep

    def _close(self) -> None:
        self.path = None
        if self._fh is not None:
            self._fh.close()  # releases the flock
            self._fh = None

    def __repr__(self) -> str:
        return f"<Batch {self.id} ops={len(self.ops)} items={self.items}>"


class Segment:
    """The batch being filled by the reactor thread (``append``), then handed to
    the writer thread (``seal``).  Created lazily: no file until the first op.
    """

    def __init__(self, spool: "Spool"):
        self.spool = spool
        self.id = spool._next_id()
        self.path = spool.directory / f"{PREFIX}{self.id}{OPEN_SUFFIX}"
        self.sealed_path = spool.directory / f"{PREFIX}{self.id}{SEALED_SUFFIX}"
        self.ops: list[Op] = []
        self.items = 0
        self._fh = None
        self._size = 0  # bytes of whole lines in the file

    def __len__(self) -> int:
        return self.items

    def append(self, ops: list[Op]) -> None:
        """Append one item's ops and hand them to the OS (unbuffered; no ``fsync``).

        All or nothing: when the write fails (``OSError``: disk full, read-only or
        removed directory...), the file is cut back to its previous length -- or
        removed when this item was to be its first -- and the error is raised.
        The item is then not in the spool; the segment stays usable.
        """
        if not ops:
            return
        data = b"".join(dumps(op.to_json()).encode("utf-8") + b"\n" for op in ops)
        if self._fh is None:
            # created under a name no replayer lists, locked, then renamed: a replayer (another
            # spider of this process at open) never claims -- and acks -- it empty before its lock
            new = self.path.with_name(f".{self.path.name}.new")
            fh = open(new, "xb", buffering=0)
            try:
                _try_lock(fh)
                data = self.spool._header(self.id) + data
                _write_all(fh, data)
                os.rename(new, self.path)
            except BaseException:
                _unlink_quietly(new)  # no empty or torn segment left behind
                fh.close()
                raise
            self._fh = fh
        else:
            try:
                _write_all(self._fh, data)
            except BaseException:
                self._rollback()
                raise
        self._size += len(data)
        self.ops.extend(ops)
        self.items += count_items(ops)

    def _rollback(self) -> None:
        """Drop a partly written line (a failed append) from the end of the file."""
        try:
            os.ftruncate(self._fh.fileno(), self._size)
            self._fh.seek(self._size)
        except OSError as exc:  # pragma: no cover - truncating rarely fails; replay then rejects the torn line
            logger.warning("Spool segment %s: cannot cut a failed append (%s); the torn line will be rejected "
                           "at replay", self.path.name, exc)
            try:
                self._fh.seek(0, os.SEEK_END)
                _write_all(self._fh, b"\n")
            except OSError:
                pass

    def on_disk(self) -> bool:
        """True when the segment's file (open or sealed) exists."""
        return self.path.exists() or self.sealed_path.exists()

    def seal(self) -> Batch | None:
        """Make the segment durable (``fsync`` file, rename to ``.jsonl``, ``fsync``
        directory) and return it as a locked :class:`Batch`; ``None`` if empty."""
        if self._fh is None:
            return None
        fh, self._fh = self._fh, None
        fh.flush()
        if self.spool.fsync:
            os.fsync(fh.fileno())
        sealed = self.sealed_path
        os.replace(self.path, sealed)
        if self.spool.fsync:
            _fsync_dir(self.spool.directory)
        return Batch(self.spool, self.id, sealed, self.ops, fh, origin="new")


@dataclass
class SpoolSummary:
    """What a spool directory holds: ``batches`` files, ``items`` items, ``ops`` ops
    (``locked`` of the batches, with ``locked_items`` items and ``locked_ops``
    ops, belong to a live process)."""

    batches: int = 0
    items: int = 0
    ops: int = 0
    locked: int = 0
    locked_items: int = 0
    locked_ops: int = 0
    files: list = field(default_factory=list)


class Spool:
    """A spool directory (created if missing).  Thread-safe for the operations
    used concurrently (``new_segment`` from the reactor thread, the rest from
    the single writer thread)."""

    def __init__(self, directory: str | os.PathLike, *, fsync: bool = True):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        self._lock = threading.Lock()

    def check_writable(self) -> None:
        """Write, ``fsync`` and delete a small probe file in the spool directory; raises the
        ``OSError`` (read-only, full disk, no permission) so that a spool that cannot work
        is found at open, not after the whole crawl."""
        probe = self.directory / f".probe-{os.getpid()}-{threading.get_ident()}"
        try:
            with open(probe, "wb") as fh:
                fh.write(self._header("probe"))
                fh.flush()
                if self.fsync:
                    os.fsync(fh.fileno())
        finally:
            try:
                probe.unlink()
            except FileNotFoundError:
                pass

    # -- writing ---------------------------------------------------------------
    def _next_id(self) -> str:
        with _SEQ_LOCK:
            n = next(_SEQ)
        now = datetime.now(timezone.utc)
        return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{os.getpid()}-{n:06d}"

    def _header(self, batch_id: str) -> bytes:
        head = {"spool": SPOOL_FORMAT, "batch": batch_id, "created": datetime.now(timezone.utc), "pid": os.getpid()}
        return dumps(head).encode("utf-8") + b"\n"

    def new_segment(self) -> Segment:
        return Segment(self)

    def write_batch(self, ops: list[Op]) -> Batch | None:
        """Spool ``ops`` as one sealed batch at once (tests, benchmarks, tools)."""
        seg = self.new_segment()
        seg.append(ops)
        return seg.seal()

    def reject(self, entries: list[dict]) -> Path | None:
        """Append ``entries`` (dicts: ``reason``, ``op`` or ``document``, details)
        to ``rejected/rejected-YYYYmmdd.jsonl`` and ``fsync`` it."""
        if not entries:
            return None
        rdir = self.directory / "rejected"
        rdir.mkdir(exist_ok=True)
        now = datetime.now(timezone.utc)
        path = rdir / f"rejected-{now:%Y%m%d}.jsonl"
        data = b"".join(dumps({"at": now, **e}).encode("utf-8") + b"\n" for e in entries)
        with self._lock, open(path, "ab") as out:
            out.write(data)
            out.flush()
            if self.fsync:
                os.fsync(out.fileno())
        return path

    def rejected_entries(self) -> list[dict]:
        """Every entry of ``rejected/*.jsonl`` (oldest file first); lines that do not decode are skipped."""
        out = []
        for path in sorted((self.directory / "rejected").glob("rejected-*.jsonl")):
            for line in path.read_bytes().split(b"\n"):
                if line.strip():
                    try:
                        out.append(loads(line))
                    except ValueError:
                        continue
        return out

    def requeue_rejected(self) -> tuple[int, int]:
        """Move the refused *writes* of ``rejected/`` (entries with an ``op``) back into
        the spool as one sealed batch, to be sent again after the cause was fixed
        (``scrapy mongo-replay --rejected``).  Entries without an op (items that could not
        be turned into a write: ``naive_datetime``, ``bson_too_large``...) stay in
        ``rejected/``.  The batch is durable before the rejected files are rewritten
        (a crash in between sends a write twice: idempotent).  Returns ``(ops requeued,
        entries left in rejected/)``."""
        rdir = self.directory / "rejected"
        files = sorted(rdir.glob("rejected-*.jsonl")) if rdir.is_dir() else []
        ops, keep = [], {}
        for path in files:
            kept = []
            for line in path.read_bytes().split(b"\n"):
                if not line.strip():
                    continue
                try:
                    entry = loads(line)
                    ops.append(Op.from_json(entry["op"]))
                except (ValueError, KeyError, TypeError):
                    kept.append(line)
            keep[path] = kept
        if ops:
            self.write_batch(ops).keep()
        left = 0
        for path, kept in keep.items():
            left += len(kept)
            if not kept:
                path.unlink()
                continue
            tmp = path.with_suffix(".jsonl.tmp")
            with open(tmp, "wb") as out:
                out.write(b"".join(k + b"\n" for k in kept))
                out.flush()
                if self.fsync:
                    os.fsync(out.fileno())
            os.replace(tmp, path)
        return len(ops), left

    # -- reading -----------------------------------------------------------------
    def pending_paths(self) -> list[Path]:
        """Sealed batches and orphaned segments, oldest first (locked ones included);
        none when the directory was removed meanwhile."""
        try:
            entries = list(self.directory.iterdir())
        except FileNotFoundError:
            return []
        paths = [
            p
            for p in entries
            if p.name.startswith(PREFIX) and (p.name.endswith(SEALED_SUFFIX) or p.name.endswith(OPEN_SUFFIX))
        ]
        return sorted(paths, key=lambda p: p.name)

    def claim(self, path: Path) -> Batch | None:
        """Lock and read one spool file; ``None`` if a live process owns it or it
        is gone.  An orphaned ``.open`` segment is renamed to ``.jsonl``.  Lines
        that do not decode are moved to the rejected file (a torn last line of an
        orphaned segment -- a crash mid-append -- is dropped with a warning:
        that item had not been handed to MongoDB either)."""
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return None
        if not _try_lock(fh):
            fh.close()
            return None
        try:
            st = os.fstat(fh.fileno())
            cur = os.stat(path)
        except FileNotFoundError:
            fh.close()
            return None
        if st.st_nlink == 0 or (cur.st_ino, cur.st_dev) != (st.st_ino, st.st_dev):
            fh.close()  # acked or rewritten meanwhile
            return None
        raw = fh.read()
        name = path.name
        if name.endswith(OPEN_SUFFIX):
            batch_id = name[len(PREFIX) : -len(OPEN_SUFFIX)]
            sealed = path.with_name(f"{PREFIX}{batch_id}{SEALED_SUFFIX}")
            os.replace(path, sealed)
            path = sealed
        else:
            batch_id = name[len(PREFIX) : -len(SEALED_SUFFIX)]
        ops, bad = self._parse(raw, path)
        if bad:
            self.reject(bad)
        return Batch(self, batch_id, path, ops, fh, origin="replay")

    def _parse(self, raw: bytes, path: Path) -> tuple[list[Op], list[dict]]:
        ops: list[Op] = []
        bad: list[dict] = []
        lines = raw.split(b"\n")
        torn = lines.pop() if lines else b""  # b"" when the file ends with a newline
        for line in lines:
            if not line.strip():
                continue
            try:
                obj = loads(line)
                if "spool" in obj:
                    continue  # header
                ops.append(Op.from_json(obj))
            except Exception as exc:  # noqa: BLE001 - corrupt line: keep it for inspection
                bad.append({"reason": "spool_corrupt_line", "file": path.name, "error": repr(exc), "line": line.decode("utf-8", "replace")})
        if torn.strip():
            logger.warning("Spool file %s ends with a torn line (crash mid-append); %d bytes ignored", path.name, len(torn))
            bad.append({"reason": "spool_torn_line", "file": path.name, "line": torn.decode("utf-8", "replace")})
        return ops, bad

    def claim_all(self) -> Iterator[Batch]:
        """Claim every pending file that no live process owns, oldest first."""
        for path in self.pending_paths():
            batch = self.claim(path)
            if batch is not None:
                yield batch

    def summary(self) -> SpoolSummary:
        """Count what the spool holds (reads every pending file; never keeps a lock).

        Each file is opened, tested for its owner's lock, then read through the same
        descriptor; a file that was acknowledged (unlinked) meanwhile is not counted.
        (Reading first and testing the lock after counted a batch that another spider
        of the same process acknowledged in between as left over: exit status 4 with
        everything stored, issue 12.)"""
        out = SpoolSummary()
        for path in self.pending_paths():
            found = self._read_pending(path)
            if found is None:
                continue
            raw, locked = found
            ops, _ = self._parse_quiet(raw)
            out.batches += 1
            out.ops += len(ops)
            out.items += count_items(ops)
            out.files.append(path.name)
            if locked:
                out.locked += 1
                out.locked_items += count_items(ops)
                out.locked_ops += len(ops)
        return out

    @staticmethod
    def _read_pending(path: Path) -> tuple[bytes, bool] | None:
        """``(content, locked by a live process)`` of a pending file, or ``None`` when it
        is gone (acknowledged).  A file replaced meanwhile (a partial ``keep``) is read
        again under its name."""
        for _attempt in range(3):
            try:
                fh = open(path, "rb")
            except FileNotFoundError:
                return None
            with fh:
                locked = not _try_lock(fh)
                try:
                    linked = os.fstat(fh.fileno()).st_nlink > 0
                    raw = fh.read() if linked else b""
                finally:
                    if not locked and fcntl is not None:
                        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            if linked:
                return raw, locked
        return None

    @staticmethod
    def _parse_quiet(raw: bytes) -> tuple[list[Op], int]:
        ops, bad = [], 0
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                obj = loads(line)
            except Exception:  # noqa: BLE001
                bad += 1
                continue
            if "spool" not in obj:
                ops.append(Op.from_json(obj))
        return ops, bad
