"""Item definitions.

Two item types leave the spiders:

* :class:`ArticleItem` -- one news article page.
* :class:`TickerItem`  -- one headline of a site's breaking-news strip («عاجل» / «أخبار عاجلة»).

Datetimes are ``datetime.datetime`` objects that are always timezone-aware and
expressed in UTC (``tzinfo=datetime.timezone.utc``); the site's local wall-clock
time is converted by the loaders using the spider's ``timezone``.

Match-key fields (``*_norm``) are added by
:class:`newscrawl.pipelines.normalize.ArabicNormalizationPipeline` from the display
fields; see :func:`newscrawl.text.arabic.match_key`.  The README has the schema table.
"""

import scrapy


class ArticleItem(scrapy.Item):
    url = scrapy.Field()  # str: the URL that was fetched (after redirects)
    canonical_url = scrapy.Field()  # str: newscrawl.text.urls.canonicalize() of rel=canonical/og:url/url
    site = scrapy.Field()  # str: spider name, e.g. "thiqa"
    title = scrapy.Field()  # str, display form
    published = scrapy.Field()  # datetime, aware, UTC
    published_raw = scrapy.Field()  # str: the date string as it appeared in the page
    #: str or None: "second" | "minute" | "hour" | "day" -- how much of ``published`` the page
    #: states; "day": only the date is known and ``published`` is local midnight of that day
    #: in the site's zone (converted to UTC), not a time
    published_precision = scrapy.Field()
    modified = scrapy.Field()  # datetime, aware, UTC, or None
    modified_precision = scrapy.Field()  # str or None: as published_precision, for modified
    author = scrapy.Field()  # str or None: the byline, prefix such as «كتب» removed
    agency = scrapy.Field()  # str or None: source/agency credit, e.g. «وكالة ثقة», «فرانس برس» (canonical name)
    dateline = scrapy.Field()  # str or None: the city a credit names («القاهرة» of «القاهرة - أ ش أ»)
    publisher = scrapy.Field()  # str or None: the site's display name as the page states it (og:site_name ...)
    lead = scrapy.Field()  # str or None: summary / standfirst
    body = scrapy.Field()  # list[str]: paragraphs in page order, display form
    categories = scrapy.Field()  # list[str]
    tags = scrapy.Field()  # list[str]
    images = scrapy.Field()  # list[dict]: {"url": absolute str, "caption": str|None}
    language = scrapy.Field()  # str: BCP-47 primary tag, e.g. "ar"
    crawled_at = scrapy.Field()  # datetime, aware, UTC
    extraction = scrapy.Field()  # str: "site:<parser>" or "generic"
    # match keys (normalization pipeline)
    title_norm = scrapy.Field()
    lead_norm = scrapy.Field()
    body_norm = scrapy.Field()  # str: match keys of the paragraphs joined by "\n"
    author_norm = scrapy.Field()
    agency_norm = scrapy.Field()
    categories_norm = scrapy.Field()
    tags_norm = scrapy.Field()
    # dedupe (dedupe pipeline)
    content_hash = scrapy.Field()  # str: hex SHA-1 of title_norm + body_norm
    simhash = scrapy.Field()  # int or None: 64-bit SimHash as a signed int64 (BSON-safe); None under 20 content words
    simhash_bands = scrapy.Field()  # list[int]: four 16-bit bands, high to low
    duplicate_of = scrapy.Field()  # str or None: canonical_url of the first-seen copy on another site
    duplicate_kind = scrapy.Field()  # str or None: "exact", "near" (SimHash) or "shingle" (verified MinHash LSH)
    duplicate_relation = scrapy.Field()  # str or None: "copy", "excerpt" (cut-down version) or "extended" (contains it)
    duplicate_similarity = scrapy.Field()  # float 0..1 or None: verified shingle Jaccard (copy) / containment
    lsh_keys = scrapy.Field()  # list[int] or None: MinHash LSH band keys, signed int64 (indexed, dedupe lookups)
    alias_of = scrapy.Field()  # str or None: same-site copy of this stored canonical_url (not stored, not exported)
    sh0 = scrapy.Field()  # int 0..65535 or None: simhash_bands[0] as its own indexed field (dedupe lookups)
    sh1 = scrapy.Field()  # int or None: simhash_bands[1]
    sh2 = scrapy.Field()  # int or None: simhash_bands[2]
    sh3 = scrapy.Field()  # int or None: simhash_bands[3]


class TickerItem(scrapy.Item):
    site = scrapy.Field()  # str: spider name
    headline = scrapy.Field()  # str, display form
    headline_norm = scrapy.Field()  # str, match key
    url = scrapy.Field()  # str: absolute URL of the linked story, or None
    position = scrapy.Field()  # int: 0-based order in the strip
    page_url = scrapy.Field()  # str: page the strip was read from
    seen_at = scrapy.Field()  # datetime, aware, UTC
    published = scrapy.Field()  # datetime or None: when the strip gives a time («منذ ساعة»)
    published_raw = scrapy.Field()  # str or None


TEXT_FIELDS = {
    ArticleItem: ("title", "lead", "body", "author", "agency", "categories", "tags"),
    TickerItem: ("headline",),
}
