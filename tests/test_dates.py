"""Tests for newscrawl.text.dates.

* every row of tests/fixtures/dates/arabic_dates.tsv (real strings from the fixture pages);
* every expected value of the handed cases BR-07, BR-08 and BR-10;
* garbage -> None (never the current time, never a guessed part);
* the month families, number words, 12-hour markers, stated zones, machine dates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from newscrawl.text import dates
from newscrawl.text.dates import parse_date, parse_machine_date, to_utc

UTC = timezone.utc
TSV = Path(__file__).parent / "fixtures" / "dates" / "arabic_dates.tsv"

#: Zone of each fixture site (the pages' own JSON-LD offsets agree: elbaladtv +02:00 in December).
SITE_TZ = {
    "arabic.sputniknews.com": "Europe/Moscow",
    "youm7.com": "Africa/Cairo",
    "alyaum.com": "Asia/Riyadh",
    "elbaladtv.net": "Africa/Cairo",
    "assabah.com.tn": "Africa/Tunis",
    "lbcgroup.tv": "Asia/Beirut",
    "jannah.tielabs.com/rtl": "Asia/Damascus",
    "albayan.ae": "Asia/Dubai",
}


#: Numeric date order of each fixture site, where its pages print numeric dates: alyaum.com
#: prints «26 / 04 / 2020» and «22 / 03 / 2020» (day over 12 first) on the same page, and its
#: «١ / ١٢ / ٢٠٢٠» matches its machine date 2020-12-01.  Only that gives ambiguous rows an order.
SITE_DAY_FIRST = {"alyaum.com": True}


def _rows():
    lines = TSV.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["text", "expected", "source"]
    rows = []
    for line in lines[1:]:
        text, expected, source = line.split("\t")
        site = source.split(" — ")[0].strip()
        rows.append(pytest.param(text, expected, SITE_TZ[site], SITE_DAY_FIRST.get(site), id=f"{site}:{text}"))
    return rows


ROWS = _rows()


def test_tsv_has_all_rows():
    assert len(ROWS) == 37


@pytest.mark.parametrize("text,expected,tz,day_first", ROWS)
def test_tsv_row(text, expected, tz, day_first):
    zone = ZoneInfo(tz)
    now = datetime(2020, 12, 1, 12, 0, tzinfo=zone)
    got = parse_date(text, tz=tz, now=now, day_first=day_first)
    assert got is not None
    assert got.tzinfo is not None and got.utcoffset() is not None

    rel = re.fullmatch(r"-(\d+)([mh])", expected)
    if rel:
        n, unit = int(rel[1]), rel[2]
        assert now - got == (timedelta(minutes=n) if unit == "m" else timedelta(hours=n))
        assert got.tzinfo == zone
        return
    if expected.endswith("Z"):
        want = datetime.fromisoformat(expected[:-1]).replace(tzinfo=UTC)
        assert got == want
        assert got.utcoffset() == timedelta(0)
        return
    if "T" in expected:
        want = datetime.fromisoformat(expected)
    else:
        want = datetime.combine(date.fromisoformat(expected), datetime.min.time())
    # wall clock as printed, in the site's zone
    assert got.replace(tzinfo=None) == want
    assert got.tzinfo == zone
    assert got.utcoffset() == zone.utcoffset(want)


@pytest.mark.parametrize("text,expected,tz,day_first", ROWS)
def test_tsv_row_result_does_not_depend_on_now_unless_relative(text, expected, tz, day_first):
    a = parse_date(text, tz=tz, now=datetime(2020, 12, 1, 12, 0), day_first=day_first)
    b = parse_date(text, tz=tz, now=datetime(2024, 6, 1, 8, 0), day_first=day_first)
    if expected.startswith("-"):
        assert b - a == datetime(2024, 6, 1, 8, 0) - datetime(2020, 12, 1, 12, 0)
    else:
        assert a == b


# --------------------------------------------------------------------------- BR-07

BR07 = [
    ("15 أيار 2024", date(2024, 5, 15)),
    ("3 اب 2023", date(2023, 8, 3)),
    ("14 آذار 2024", date(2024, 3, 14)),
    ("15 كانون 2 2024", date(2024, 1, 15)),
    ("15 كانون 1 2024", date(2024, 12, 15)),
    ("15 تشرين 1 2023", date(2023, 10, 15)),
    ("١٥ تشرين الثاني ٢٠٢٣", date(2023, 11, 15)),
    ("15 مايو 2024", date(2024, 5, 15)),
]


@pytest.mark.parametrize("text,expected", BR07)
@pytest.mark.parametrize("tz", ["Asia/Damascus", "Asia/Beirut", "Asia/Baghdad"])
def test_br07_levantine_months(text, expected, tz):
    got = parse_date(text, tz=tz)
    assert got == datetime(expected.year, expected.month, expected.day, tzinfo=ZoneInfo(tz))


def test_dateparser_urdu_trap():
    # auto-detected, dateparser reads «آب» as Urdu and returns *now*; with the explicit locale:
    assert parse_date("15 آب 2022") == datetime(2022, 8, 15, tzinfo=ZoneInfo("Asia/Damascus"))


# --------------------------------------------------------------------------- BR-08

BR08_NOW = datetime(2024, 3, 15, 12, 0)  # site-local (naive = wall clock in tz)
BR08 = [
    ("منذ ساعة", datetime(2024, 3, 15, 11, 0)),
    ("منذ دقيقه", datetime(2024, 3, 15, 11, 59)),
    ("منذ ساعتين", datetime(2024, 3, 15, 10, 0)),
    ("قبل ٥ ساعات", datetime(2024, 3, 15, 7, 0)),
    ("منذ 10 دقائق", datetime(2024, 3, 15, 11, 50)),
    ("منذ عشر دقائق", datetime(2024, 3, 15, 11, 50)),
    ("منذ يوم", datetime(2024, 3, 14, 12, 0)),
    ("أمس", datetime(2024, 3, 14, 0, 0)),  # day precision
    ("أول أمس", datetime(2024, 3, 13, 0, 0)),  # day precision
    ("20 يوم مضت", datetime(2024, 2, 24, 12, 0)),
]


@pytest.mark.parametrize("text,expected", BR08)
@pytest.mark.parametrize("tz", ["Asia/Damascus", "Africa/Cairo"])
def test_br08_relative(text, expected, tz):
    zone = ZoneInfo(tz)
    got = parse_date(text, tz=tz, now=BR08_NOW)
    assert got == expected.replace(tzinfo=zone)
    assert got.tzinfo == zone
    # an aware `now` in another zone means the same instant
    assert parse_date(text, tz=tz, now=BR08_NOW.replace(tzinfo=zone).astimezone(UTC)) == got


NUMBER_WORDS = [
    ("منذ دقيقة", 1), ("منذ دقيقة واحدة", 1), ("منذ دقيقتين", 2), ("منذ دقيقتان", 2), ("منذ اثنتين دقائق", 2),
    ("منذ ثلاث دقائق", 3), ("منذ ثلاثة دقائق", 3), ("منذ أربع دقائق", 4), ("منذ خمس دقائق", 5),
    ("منذ ست دقائق", 6), ("منذ سبع دقائق", 7), ("منذ ثماني دقائق", 8), ("منذ تسع دقائق", 9),
    ("منذ عشرة دقائق", 10), ("منذ إحدى عشرة دقيقة", 11), ("منذ اثنتي عشرة دقيقة", 12),
    ("منذ خمس عشرة دقيقة", 15), ("منذ عشرين دقيقة", 20), ("منذ خمس وعشرين دقيقة", 25),
    ("منذ خمس و عشرين دقيقة", 25), ("منذ ثلاثين دقيقة", 30), ("منذ ۴۵ دقیقه", 45), ("قبل 40 دقيقه", 40),
    ("منذ حوالي ٣ دقائق", 3), ("منذ ساعة و 20 دقيقة", 80), ("قبل ساعة وعشر دقائق", 70),
]


@pytest.mark.parametrize("text,minutes", NUMBER_WORDS)
def test_relative_number_words_digits_and_duals(text, minutes):
    now = datetime(2024, 3, 15, 12, 0, tzinfo=ZoneInfo("Asia/Damascus"))
    assert now - parse_date(text, now=now) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text,delta", [
    ("منذ ثانيتين", timedelta(seconds=2)), ("منذ 30 ثانية", timedelta(seconds=30)),
    ("منذ يومين", timedelta(days=2)), ("منذ 3 أيام", timedelta(days=3)), ("منذ 11 يوما", timedelta(days=11)),
    ("منذ 20 يوماً", timedelta(days=20)), ("منذ أسبوع", timedelta(weeks=1)), ("منذ أسبوعين", timedelta(weeks=2)),
    ("قبل 3 أسابيع", timedelta(weeks=3)), ("نشر منذ 5 دقائق", timedelta(minutes=5)),
    ("آخر تحديث: منذ ساعة", timedelta(hours=1)), ("(منذ 17 ساعة)", timedelta(hours=17)),
    ("\u200fمنذ ساعتين\u200f", timedelta(hours=2)), ("3 ساعات مضت", timedelta(hours=3)),
])
def test_relative_units(text, delta):
    now = datetime(2024, 3, 15, 12, 0, tzinfo=ZoneInfo("Asia/Damascus"))
    assert now - parse_date(text, now=now) == delta


def test_relative_months_and_years_go_back_on_the_calendar():
    now = datetime(2024, 3, 31, 12, 0)
    z = ZoneInfo("Asia/Damascus")
    assert parse_date("منذ شهر", now=now) == datetime(2024, 2, 29, 12, 0, tzinfo=z)
    assert parse_date("منذ شهرين", now=now) == datetime(2024, 1, 31, 12, 0, tzinfo=z)
    assert parse_date("منذ 3 أشهر", now=now) == datetime(2023, 12, 31, 12, 0, tzinfo=z)
    assert parse_date("منذ سنة", now=now) == datetime(2023, 3, 31, 12, 0, tzinfo=z)
    assert parse_date("منذ عامين", now=now) == datetime(2022, 3, 31, 12, 0, tzinfo=z)


def test_relative_is_physical_time_across_dst():
    # Beirut moved clocks forward at 00:00 on 2024-03-31: 24 h before 12:00 (+03) is 11:00 (+02)
    z = ZoneInfo("Asia/Beirut")
    now = datetime(2024, 3, 31, 12, 0, tzinfo=z)
    got = parse_date("منذ 24 ساعة", tz="Asia/Beirut", now=now)
    assert to_utc(now) - to_utc(got) == timedelta(hours=24)
    assert got.replace(tzinfo=None) == datetime(2024, 3, 30, 11, 0)


@pytest.mark.parametrize("text,expected", [
    ("أمس 10:30 م", datetime(2024, 3, 14, 22, 30)),
    ("أمس الساعة 10:30 ص", datetime(2024, 3, 14, 10, 30)),
    ("يوم أمس", datetime(2024, 3, 14)),
    ("البارحة", datetime(2024, 3, 14)),
    ("أول من أمس", datetime(2024, 3, 13)),
    ("اليوم", datetime(2024, 3, 15)),
    ("اليوم، 09:15", datetime(2024, 3, 15, 9, 15)),
])
def test_day_words(text, expected):
    assert parse_date(text, now=BR08_NOW) == expected.replace(tzinfo=ZoneInfo("Asia/Damascus"))


def test_default_now_is_current_time_for_relative_only():
    before = datetime.now(UTC)
    got = parse_date("منذ ساعة")
    after = datetime.now(UTC)
    assert before - timedelta(hours=1) <= got <= after - timedelta(hours=1)


# --------------------------------------------------------------------------- BR-10

@pytest.mark.parametrize("tz,utc_hour", [("Africa/Cairo", 10), ("Asia/Amman", 9), ("Asia/Riyadh", 9)])
def test_br10_site_zone_gives_the_right_instant(tz, utc_hour):
    got = parse_date("الخميس ١٤ مارس ٢٠٢٤ - ١٢:٣٠ م", tz=tz)
    assert got.tzinfo is not None
    assert got == datetime(2024, 3, 14, utc_hour, 30, tzinfo=UTC)
    assert to_utc(got) == datetime(2024, 3, 14, utc_hour, 30, tzinfo=UTC)
    assert to_utc(got).tzinfo is UTC
    assert got.replace(tzinfo=None) == datetime(2024, 3, 14, 12, 30)
    assert got.isoformat().startswith("2024-03-14T12:30:00+0")


def test_br10_cairo_feed_value():
    got = parse_date("الخميس ١٤ مارس ٢٠٢٤ - ١٢:٣٠ م", tz="Africa/Cairo")
    assert to_utc(got).isoformat() == "2024-03-14T10:30:00+00:00"
    assert got.isoformat() == "2024-03-14T12:30:00+02:00"


def test_same_string_in_two_zones_is_not_served_from_a_shared_cache():
    a = parse_date("14 مارس 2024 12:30", tz="Africa/Cairo")
    b = parse_date("14 مارس 2024 12:30", tz="Asia/Riyadh")
    assert a - b == timedelta(hours=1)


@pytest.mark.parametrize("text,tz,offset", [
    ("15 تموز 2023 10:00", "Asia/Beirut", 3),
    ("15 كانون الثاني 2024 10:00", "Asia/Beirut", 2),
    ("22 آذار 2020 12:05", "Asia/Damascus", 2),  # Syria still had DST in 2020
    ("12 نيسان 2020 12:05", "Asia/Damascus", 3),
    ("12 نيسان 2024 12:05", "Asia/Damascus", 3),  # permanent +03 since late 2022
])
def test_wall_clock_follows_the_zone_rules(text, tz, offset):
    assert parse_date(text, tz=tz).utcoffset() == timedelta(hours=offset)


def test_to_utc_refuses_naive_and_non_datetimes():
    with pytest.raises(ValueError):
        to_utc(datetime(2024, 3, 14, 12, 30))
    with pytest.raises(TypeError):
        to_utc(date(2024, 3, 14))
    with pytest.raises(TypeError):
        to_utc("2024-03-14")


# --------------------------------------------------------------------------- garbage -> None

GARBAGE = [
    "", " ", "\u200f", "عاجل", "زر الذهاب إلى الأعلى", "15 آب", "2022", "آذار 2024", "مارس (آذار) 2011",
    "هذا نص عشوائي عن الحكومة", "قتل 15 شخصا وأصيب 3 في 2022", "منذ ساعات", "منذ بضع دقائق",
    "قبل 3 أيام من الانتخابات", "1441 هـ", "12:30", "الساعة 10:30 م",
    "من 3 مايو 2020 إلى 5 يونيو 2021", "17 مارس/ نيسان 2020", "31 فبراير 2020", "23:61 14 مارس 2024",
    "الخميس 14 مارس 2099", "14 مارس 1850", "1608854400", "20201225", "5 12 2020", "الاثنين", "اقرأ أيضا",
    "17:27 +03:00 GMT 17.03.2020",
    "أعلنت الحكومة اليوم في بيان رسمي صدر بتاريخ 14 مارس 2024 أن الوزير سيزور العاصمة الأسبوع المقبل",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_none_never_now(text):
    assert parse_date(text, now=BR08_NOW) is None
    assert parse_date(text) is None


def test_none_input_and_type_errors():
    assert parse_date(None) is None
    assert parse_machine_date(None) is None
    for fn in (parse_date, parse_machine_date):
        with pytest.raises(TypeError):
            fn(b"2020-06-03")
        with pytest.raises(TypeError):
            fn(20200603)


def test_unknown_zone_raises():
    with pytest.raises(ZoneInfoNotFoundError):
        parse_date("15 أيار 2024", tz="Mars/Olympus")


# --------------------------------------------------------------------------- month families

MONTH_VARIANTS = {
    1: ["يناير", "كانون الثاني", "كانون ثاني", "كانون 2", "ك2", "جانفي", "January", "Jan"],
    2: ["فبراير", "شباط", "فيفري", "Feb"],
    3: ["مارس", "آذار", "اذار", "مارس/ آذار", "آذار/مارس", "مارس (آذار)"],
    4: ["أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "April"],
    5: ["مايو", "أيار", "ايار", "ماي", "أيار/مايو", "مايو - أيار"],
    6: ["يونيو", "يونيه", "حزيران", "جوان"],
    7: ["يوليو", "يوليه", "تموز", "جويلية", "يوليوز"],
    8: ["أغسطس", "اغسطس", "آب", "اب", "أوت", "غشت"],
    9: ["سبتمبر", "أيلول", "ايلول", "شتنبر", "Sept"],
    10: ["أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول", "تشرين 1", "تشرين1", "ت1"],
    11: ["نوفمبر", "تشرين الثاني", "تشرين 2", "نونبر"],
    12: ["ديسمبر", "كانون الأول", "كانون الاول", "كانون 1", "دجنبر", "December"],
}


@pytest.mark.parametrize("month,name", [(m, n) for m, names in MONTH_VARIANTS.items() for n in names])
def test_month_name_families(month, name):
    z = ZoneInfo("Asia/Damascus")
    assert parse_date(f"7 {name} 2021") == datetime(2021, month, 7, tzinfo=z)
    assert parse_date(f"{name} 7, 2021") == datetime(2021, month, 7, tzinfo=z)


@pytest.mark.parametrize("text,expected", [
    ("2020/12/25 - 1:59 صباحًا", datetime(2020, 12, 25, 1, 59)),
    ("2020/12/25 1:59 مساءً", datetime(2020, 12, 25, 13, 59)),
    ("2020/12/25 1:59 مساء", datetime(2020, 12, 25, 13, 59)),
    ("14 مارس 2024 12:30 ص", datetime(2024, 3, 14, 0, 30)),
    ("14 مارس 2024 12:30 م", datetime(2024, 3, 14, 12, 30)),
    ("14 مارس 2024 21:06 م", datetime(2024, 3, 14, 21, 6)),
    ("14 مارس 2024 2:15 ظهرا", datetime(2024, 3, 14, 14, 15)),
    ("25 December 2020 10:00 PM", datetime(2020, 12, 25, 22, 0)),
    ("25 ديسمبر 2020م", datetime(2020, 12, 25)),
    ("25 ديسمبر 2020 م 10:00 م", datetime(2020, 12, 25, 22, 0)),
    ("١٤‏/٣‏/٢٠٢٤", datetime(2024, 3, 14)),
    ("۱۴ مارس ۲۰۲۴", datetime(2024, 3, 14)),
    ("14-03-2024", datetime(2024, 3, 14)),
    ("2024.03.14", datetime(2024, 3, 14)),
    ("14/05/2020", datetime(2020, 5, 14)),  # day first: 14 is no month
    ("يوم الخميس الموافق 14 مارس 2024", datetime(2024, 3, 14)),
    ("نشر في: الخميس، 14 مارس 2024 - 10:05", datetime(2024, 3, 14, 10, 5)),
    ("٢٩ رجب ١٤٤٥ هـ الموافق ١٠ فبراير ٢٠٢٤ م", datetime(2024, 2, 10)),
    ("\uFEFB" + " 15 أيار 2024", datetime(2024, 5, 15)),  # presentation-form noise around it
])
def test_absolute_formats(text, expected):
    assert parse_date(text) == expected.replace(tzinfo=ZoneInfo("Asia/Damascus"))


@pytest.mark.parametrize("text,expected", [
    ("GMT 17:27 17.03.2020", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    ("UTC 17:27 17.03.2020", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    ("GMT+3 17:27 17.03.2020", datetime(2020, 3, 17, 14, 27, tzinfo=UTC)),
    ("17:27 (ت.غ) 17.03.2020", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    ("الساعة 17:27 بتوقيت غرينتش 17 مارس 2020", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    ("10:30+03:00 17.03.2020", datetime(2020, 3, 17, 7, 30, tzinfo=UTC)),
    ("2020-06-03T03:01+0400", datetime(2020, 6, 2, 23, 1, tzinfo=UTC)),
])
def test_zone_stated_on_the_page_wins_over_site_zone(text, expected):
    got = parse_date(text, tz="Africa/Cairo")
    assert got == expected
    assert got.tzinfo != ZoneInfo("Africa/Cairo")


# --------------------------------------------------------------------------- machine dates

@pytest.mark.parametrize("text,expected", [
    ("2020-06-03T03:01+0400", datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4)))),
    ("2020-06-03T03:01:00+04:00", datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4)))),
    ("2020-06-03T03:01+04", datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4)))),
    ("2020-12-25T01:59:50+02:00", datetime(2020, 12, 25, 1, 59, 50, tzinfo=timezone(timedelta(hours=2)))),
    ("2020-03-17T17:27Z", datetime(2020, 3, 17, 17, 27, tzinfo=UTC)),
    ("2020-03-17T17:27:00.123456789Z", datetime(2020, 3, 17, 17, 27, 0, 123456, tzinfo=UTC)),
    ("2020-06-03T10:00:00 GMT", datetime(2020, 6, 3, 10, 0, tzinfo=UTC)),
    ("2020-06-03T03:01:00-05:30", datetime(2020, 6, 3, 3, 1, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("Wed, 03 Jun 2020 03:01:00 +0400", datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4)))),
    ("Wed, 03 Jun 2020 03:01:00 -0000", datetime(2020, 6, 3, 3, 1, tzinfo=UTC)),
    ("20200603T030100Z", datetime(2020, 6, 3, 3, 1, tzinfo=UTC)),
])
def test_machine_dates_with_offset_keep_the_instant_and_offset(text, expected):
    got = parse_machine_date(text, tz="Asia/Damascus")
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text,expected", [
    ("2020-12-01 02:00:00", datetime(2020, 12, 1, 2, 0)),
    ("2020-03-17T17:27", datetime(2020, 3, 17, 17, 27)),
    ("2020-06-03", datetime(2020, 6, 3)),
    (" \u200f2020-06-03\u200f ", datetime(2020, 6, 3)),
])
@pytest.mark.parametrize("tz", ["Asia/Riyadh", "Asia/Dubai", "Africa/Cairo"])
def test_machine_dates_without_offset_are_wall_clock_in_tz(text, expected, tz):
    got = parse_machine_date(text, tz=tz)
    assert got == expected.replace(tzinfo=ZoneInfo(tz))
    assert got.tzinfo == ZoneInfo(tz)


@pytest.mark.parametrize("text", [
    "", "garbage", "2020-13-01", "2020-06-31", "2020-06-03T25:00", "2020-06-03T03:01+25:00",
    "0001-01-01T00:00:00", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z",
    "الخميس 14 مارس 2024",
])
def test_machine_garbage_is_none(text):
    assert parse_machine_date(text) is None


def test_cache_off_gives_the_same_results():
    cached = [parse_date(p.values[0], tz=p.values[2], now=BR08_NOW, day_first=p.values[3]) for p in ROWS]
    dates.CACHE_PARSES = False
    try:
        uncached = [parse_date(p.values[0], tz=p.values[2], now=BR08_NOW, day_first=p.values[3]) for p in ROWS]
    finally:
        dates.CACHE_PARSES = True
    assert uncached == cached
    assert None not in cached


@pytest.mark.parametrize("text,expected", [
    ("15 كانون2 2024", date(2024, 1, 15)),
    ("15 كانونالثاني 2024", date(2024, 1, 15)),
    ("15 تشرين   الاول 2023", date(2023, 10, 15)),
    ("15 ك 2 2024", date(2024, 1, 15)),
    ("15 DEC 2021", date(2021, 12, 15)),
    ("2 ماي 2021", date(2021, 5, 2)),
    ("2 مايو 2021", date(2021, 5, 2)),
    ("2 أبريل 2021", date(2021, 4, 2)),
    ("2 آب 2021", date(2021, 8, 2)),
])
def test_month_spelling_and_spacing_variants(text, expected):
    assert parse_date(text) == datetime(expected.year, expected.month, expected.day, tzinfo=ZoneInfo("Asia/Damascus"))


# --------------------------------------------------------------------------- issue 19 / issue 11.3: readings

from newscrawl.text.dates import DateReading, read_date, read_machine_date  # noqa: E402

#: a Thursday, wall clock in Damascus
THU = datetime(2024, 3, 14, 12, 0, tzinfo=ZoneInfo("Asia/Damascus"))


def _read(text, **kw):
    kw.setdefault("tz", "Asia/Damascus")
    kw.setdefault("now", THU)
    return read_date(text, **kw)


@pytest.mark.parametrize("text,order,expected", [
    ("01/11/1987", True, date(1987, 11, 1)),
    ("01/11/1987", False, date(1987, 1, 11)),
    ("04/05/2020", True, date(2020, 5, 4)),
    ("04/05/2020", False, date(2020, 4, 5)),
])
def test_ambiguous_numeric_date_follows_the_site_order(text, order, expected):
    r = _read(text, day_first=order)
    assert r.value.date() == expected and not r.ambiguous and r.precision == "day"


@pytest.mark.parametrize("text", ["01/11/1987", "04/05/2020", "الخميس 1 / 11 / 2018 03:45", "01/11/87", "1.11.2018 10:30"])
def test_ambiguous_numeric_date_without_a_basis_is_marked_not_picked(text):
    r = _read(text, tz="Asia/Riyadh")
    assert r.ambiguous
    # the two readings swap day and month
    assert (r.value.day, r.value.month) == (r.alternative.month, r.alternative.day) != (r.value.month, r.value.day)
    assert parse_date(text) is None  # the plain API never returns a guessed order


def test_ambiguous_candidates_are_both_readings():
    r = _read("01/11/1987")
    assert (r.value.date(), r.alternative.date()) == (date(1987, 11, 1), date(1987, 1, 11))


@pytest.mark.parametrize("text,expected", [
    ("01/13/1987", date(1987, 1, 13)),  # 13 is no month: month first, whatever the site order
    ("13/01/1987", date(1987, 1, 13)),
    ("05/05/2020", date(2020, 5, 5)),  # both orders agree
    ("2020/04/05", date(2020, 4, 5)),  # year first is always y/m/d
])
def test_unambiguous_numeric_dates(text, expected):
    r = _read(text)
    assert r.value.date() == expected and not r.ambiguous


@pytest.mark.parametrize("text,expected", [
    # alyaum.com sidebar strings: the weekday fits only one order
    ("الاحد 12 / 04 / 2020 21:29", datetime(2020, 4, 12, 21, 29)),  # not Fri 4 Dec
    ("الاثنين 4 / 05 / 2020 12:49", datetime(2020, 5, 4, 12, 49)),  # not Sun 5 Apr
    ("٠٢:٠٠ الثلاثاء ١ / ١٢ / ٢٠٢٠", datetime(2020, 12, 1, 2, 0)),  # not Sun 12 Jan
])
def test_a_weekday_settles_the_order(text, expected):
    r = _read(text, tz="Asia/Riyadh")
    assert not r.ambiguous and r.value.replace(tzinfo=None) == expected and r.precision == "minute"


def test_a_weekday_that_fits_both_orders_settles_nothing():
    # 1 Nov 2018 and 11 Jan 2018 were both Thursdays
    assert _read("الخميس 1 / 11 / 2018 03:45", tz="Asia/Riyadh").ambiguous


@pytest.mark.parametrize("text,expected,precision", [
    ("اليوم عند الساعة 10:30", datetime(2024, 3, 14, 10, 30), "minute"),
    ("أمس على الساعة 18:05", datetime(2024, 3, 13, 18, 5), "minute"),
    ("الأمس", datetime(2024, 3, 13), "day"),
    ("قبل يوم أمس", datetime(2024, 3, 12), "day"),
    ("اليوم السابق", datetime(2024, 3, 13), "day"),
    ("الأحد الماضي الساعة 9:00", datetime(2024, 3, 10, 9, 0), "minute"),
    ("الخميس الماضي", datetime(2024, 3, 7), "day"),  # today is Thursday: a week ago
    ("امبارح", datetime(2024, 3, 13), "day"),
    ("اول امبارح", datetime(2024, 3, 12), "day"),
    ("النهاردة", datetime(2024, 3, 14), "day"),
    ("النهاردة 10:30 م", datetime(2024, 3, 14, 22, 30), "minute"),
    ("الآن", datetime(2024, 3, 14, 12, 0), "minute"),
    ("الان", datetime(2024, 3, 14, 12, 0), "minute"),
    ("حالا", datetime(2024, 3, 14, 12, 0), "minute"),
    ("منذ سنتين و3 أشهر", datetime(2021, 12, 14, 12, 0), "day"),
    ("منذ ساعتين و 5 دقائق", datetime(2024, 3, 14, 9, 55), "minute"),
    ("منذ ساعتين", datetime(2024, 3, 14, 10, 0), "hour"),
    ("20 hours ago", datetime(2024, 3, 13, 16, 0), "hour"),
])
def test_calendar_phrasing_and_relative_precision(text, expected, precision):
    r = _read(text)
    assert r.value.replace(tzinfo=None) == expected and r.precision == precision


@pytest.mark.parametrize("text,expected", [
    ("11/ينا/1987", date(1987, 1, 11)),
    ("يونـ 11, 1987", date(1987, 6, 11)),
    ("3 فبر 2020", date(2020, 2, 3)),
    ("12 جانـ 2021", date(2021, 1, 12)),
    ("5 فيفـ 2021", date(2021, 2, 5)),
    ("20 شتنـ 2020", date(2020, 9, 20)),
    ("3 نونـ 2020", date(2020, 11, 3)),
    ("25 دجنـ 2020", date(2020, 12, 25)),
    ("15 شتمبر 2020", date(2020, 9, 15)),
    ("25 دجمبر 2020", date(2020, 12, 25)),
])
def test_abbreviated_and_mauritanian_months(text, expected):
    r = _read(text)
    assert r.value.date() == expected and r.precision == "day"


@pytest.mark.parametrize("text", ["حرف النون 3 مرات في 2020", "جان 2020"])
def test_an_abbreviation_is_a_month_only_next_to_a_day(text):
    assert _read(text) is None


@pytest.mark.parametrize("text,expected", [
    ("14 مارس 2024 الساعة الواحدة ظهرا", datetime(2024, 3, 14, 13, 0)),
    ("14 مارس 2024 الساعة الثامنة وعشرين دقيقة مساءً", datetime(2024, 3, 14, 20, 20)),
    ("14 مارس 2024 الساعة العاشرة والنصف صباحا", datetime(2024, 3, 14, 10, 30)),
    ("14 مارس 2024 الساعة الخامسة إلا ربعا مساء", datetime(2024, 3, 14, 16, 45)),
])
def test_times_in_words(text, expected):
    r = _read(text)
    assert r.value.replace(tzinfo=None) == expected and r.precision == "minute"


@pytest.mark.parametrize("text,expected,precision", [
    ("السبت / 29 / جمادى الآخرة / 1439 هـ", datetime(2018, 3, 17), "day"),  # a Saturday indeed
    ("14-09-1432 هـ, 09:40 صباحاً", datetime(2011, 8, 14, 9, 40), "minute"),
    ("13 شعبان 1410 هـ", datetime(1990, 3, 10), "day"),
    ("11 شوال 1441هـ", datetime(2020, 6, 3), "day"),  # albayan.ae prints it beside 03 يونيو 2020
    ("1445/09/15 هـ", datetime(2024, 3, 25), "day"),
])
def test_hijri_only_dates_umm_al_qura(text, expected, precision):
    r = _read(text)
    assert r.value.replace(tzinfo=None) == expected and r.precision == precision


def test_hijri_before_the_umm_al_qura_table_is_none():
    # 11 Muharram 1285 = 1868: historical text, outside hijridate's 1343-1500 AH and the
    # 1900 bound of publication dates -- never an approximate value
    assert _read("يوم الأثنين 11 محرم سنة 1285هـ") is None


def test_hijri_beside_gregorian_keeps_the_gregorian_date():
    r = _read("11 شوال 1441هـ - 03 يونيو 2020م", tz="Asia/Dubai")
    assert r.value.date() == date(2020, 6, 3) and r.precision == "day"


@pytest.mark.parametrize("text,expected,precision", [
    ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", datetime(2020, 10, 7, 12, 9), "minute"),
    ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", datetime(2020, 4, 24, 21, 22), "minute"),
    ("March 3, 2024 10:15 am", datetime(2024, 3, 3, 10, 15), "minute"),
    ("أكتوبر 25, 2016", datetime(2016, 10, 25), "day"),
])
def test_visible_date_lines(text, expected, precision):
    r = _read(text)
    assert r.value.replace(tzinfo=None) == expected and r.precision == precision


@pytest.mark.parametrize("text,precision", [
    ("2020-06-03", "day"),
    ("2020-03-17T17:27", "minute"),
    ("2020-03-17T17:27:41Z", "second"),
    ("2020-06-03T03:01+0400", "minute"),
    ("Wed, 03 Jun 2020 03:01:00 +0400", "second"),
])
def test_machine_date_precision(text, precision):
    r = read_machine_date(text, tz="Asia/Dubai")
    assert isinstance(r, DateReading) and r.precision == precision and r.raw == text


def test_day_only_machine_date_is_midnight_only_with_day_precision():
    r = read_machine_date("2019-02-08", tz="Africa/Tunis")
    assert r.value == datetime(2019, 2, 8, tzinfo=ZoneInfo("Africa/Tunis")) and r.precision == "day"


@pytest.mark.parametrize("text,expected", [
    ("آخر تحديث 14:00 (GMT+0400)", (14, 0, None, timezone(timedelta(hours=4)))),
    ("10:30 م", (22, 30, None, None)),
    ("الساعة الواحدة ظهرا", (13, 0, None, None)),
    ("12:42", (12, 42, None, None)),  # lbcgroup.tv prints the time in its own span
])
def test_read_time_alone(text, expected):
    assert dates.read_time(text) == expected


@pytest.mark.parametrize("text", ["2026-01-08", "قبل 12 دقيقة", "14 مارس 2024 10:00", "25:00", "10:30 و 11:00", None])
def test_read_time_refuses_dates_and_non_times(text):
    assert dates.read_time(text) is None
