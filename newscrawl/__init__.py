"""newscrawl: a Scrapy project that crawls Arabic news sites.

Layout (one concern per package):

* ``newscrawl.spiders``    -- fetch and route (one spider per site, shared bases per markup family)
* ``newscrawl.extractors`` -- turn a response into fields (page objects, testable without a network)
* ``newscrawl.loaders``    -- item loaders: clean fields into the display form
* ``newscrawl.pipelines``  -- normalize -> dedupe -> store
* ``newscrawl.text.arabic`` / ``newscrawl.text.dates`` / ``newscrawl.text.urls`` -- the Arabic text, date and URL rules
* ``newscrawl.storage``    -- MongoDB client, durable spool
"""

__version__ = "0.1.0"
