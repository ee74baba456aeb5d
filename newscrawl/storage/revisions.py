"""Revisions of a story: when a stored article changes on a later crawl, the
previous version is kept.

:class:`RevisionTracker` is called by :class:`~newscrawl.storage.writer.MongoWriter`
just before a bulk write of article upserts (the writer's one hook).  It reads
the stored versions of the batch's articles (one ``find`` with ``$in`` on
``canonical_url``), compares each with the version being written, and for every
article that changed:

1. upserts one document into the ``revisions`` collection (setting
   ``MONGO_REVISIONS_COLLECTION``), keyed by ``(canonical_url, seen_at)``::

       {canonical_url, site,
        revision:      1, 2, ...  (the n-th change seen),
        seen_at:       datetime, UTC -- crawl time of the NEW version (when the change was seen),
        previous_seen: datetime, UTC -- last crawl that still saw the previous version,
        changed:       ["title", "body", ...]  (in the order of TRACKED_FIELDS),
        stealth:       bool -- text changed but ``modified`` is stated and unchanged,
        previous:      {field: value of the PREVIOUS version, display form, for the changed fields}}

2. adds ``$set: {revision_count: n, last_changed: seen_at}`` to the article's
   upsert.  A newly stored article gets ``revision_count: 0, last_changed: null``.

Compared fields (:data:`TRACKED_FIELDS`): ``title``, ``lead``, ``body``,
``author``, ``agency``, ``published``, ``modified``, ``images``.  Text is compared
by its match key (:func:`newscrawl.text.arabic.match_key`): a change of tashkeel,
kashida, hamza/alef spelling, invisible marks or spacing alone is *not* an edit
(the stored display form is still updated to the latest); a changed, added or
removed word is.  ``body`` is compared paragraph by paragraph (empty keys
skipped); dates at BSON precision (milliseconds, UTC); ``images`` by URL and
caption key.  Only the fields the new version carries are compared (a field the
item does not set is not overwritten, so it did not change).

Idempotent like every storage op: a batch sent twice finds the new version
already stored the second time and records nothing; a revision written before a
failed article write is upserted again, not duplicated.  An item older than the
stored version (a spool batch replayed after a newer crawl) is not compared and
does not overwrite the newer stored fields: only its ``first_seen``/``last_seen``
bounds are applied (stat ``revisions/out_of_order``).  A read error the writer would retry
(transient, :func:`~newscrawl.storage.writer.is_transient`) is raised so the whole
batch is retried; any other failure of the tracking is logged and counted
(``revisions/errors/<Exception>``) and the articles are still written.

Counts (``newscrawl/mongo/...``): ``revisions/recorded``, ``revisions/stealth``,
``revisions/field/<field>``, ``revisions/out_of_order``, ``revisions/errors/<Exc>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.errors import PyMongoError

from newscrawl.text.arabic import match_key

logger = logging.getLogger(__name__)

UTC = timezone.utc
TRACKED_FIELDS = ("title", "lead", "body", "author", "agency", "published", "modified", "images")
TEXT_FIELDS = frozenset({"title", "lead", "author", "agency"})
DATE_FIELDS = frozenset({"published", "modified"})
#: fields of the article document the tracker reads
PROJECTION = {f: 1 for f in (*TRACKED_FIELDS, "canonical_url", "site", "last_seen", "revision_count")}


# --------------------------------------------------------------------------- comparison
def _key(text: Any) -> str | None:
    if not isinstance(text, str):
        return None if text is None else match_key(str(text)) or None
    return match_key(text) or None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:  # pymongo without tz_aware: BSON datetimes are UTC
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)  # BSON keeps milliseconds


def comparable(field: str, value: Any) -> Any:
    """The form of ``value`` that :func:`changed_fields` compares: match keys for
    text (``None`` for empty), a tuple of non-empty paragraph keys for ``body``,
    UTC milliseconds for dates, ``((url, caption key), ...)`` for ``images``."""
    if field in TEXT_FIELDS:
        return _key(value)
    if field == "body":
        if not isinstance(value, (list, tuple)):
            value = [] if value is None else [value]
        return tuple(k for k in (_key(p) for p in value) if k)
    if field in DATE_FIELDS:
        return _date(value)
    if field == "images":
        out = []
        for img in value or ():
            if isinstance(img, dict):
                out.append((img.get("url"), _key(img.get("caption"))))
            else:
                out.append((str(img), None))
        return tuple(out)
    return value


def changed_fields(stored: dict, new: dict) -> list[str]:
    """The :data:`TRACKED_FIELDS` that ``new`` (the ``$set`` of the upsert) sets
    to something else than ``stored`` has, compared by :func:`comparable`."""
    return [f for f in TRACKED_FIELDS if f in new and comparable(f, stored.get(f)) != comparable(f, new[f])]


def is_stealth(stored: dict, new: dict, changed: list[str]) -> bool:
    """A stealth edit: title, lead, body, author or agency changed while the page
    states a ``modified`` date and it did not change."""
    text_changed = any(f in changed for f in ("title", "lead", "body", "author", "agency"))
    return text_changed and "modified" not in changed and _date(new.get("modified", stored.get("modified"))) is not None


# --------------------------------------------------------------------------- tracker
class RevisionTracker:
    """Keeps previous versions of articles in ``db[collection]`` (see the module
    docstring).  ``db`` is a pymongo ``Database`` (or a compatible double)."""

    def __init__(self, db, collection: str = "revisions"):
        self.db = db
        self.name = collection
        self._indexes_ready = False
        self._errors_logged = 0

    @property
    def collection(self):
        return self.db[self.name]

    def ensure_indexes(self) -> None:
        """Unique ``(canonical_url, seen_at)`` (idempotent revision upserts, the
        history of one story in order) and ``seen_at`` (recent edits)."""
        self.collection.create_indexes([
            IndexModel([("canonical_url", ASCENDING), ("seen_at", ASCENDING)], unique=True),
            IndexModel([("seen_at", ASCENDING)]),
        ])
        self._indexes_ready = True

    def requests_for(self, articles, ops: list, counts: Counter) -> list:
        """The pymongo requests for the article upserts ``ops`` (same order and
        length as ``ops``), after recording the revisions they make.  ``articles``
        is the articles collection.  Raises the transient ``PyMongoError`` the
        writer retries; other failures are counted and the plain requests returned."""
        from newscrawl.storage.writer import is_transient  # the writer imports this module

        plain = [op.to_pymongo() for op in ops]
        try:
            return self._requests(articles, ops, counts)
        except PyMongoError as exc:
            if is_transient(exc):
                raise
            self._error(exc, counts)
        except Exception as exc:  # noqa: BLE001 - a tracking failure must not stop storage
            self._error(exc, counts)
        return plain

    def _error(self, exc: BaseException, counts: Counter) -> None:
        counts[f"revisions/errors/{type(exc).__name__}"] += 1
        self._errors_logged += 1
        (logger.error if self._errors_logged <= 3 else logger.debug)(
            "Revisions not recorded for a batch (%s: %s); the articles are stored all the same",
            type(exc).__name__, str(exc)[:300])

    def _requests(self, articles, ops: list, counts: Counter) -> list:
        urls = [op.filter.get("canonical_url") for op in ops]
        stored: dict[str, dict] = {}
        wanted = [u for u in urls if isinstance(u, str)]
        if wanted:
            for doc in articles.find({"canonical_url": {"$in": wanted}}, PROJECTION):
                stored[doc["canonical_url"]] = doc
        revisions: list[UpdateOne] = []
        out = []
        for op, url in zip(ops, urls):
            update = {k: (dict(v) if isinstance(v, dict) else v) for k, v in op.update.items()}
            new = update.get("$set") or {}
            seen = (update.get("$max") or {}).get("last_seen")
            old = stored.get(url) if isinstance(url, str) else None
            if old is None:
                if isinstance(url, str):
                    update.setdefault("$setOnInsert", {}).update({"revision_count": 0, "last_changed": None})
                    stored[url] = {"canonical_url": url, **new, "last_seen": seen, "revision_count": 0}
            else:
                old_seen = _date(old.get("last_seen"))
                if seen is not None and old_seen is not None and _date(seen) < old_seen:
                    # an older observation (a spooled batch sent after a newer crawl) must not
                    # overwrite the newer stored version: only first_seen/last_seen are applied
                    counts["revisions/out_of_order"] += 1
                    update.pop("$set", None)
                    update.pop("$unset", None)
                else:
                    changed = changed_fields(old, new)
                    if changed:
                        number = int(old.get("revision_count") or 0) + 1
                        stealth = is_stealth(old, new, changed)
                        revisions.append(UpdateOne(
                            {"canonical_url": url, "seen_at": seen},
                            {"$setOnInsert": {
                                "site": new.get("site", old.get("site")),
                                "revision": number,
                                "previous_seen": old.get("last_seen"),
                                "changed": changed,
                                "stealth": stealth,
                                "previous": {f: old.get(f) for f in changed},
                            }},
                            upsert=True,
                        ))
                        update.setdefault("$set", {}).update({"revision_count": number, "last_changed": seen})
                        counts["revisions/recorded"] += 1
                        counts["revisions/stealth"] += int(stealth)
                        for f in changed:
                            counts[f"revisions/field/{f}"] += 1
                        old = {**old, **new, "revision_count": number}
                    old["last_seen"] = seen if seen is not None else old.get("last_seen")
                    stored[url] = old
            out.append(UpdateOne(op.filter, update, upsert=op.upsert))
        if revisions:
            if not self._indexes_ready:
                self.ensure_indexes()
            self.collection.bulk_write(revisions, ordered=True)
        return out


# --------------------------------------------------------------------------- history
def history(db, canonical_url: str, *, articles: str = "articles", revisions: str = "revisions") -> list[dict]:
    """Every known version of one story, oldest first: ``[{"version": 0, "seen_from":
    datetime | None, "seen_until": datetime | None, "changed": [...], "stealth": bool,
    <tracked field>: value, ...}, ...]``; the last one is the stored document.
    Version ``k`` holds, for each tracked field, the ``previous`` value of the
    first later revision that changed it, else the stored value.  ``[]`` when the
    story is not stored.  ``seen_from`` of version 0 is the document's
    ``first_seen``; ``seen_until`` is the ``previous_seen`` of the revision that
    replaced it (``last_seen`` for the current version)."""
    doc = db[articles].find_one({"canonical_url": canonical_url})
    if doc is None:
        return []
    revs = list(db[revisions].find({"canonical_url": canonical_url}).sort("seen_at", ASCENDING))
    versions = []
    for k in range(len(revs) + 1):
        version: dict[str, Any] = {"version": k}
        for f in TRACKED_FIELDS:
            value = doc.get(f)
            for rev in revs[k:]:
                if f in (rev.get("previous") or {}):
                    value = rev["previous"][f]
                    break
            version[f] = value
        version["seen_from"] = doc.get("first_seen") if k == 0 else revs[k - 1].get("seen_at")
        version["seen_until"] = revs[k].get("previous_seen") if k < len(revs) else doc.get("last_seen")
        version["changed"] = list(revs[k - 1].get("changed") or []) if k else []
        version["stealth"] = bool(revs[k - 1].get("stealth")) if k else False
        versions.append(version)
    return versions


def body_diff(old: Iterable[str] | None, new: Iterable[str] | None) -> dict[str, list[str]]:
    """Paragraphs ``removed`` from ``old`` and ``added`` in ``new`` (display form),
    matched by match key in order (:class:`difflib.SequenceMatcher`): a paragraph
    whose only change is tashkeel is neither."""
    import difflib

    old, new = list(old or []), list(new or [])
    a, b = [_key(p) or "" for p in old], [_key(p) or "" for p in new]
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            removed += [p for p, k in zip(old[i1:i2], a[i1:i2]) if k]
        if tag in ("insert", "replace"):
            added += [p for p, k in zip(new[j1:j2], b[j1:j2]) if k]
    return {"removed": removed, "added": added}


def attach_revisions(docs: Iterable[dict], collection, *, chunk: int = 200) -> Iterable[dict]:
    """Yield ``docs`` (stored articles) each with ``revisions``: its revision
    documents, oldest first, without ``_id`` / ``canonical_url`` (``[]`` for a story
    never edited).  One ``$in`` query per ``chunk`` documents (memory: one chunk)."""
    batch: list[dict] = []

    def flush():
        urls = [d.get("canonical_url") for d in batch if d.get("canonical_url")]
        found: dict[str, list[dict]] = {u: [] for u in urls}
        if urls:
            cursor = collection.find({"canonical_url": {"$in": urls}}, {"_id": 0}).sort(
                [("canonical_url", ASCENDING), ("seen_at", ASCENDING)])
            for rev in cursor:
                found.setdefault(rev.pop("canonical_url"), []).append(rev)
        for d in batch:
            d["revisions"] = found.get(d.get("canonical_url"), [])
        return batch

    for doc in docs:
        batch.append(doc)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
