"""The Nassau Guardian (Bahamas): WordPress + Jannah, in English.

Its Jannah breaking-news strip is labelled "TRENDING" (``span.breaking-title-text``),
not «عاجل» / "Breaking News": the Jannah ticker CSS reads it all the same.  The only
visible article date is relative («20 hours ago»); the machine dates carry the
offset.  Markup: :mod:`newscrawl.extractors.jannah`.
"""

from newscrawl.spiders.jannah import JannahSpider


class NassauGuardianSpider(JannahSpider):
    name = "thenassauguardian"
    allowed_domains = ["thenassauguardian.com"]
    start_urls = ["https://thenassauguardian.com/"]
    timezone = "America/Nassau"
    language = "en"
