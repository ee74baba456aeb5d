"""The least a scraper does on the loopback site: parse each page, read one field, export it.

Run by ``bench_crawl.py`` with ``scrapy runspider`` (``PYTHONPATH`` = the project) beside the
fetch-only spider: the same pages, but every story is parsed by lxml (the selector Scrapy
builds) and its ``<h1>`` text is yielded as an item into a JSON Lines feed -- the floor under
any extraction, against which newscrawl's extra work per page can be read.
"""

from benchmarks.fetch_only_spider import FetchOnlySpider


class ParseOnlySpider(FetchOnlySpider):
    name = "parse_only"
    custom_settings = {"ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}}  # the feed stays on (-o)

    def page(self, response):
        title = response.css("h1::text").get()
        if title:
            yield {"url": response.url, "title": title.strip()}
