"""Pure text rules: Arabic normalization, dates, URLs, encodings (no Scrapy, no database)."""
