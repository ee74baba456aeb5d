"""Arabic normalization pipeline: adds the match keys (``*_norm`` fields).

For every text field listed in :data:`newscrawl.items.TEXT_FIELDS` the pipeline
sets ``<field>_norm`` = :func:`newscrawl.text.arabic.match_key` of the display value
(lists give lists, except ``body``, whose paragraphs' keys are joined with
``"\\n"`` into one string for hashing and search).  The display fields
themselves are not touched: they were cleaned by the item loaders and are what
readers see.  An item without its required display field (``title``/``body``
for articles, ``headline`` for tickers) is dropped with the counted reason
``newscrawl/dropped/empty_<field>``.  A ``NaN``/``Infinity`` float anywhere in an item
becomes ``None`` (counted as ``newscrawl/values/non_finite_nulled``): JSON has no such
numbers, and no field of ours holds one by right.
"""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.text.arabic import display_text, match_key
from newscrawl.feeds.exporters import finite
from newscrawl.items import TEXT_FIELDS, ArticleItem, TickerItem

REQUIRED = {ArticleItem: ("title", "body"), TickerItem: ("headline",)}


class ArabicNormalizationPipeline:
    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        fields = TEXT_FIELDS.get(type(item))
        if fields is None:
            return item
        adapter = ItemAdapter(item)
        for name in list(adapter.keys()):
            value, replaced = finite(adapter[name])
            if replaced:  # no number in an item is NaN/Infinity by right: null, counted
                adapter[name] = value
                if self.stats is not None:
                    self.stats.inc_value("newscrawl/values/non_finite_nulled", replaced)
        for name in REQUIRED[type(item)]:
            if not adapter.get(name):
                if self.stats is not None:
                    self.stats.inc_value(f"newscrawl/dropped/empty_{name}")
                raise DropItem(f"empty {name}: {adapter.get('url') or adapter.get('page_url')}")
        for name in fields:
            value = adapter.get(name)
            if value is None:
                continue
            if isinstance(value, str):
                value = display_text(value)  # idempotent; guards items built without the loaders
                adapter[name] = value
                adapter[f"{name}_norm"] = match_key(value)
            elif name == "body":
                adapter[f"{name}_norm"] = "\n".join(k for k in (match_key(p) for p in value) if k)
            else:
                adapter[f"{name}_norm"] = [match_key(v) for v in value]
        return item
