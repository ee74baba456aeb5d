"""Al Bayan (البيان), Dubai.  Markup: :mod:`newscrawl.extractors.sites.albayan`."""

from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.sites.albayan import AlbayanArticlePage
from newscrawl.spiders.base import NewsSpider


class AlbayanSpider(NewsSpider):
    name = "albayan"
    allowed_domains = ["albayan.ae"]
    start_urls = ["https://www.albayan.ae/"]
    timezone = "Asia/Dubai"
    article_pages = (AlbayanArticlePage,)
    fallback_page = GenericArticlePage
    # article URLs end in /<YYYY-MM-DD>-1.<id>
    article_link_css = 'a[href*="/20"][href*="-1."]'
    listing_link_css = "ul.menu a"
