"""Log formatting: dropped items are counted, not dumped.

Scrapy logs every dropped item at WARNING with the whole item (pages of text for
an article).  Drops here are policy (duplicates, repeated ticker headlines) and
are counted in the stats (``item_dropped_reasons_count/*``, ``newscrawl/dedupe/*``,
``newscrawl/dropped/*``), so one INFO line with the reason and the URL is enough.
"""

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        url = None
        try:
            url = item.get("url") or item.get("page_url")
        except AttributeError:
            pass
        return {
            "level": logformatter.logging.INFO,
            "msg": "Dropped: %(exception)s (%(url)s)",
            "args": {"exception": exception, "url": url},
        }
