"""Feed exporters: UTF-8 JSON with Arabic unescaped and ISO 8601 datetimes with offset.

Scrapy's ``ScrapyJSONEncoder`` writes datetimes as ``"2024-03-14 10:30:00"``
(no zone: a reader cannot tell UTC from local time, case BR-10) and, without an
encoding, escapes every Arabic letter as ``\\uXXXX`` (BR-11).  These exporters
write ``"2024-03-14T10:30:00+00:00"`` and real UTF-8 text.

They also keep feeds to the public schema of the README ("Items"): the internal
fields -- match keys (``*_norm``), ``content_hash``, ``simhash``, ``simhash_bands``,
``sh0``..``sh3``, ``alias_of``, and any item field declared ``scrapy.Field(internal=True)``
-- stay in MongoDB and are written to a feed only with
``NEWSCRAWL_FEED_INTERNAL_FIELDS = True`` (or the exporter option ``internal_fields=True``).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

from scrapy.exporters import JsonItemExporter, JsonLinesItemExporter
from scrapy.utils.serialize import ScrapyJSONEncoder


def finite(obj):
    """``(copy of obj, n)``: ``obj`` with every ``NaN``/``Infinity`` float (in dicts, lists,
    tuples) replaced by ``None``, and how many were replaced.  JSON has no such numbers:
    Python writes them as bare ``NaN``/``Infinity`` tokens that strict parsers (RFC 8259,
    ``jq``, browsers' ``JSON.parse``) reject."""
    if isinstance(obj, float):
        return (obj, 0) if math.isfinite(obj) else (None, 1)
    if isinstance(obj, dict):
        out, n = {}, 0
        for k, v in obj.items():
            out[k], m = finite(v)
            n += m
        return (out, n) if n else (obj, 0)
    if isinstance(obj, (list, tuple)):
        pairs = [finite(v) for v in obj]
        n = sum(m for _, m in pairs)
        return ([v for v, _ in pairs], n) if n else (obj, 0)
    return obj, 0


class IsoJSONEncoder(ScrapyJSONEncoder):
    """``ScrapyJSONEncoder`` with ISO 8601 datetimes (``datetime.isoformat()``, offset kept)
    and ``null`` for ``NaN``/``Infinity`` (:func:`finite`; strict JSON has no such numbers)."""

    def encode(self, o):
        return super().encode(finite(o)[0])

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return super().default(o)


def dumps(obj) -> str:
    """One JSON document, UTF-8 text (``ensure_ascii=False``), ISO datetimes."""
    return json.dumps(obj, cls=IsoJSONEncoder, ensure_ascii=False)


def public_fields(item) -> dict:
    """The item as a dict without its internal fields (see the module docstring)."""
    from newscrawl.feeds.export import is_internal_field  # newscrawl.feeds.export imports this module

    fields = getattr(item, "fields", {}) or {}
    return {k: v for k, v in dict(item).items()
            if not is_internal_field(k) and not (fields.get(k) or {}).get("internal")}


class _PublicSchemaMixin:
    """UTF-8 with Arabic unescaped and ISO datetimes; drops internal fields before export
    unless ``internal_fields`` is true.  Mixed in before a Scrapy JSON item exporter."""

    def __init__(self, file, *, internal_fields: bool = False, **kwargs):
        self.internal_fields = internal_fields
        kwargs.setdefault("encoding", "utf-8")
        super().__init__(file, **kwargs)
        self._kwargs.setdefault("ensure_ascii", False)
        self.encoder = IsoJSONEncoder(**self._kwargs)

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        kwargs.setdefault("internal_fields", crawler.settings.getbool("NEWSCRAWL_FEED_INTERNAL_FIELDS", False))
        return cls(file, **kwargs)

    def export_item(self, item):
        return super().export_item(item if self.internal_fields else public_fields(item))


class JsonLinesExporter(_PublicSchemaMixin, JsonLinesItemExporter):
    pass


class JsonExporter(_PublicSchemaMixin, JsonItemExporter):
    pass
