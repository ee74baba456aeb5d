"""Item loaders: the display-cleaning step every extracted field passes through.

Input processors turn raw extracted strings into the *display form*
(:func:`newscrawl.text.arabic.display_text`: presentation forms, kashida, invisible
and bidi marks, odd spaces) and drop what is empty afterwards.  Output
processors give each field its shape (see :mod:`newscrawl.items`):
scalars take the first value, ``body`` keeps every paragraph in order,
``categories``/``tags`` keep first occurrences only, datetimes are converted to
UTC.  Non-string values (datetimes, dicts) pass the text step untouched.
"""

from __future__ import annotations

from datetime import datetime, timezone

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.text.arabic import display_text
from newscrawl.items import ArticleItem, TickerItem


def clean_text(value):
    """Display form of a string; ``None`` and strings that clean to ``""`` are dropped; other types pass."""
    if value is None:
        return None
    if isinstance(value, str):
        return display_text(value) or None
    return value


def to_utc(value):
    """Aware datetime -> the same instant in UTC.  Naive datetimes are refused (``ValueError``):
    the site's time zone must be applied by the date parser, never guessed here."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"expected datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: parse it with the site's time zone first")
    return value.astimezone(timezone.utc)


def unique(values):
    """Keep the first occurrence of each value, in order."""
    seen, out = set(), []
    for v in values:
        key = v if not isinstance(v, dict) else tuple(sorted(v.items()))
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def clean_image(value):
    if not isinstance(value, dict) or not value.get("url"):
        return None
    caption = value.get("caption")
    caption = display_text(caption) if isinstance(caption, str) else None
    return {"url": value["url"].strip(), "caption": caption or None}


class ArticleLoader(ItemLoader):
    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    body_out = Identity()
    categories_out = unique
    tags_out = unique
    images_in = MapCompose(clean_image)
    images_out = unique
    published_in = MapCompose(to_utc)
    modified_in = MapCompose(to_utc)
    crawled_at_in = MapCompose(to_utc)
    url_in = MapCompose(str.strip)
    canonical_url_in = MapCompose(str.strip)


class TickerLoader(ItemLoader):
    default_item_class = TickerItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()
    seen_at_in = MapCompose(to_utc)
    published_in = MapCompose(to_utc)
    position_in = Identity()
    url_in = MapCompose(str.strip)
