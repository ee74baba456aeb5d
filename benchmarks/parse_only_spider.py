"""The least a scraper does on the loopback site: parse each page, read one field, export it.

Run by ``bench_crawl.py`` with ``scrapy runspider`` beside the fetch-only spider: the same
pages, but every story is parsed by lxml (the selector Scrapy builds) and its ``<h1>`` text is
yielded as an item into a JSON Lines feed -- the floor under any extraction, against which
newscrawl's extra work per page can be read.
"""

import scrapy


class ParseOnlySpider(scrapy.Spider):
    name = "parse_only"
    custom_settings = {"ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}}

    def __init__(self, base=None, **kwargs):
        super().__init__(**kwargs)
        self.base = base

    async def start(self):
        yield scrapy.Request(self.base + "/rtl/", callback=self.page)
        yield scrapy.Request(self.base + "/rtl/feed/", callback=self.feed)

    def feed(self, response):
        for link in response.xpath("//item/link/text()").getall():
            yield scrapy.Request(link, callback=self.page)

    def page(self, response):
        title = response.css("h1::text").get()
        if title:
            yield {"url": response.url, "title": title.strip()}
