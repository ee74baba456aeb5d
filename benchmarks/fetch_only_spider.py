"""The framework's ceiling on the loopback site: fetch the same pages, extract nothing.

Run by ``bench_crawl.py`` with ``scrapy runspider``: reads the RSS feed, requests every
article URL, and its callback only touches ``response.body``.
"""

import scrapy


class FetchOnlySpider(scrapy.Spider):
    name = "fetch_only"
    custom_settings = {"ITEM_PIPELINES": {}, "FEEDS": {}, "DOWNLOADER_MIDDLEWARES": {}}

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
        return None
