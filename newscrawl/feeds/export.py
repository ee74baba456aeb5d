"""Export stored articles / tickers from MongoDB as JSON Lines, JSON or JSON Feed 1.1.

Pure functions, no Scrapy process: :mod:`newscrawl.commands.export` is a thin
wrapper around them.

* :func:`iter_documents` streams documents from a collection (a pymongo cursor
  with a batch size; nothing is collected into a list), filtered by site and
  by a half-open time range ``[since, until)``.
* :func:`write_jsonl`, :func:`write_json`, :func:`write_jsonfeed` write each
  document as it comes; the JSON array and the feed are written incrementally
  (opening bracket, items separated by commas, closing bracket), so memory stays
  constant whatever the number of items.
* :func:`article_to_jsonfeed_item` / :func:`ticker_to_jsonfeed_item` map one
  stored document to a JSON Feed 1.1 item (https://jsonfeed.org/version/1.1).

Output is UTF-8 with Arabic unescaped (case BR-11) and every datetime is ISO 8601
/ RFC 3339 in UTC with its offset, ``2020-06-02T23:01:00+00:00`` (case BR-10;
a naive value read from MongoDB is UTC, since BSON dates are UTC instants).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from typing import IO, Any

from newscrawl.feeds.exporters import IsoJSONEncoder

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
KINDS = ("article", "ticker")
FORMATS = ("jsonl", "json", "jsonfeed")
DEFAULT_BATCH_SIZE = 500

# The field each kind is filtered and sorted on: an article's publication time,
# a ticker headline's last sighting in the strip.
TIME_FIELD = {"article": "published", "ticker": "last_seen"}

# Internal fields left out of jsonl/json unless ``all_fields``: the MongoDB
# ``_id``, the match keys (``*_norm``) and the dedupe fingerprints.  Known names
# are excluded in the MongoDB projection (less data on the wire); the predicate
# below also catches any other ``*_norm`` / ``simhash*`` field.
INTERNAL_FIELDS = (
    "_id",
    "title_norm",
    "lead_norm",
    "body_norm",
    "author_norm",
    "agency_norm",
    "categories_norm",
    "tags_norm",
    "headline_norm",
    "content_hash",
    "simhash",
    "simhash_bands",
    "sh0",
    "sh1",
    "sh2",
    "sh3",
    "lsh_keys",
    "alias_of",
)


def is_internal_field(name: str) -> bool:
    return name in INTERNAL_FIELDS or name.endswith("_norm") or name.startswith("simhash")


# --- time bounds ------------------------------------------------------------------


def parse_when(text: str) -> datetime:
    """Parse an ISO 8601 date or datetime given on the command line to an aware UTC datetime.

    ``2024-03-14`` -> 2024-03-14T00:00:00+00:00 (a date is UTC midnight);
    ``2024-03-14T10:30`` (no zone) -> UTC; ``2024-03-14T12:30+02:00`` / ``...Z`` ->
    converted to UTC.  Raises ``ValueError`` for anything else.
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("empty date")
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc)
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def to_utc(value: datetime) -> datetime:
    """A datetime read from MongoDB, as aware UTC (naive values are UTC: BSON dates are UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value) -> str | None:
    """RFC 3339 / ISO 8601 text with offset for a datetime; strings pass through; None -> None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- reading ---------------------------------------------------------------------------


