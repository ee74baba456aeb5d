"""The Jannah theme's Arabic RTL demo (https://jannah.tielabs.com/rtl/).

Its home page (saved 2022-12-09, in ``data/snapshot``) carries the exact
breaking-news markup the Thiqa site uses, so it is the reference page for the
Jannah ticker.  Demo content is proverbs, not news.
"""

from newscrawl.spiders.jannah import JannahSpider


class JannahDemoSpider(JannahSpider):
    name = "jannah_demo"
    allowed_domains = ["jannah.tielabs.com"]
    start_urls = ["https://jannah.tielabs.com/rtl/"]
    timezone = "Asia/Riyadh"
