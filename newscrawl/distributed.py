"""Distributed crawling on Redis (scrapy-redis): placeholder, see issue #8."""


class RedisAddon:
    """Scrapy add-on: switches to the scrapy-redis scheduler when ``REDIS_URL`` is set."""

    def update_settings(self, settings):
        return None