def build_query(*, kind: str = "article", sites: Iterable[str] | None = None,
                since: datetime | None = None, until: datetime | None = None) -> dict:
    """The MongoDB filter: ``site`` in ``sites``; ``since <= TIME_FIELD < until``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    query: dict[str, Any] = {}
    sites = list(sites or [])
    if len(sites) == 1:
        query["site"] = sites[0]
    elif sites:
        query["site"] = {"$in": sites}
    rng = {}
    if since is not None:
        rng["$gte"] = to_utc(since)
    if until is not None:
        rng["$lt"] = to_utc(until)
    if rng:
        query[TIME_FIELD[kind]] = rng
    return query


def sort_for(kind: str = "article", sites: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """Newest first.  Articles filtered by site: ``[("site", 1), ("published", -1)]``, the
    order of the ``{site: 1, published: -1}`` index of the storage writer, so MongoDB
    walks the index instead of sorting (items come grouped by site, newest first
    within a site); otherwise ``[("published", -1)]``.  Tickers: always
    ``[("last_seen", -1)]`` (the ``last_seen`` index).  Documents without the time
    field sort last."""
    field = TIME_FIELD[kind]
    if sites and kind == "article":
        return [("site", 1), (field, -1)]
    return [(field, -1)]


def default_projection(all_fields: bool = False) -> dict | None:
    return None if all_fields else {name: 0 for name in INTERNAL_FIELDS}


def iter_documents(collection, *, kind: str = "article", sites: Iterable[str] | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   limit: int | None = None, all_fields: bool = False,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[dict]:
    """Yield the stored documents of ``collection`` one by one (a cursor, constant memory).

    ``sites``: site (spider) names, any of; ``since`` (inclusive) / ``until`` (exclusive)
    bound ``published`` for articles and ``last_seen`` for tickers; ``limit``: at most
    that many (None or 0: all).  Without ``all_fields`` the internal fields
    (:func:`is_internal_field`) are dropped.  Order: :func:`sort_for`.
    """
    sites = list(sites or [])
    query = build_query(kind=kind, sites=sites, since=since, until=until)
    cursor = collection.find(query, projection=default_projection(all_fields))
    cursor = cursor.sort(sort_for(kind, sites))
    if limit:
        cursor = cursor.limit(int(limit))
    if batch_size:
        cursor = cursor.batch_size(int(batch_size))
    try:
        for doc in cursor:
            if not all_fields:
                doc = {k: v for k, v in doc.items() if not is_internal_field(k)}
            yield doc
    finally:
        close = getattr(cursor, "close", None)
        if close is not None:
            close()


# --- JSON ---------------------------------------------------------------------------------


class ExportJSONEncoder(IsoJSONEncoder):
    """:class:`IsoJSONEncoder` plus: datetimes always in UTC with ``+00:00`` (naive = UTC),
    BSON ``ObjectId`` / ``Decimal128`` etc. as strings (``--all-fields`` keeps ``_id``)."""

    def default(self, o):
        if isinstance(o, datetime):
            return to_utc(o).isoformat()
        if type(o).__name__ in ("ObjectId", "Decimal128", "Timestamp", "Regex", "Code"):
            return str(o)
        return super().default(o)


_ENCODER = ExportJSONEncoder(ensure_ascii=False)


def dumps(obj) -> str:
    """One JSON value on one line: UTF-8 text (Arabic unescaped), ISO datetimes with offset."""
    return _ENCODER.encode(obj)


def write_jsonl(docs: Iterable[dict], fh: IO[str]) -> int:
    """One JSON object per line.  Returns the number written."""
    n = 0
    for doc in docs:
        fh.write(dumps(doc))
        fh.write("\n")
        n += 1
    return n


def _write_array(values: Iterable[Any], fh: IO[str]) -> int:
    """Write ``[`` value, value ... ``]`` incrementally, one value per line."""
    n = 0
    for value in values:
        fh.write(("[\n" if n == 0 else ",\n") + dumps(value))
        n += 1
    fh.write("\n]" if n else "[]")
    return n


def write_json(docs: Iterable[dict], fh: IO[str]) -> int:
    """One JSON array, written incrementally (one item per line).  Returns the number written."""
    n = _write_array(docs, fh)
    fh.write("\n")
    return n


# --- JSON Feed 1.1 ------------------------------------------------------------------------


def _unique(values: Iterable[Any]) -> list[str]:
    seen, out = set(), []
    for v in values:
        if not isinstance(v, str):
            continue
        v = v.strip()
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _urn(*parts) -> str:
    h = hashlib.sha1("\n".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"urn:sha1:{h}"


def _drop_empty(item: dict) -> dict:
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}


def article_to_jsonfeed_item(doc: dict) -> dict:
    """A stored article -> a JSON Feed 1.1 item.

    ``id``/``url``: the canonical URL (else the fetched URL); ``title``;
    ``content_text``: body paragraphs joined by a blank line (else the lead, else "",
    since an item must have content_text or content_html); ``summary``: the lead;
    ``date_published`` / ``date_modified``: RFC 3339 UTC; ``authors``: the byline and
    the agency credit as ``{"name": ...}``; ``tags``: categories then tags, unique;
    ``language``; ``image``: the first image's URL; ``_newscrawl``: ``site``,
    ``duplicate_of``, ``duplicate_kind``, ``published_raw``, ``published_precision`` /
    ``modified_precision`` (``"day"``: the date is a day, its midnight is no time), ``url`` (the fetched URL)
    and, when stored, ``republished_by`` (``[{"site", "url"}]`` of later copies).
    Empty optional members are left out.
    """
    url = doc.get("canonical_url") or doc.get("url")
    body = [p for p in (doc.get("body") or []) if isinstance(p, str) and p.strip()]
    lead = doc.get("lead") or None
    images = [im for im in (doc.get("images") or []) if isinstance(im, dict) and im.get("url")]
    authors = [{"name": n} for n in _unique([doc.get("author"), doc.get("agency")])]
    item = {
        "id": url or _urn(doc.get("site"), doc.get("title"), iso(doc.get("published"))),
        "url": url,
        "title": doc.get("title"),
        "content_text": "\n\n".join(body) if body else (lead or ""),
        "summary": lead,
        "image": images[0]["url"] if images else None,
        "date_published": iso(doc.get("published")),
        "date_modified": iso(doc.get("modified")),
        "authors": authors,
        "tags": _unique(list(doc.get("categories") or []) + list(doc.get("tags") or [])),
        "language": doc.get("language"),
    }
    item = _drop_empty(item)
    item.setdefault("content_text", "")
    item["_newscrawl"] = {
        "site": doc.get("site"),
        "duplicate_of": doc.get("duplicate_of"),
        "duplicate_kind": doc.get("duplicate_kind"),
        "duplicate_relation": doc.get("duplicate_relation"),
        "published_raw": doc.get("published_raw"),
        "published_precision": doc.get("published_precision"),
        "modified_precision": doc.get("modified_precision"),
        "url": doc.get("url"),
    }
    if doc.get("republished_by"):
        item["_newscrawl"]["republished_by"] = doc["republished_by"]
    if doc.get("revisions"):  # scrapy export --revisions
        item["_newscrawl"]["revisions"] = doc["revisions"]
    return item


def ticker_to_jsonfeed_item(doc: dict) -> dict:
    """A stored ticker headline -> a JSON Feed 1.1 item.

    ``id``: ``urn:sha1:`` of site + headline (a strip's links are not unique: several
    headlines may point at one live page); ``url``: the linked story; ``title`` and
    ``content_text``: the headline; ``date_published``: the time the strip gives, else
    ``first_seen``; ``date_modified``: ``last_seen``; ``_newscrawl``: ``site``,
    ``kind``, ``first_seen``, ``last_seen``, ``page_url``, ``position``, ``published_raw``.
    """
    headline = doc.get("headline") or ""
    item = _drop_empty({
        "id": _urn(doc.get("site"), headline),
        "url": doc.get("url"),
        "title": headline,
        "date_published": iso(doc.get("published") or doc.get("first_seen")),
        "date_modified": iso(doc.get("last_seen")),
    })
    item["content_text"] = headline
    item["_newscrawl"] = {
        "site": doc.get("site"),
        "kind": "ticker",
        "first_seen": iso(doc.get("first_seen")),
        "last_seen": iso(doc.get("last_seen")),
        "page_url": doc.get("page_url"),
        "position": doc.get("position"),
        "published_raw": doc.get("published_raw"),
    }
    return item


def write_jsonfeed(docs: Iterable[dict], fh: IO[str], *, title: str, home_page_url: str | None = None,
                   feed_url: str | None = None, description: str | None = None,
                   language: str | None = None, kind: str = "article") -> int:
    """A JSON Feed 1.1 document, written incrementally: the top-level members, then
    ``"items": [`` and each mapped item as it comes, then ``]}``.  Returns the number
    of items."""
    if not isinstance(title, str) or not title:
        raise ValueError("a JSON Feed needs a title")
    to_item = ticker_to_jsonfeed_item if kind == "ticker" else article_to_jsonfeed_item
    head = _drop_empty({
        "version": JSONFEED_VERSION,
        "title": title,
        "home_page_url": home_page_url,
        "feed_url": feed_url,
        "description": description,
        "language": language,
    })
    fh.write(dumps(head)[:-1] + ', "items": ')
    n = _write_array((to_item(doc) for doc in docs), fh)
    fh.write("}\n")
    return n


def write(fmt: str, docs: Iterable[dict], fh: IO[str], **feed_options) -> int:
    if fmt == "jsonl":
        return write_jsonl(docs, fh)
    if fmt == "json":
        return write_json(docs, fh)
    if fmt == "jsonfeed":
        return write_jsonfeed(docs, fh, **feed_options)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


# --- atomic file output -------------------------------------------------------------------


@contextmanager
def atomic_output(path: str | os.PathLike):
    """Open ``PATH.tmp`` for writing (UTF-8); on success fsync it and ``os.replace`` it onto
    ``PATH`` (readers see the old file or the whole new one, never half a file); on an
    error remove ``PATH.tmp`` and leave ``PATH`` untouched."""
    path = os.fspath(path)
    tmp = path + ".tmp"
    fh = open(tmp, "w", encoding="utf-8", newline="\n")
    try:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(tmp, path)
    except BaseException:
        fh.close()
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
