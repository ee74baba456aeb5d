"""Date parsing for Arabic news pages.

Readings (value + precision):

``read_date(s, *, tz, now, day_first)``
    A date as printed on a page («الإثنين، 24 أغسطس 2020 09:23 ص»,
    «15 كانون 2 2024», «منذ ساعتين», «GMT 17:27 17.03.2020», «13 شعبان 1410 هـ»)
    -> :class:`DateReading` (aware ``value``, ``precision`` second/minute/hour/day,
    ``raw``, ``ambiguous`` + ``alternative`` for a d/m vs m/d date nothing settled).
``read_machine_date(s, *, tz)``
    A machine-readable value from JSON-LD, ``<meta>`` or ``<time datetime>``
    (ISO 8601 with or without offset, RFC 2822 from feeds) -> :class:`DateReading`.
``read_time(s)``
    A time of day printed alone («آخر تحديث 14:00 (GMT+0400)»).

Values only, for callers that need no precision: ``parse_date`` and
``parse_machine_date`` (a day comes back as midnight; an ambiguous date as
``None``), and ``to_utc(dt)`` (an aware datetime in UTC; refuses naive values).

``None`` means "this string does not state a date": the parsers never fall back to
the current time, never guess a missing year and never pick a numeric day/month
order without a basis.

Design: absolute dates go through dateparser 1.5 with an explicit locale
(``ar-SY``: it knows both the Levantine and the Egyptian month names) and
language detection switched off -- auto-detection reads «15 آب 2022» as Urdu
and returns *now*.  In front of it sits a small pre-normaliser for what
dateparser misses or gets wrong (see ``_prepare_absolute``).  Relative
times («منذ ساعة», «قبل ٥ ساعات», «أمس») are parsed here with a table of
our own, because dateparser 1.5 misses singular/dual nouns without a
number, number words and «أول أمس» (handed case BR-08), and the arithmetic
is simple and exact.
"""

from __future__ import annotations

import calendar
import email.utils
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from newscrawl.text.arabic import strip_tashkeel

__all__ = ["DateReading", "read_date", "read_machine_date", "read_time", "parse_date", "parse_machine_date", "to_utc", "DEFAULT_TZ", "DATEPARSER_SETTINGS", "DATEPARSER_LOCALES"]

UTC = timezone.utc
DEFAULT_TZ = "Asia/Damascus"

#: dateparser configuration used for absolute dates.  The string handed to
#: dateparser has already been reduced to digits, separators and one
#: canonical month name, with no zone and 24-hour times, so:
#: * ``REQUIRE_PARTS`` day+month+year: «15 آب» or «2022» alone are *not* dates
#:   (dateparser would otherwise fill in the missing parts from today);
#: * ``PARSERS`` = absolute-time only: no timestamps (a bare 10-digit number
#:   is not a visible date), no relative parser (ours is exact), no
#:   "no-spaces-time" digit soup;
#: * ``DATE_ORDER`` DMY: every Arabic locale writes day/month/year; ISO
#:   year-first strings are still recognised by their 4-digit year;
#: * ``RETURN_AS_TIMEZONE_AWARE`` False: the zone is attached here with
#:   zoneinfo (the site's zone, or the offset the page states).
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_LOCALE_DATE_ORDER": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["absolute-time"],
    "PREFER_DATES_FROM": "past",
}
DATEPARSER_LOCALES = ["ar-SY"]

#: Parsed absolute strings are cached (the key is the pre-normalised string,
#: which does not depend on tz or now).  Set to False to measure uncached.
CACHE_PARSES = True

_MIN_YEAR = 1900


# ---------------------------------------------------------------------------
# Text preparation shared by relative and absolute parsing
# ---------------------------------------------------------------------------

# Folding used only for *matching* date words: digits to ASCII, alef/yeh/teh
# marbuta variants folded (so ايار/أيار/إيار all match), Arabic comma to ','.
_FOLD = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
        "\u0649": "\u064A", "\u0629": "\u0647", "\u06CC": "\u064A", "\u06BE": "\u0647",  # ھ: cp1256 byte 0xAA
        "\u060C": ",", "\u061B": ";", "\u066B": ".", "\u066C": ",",
    }
)


def _clean(s: str) -> str:
    # display_text (bidi marks, NBSP, presentation forms) + tashkeel/tatweel
    # removal («صباحًا» -> «صباحا», «1441هـ» -> «1441ه»), then the folding above.
    return strip_tashkeel(s).translate(_FOLD)


_AR = "\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF"  # Arabic letters (after cleaning)
_NOT_AR_BEFORE = f"(?<![{_AR}])"
_NOT_AR_AFTER = f"(?![{_AR}])"


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# ---------------------------------------------------------------------------
# Relative times (our own table; see module docstring)
# ---------------------------------------------------------------------------

# unit word (folded) -> (unit, count implied by the noun alone or None)
_UNITS = {
    "ثانيه": ("s", 1), "ثواني": ("s", None), "ثوان": ("s", None), "ثانيتين": ("s", 2), "ثانيتان": ("s", 2),
    "دقيقه": ("m", 1), "دقائق": ("m", None), "دقايق": ("m", None), "دقيقتين": ("m", 2), "دقيقتان": ("m", 2),
    "ساعه": ("h", 1), "ساعات": ("h", None), "ساعتين": ("h", 2), "ساعتان": ("h", 2),
    "يوم": ("d", 1), "يوما": ("d", None), "ايام": ("d", None), "يومين": ("d", 2), "يومان": ("d", 2),
    "اسبوع": ("w", 1), "اسبوعا": ("w", None), "اسابيع": ("w", None), "اسبوعين": ("w", 2), "اسبوعان": ("w", 2),
    "شهر": ("M", 1), "شهرا": ("M", None), "اشهر": ("M", None), "شهور": ("M", None), "شهرين": ("M", 2), "شهران": ("M", 2),
    "سنه": ("Y", 1), "سنوات": ("Y", None), "سنين": ("Y", None), "سنتين": ("Y", 2), "سنتان": ("Y", 2),
    "عام": ("Y", 1), "عاما": ("Y", None), "اعوام": ("Y", None), "عامين": ("Y", 2), "عامان": ("Y", 2),
}
_ONES = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1,
    "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
}
_TENS = {
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40,
    "خمسين": 50, "خمسون": 50, "ستين": 60, "ستون": 60,
}
_ONE = f"(?:{_alt(_ONES)})"
_TEN = "(?:عشره|عشر)"
_TENS_RE = f"(?:{_alt(_TENS)})"
_NUM = rf"(?:\d{{1,3}}|{_ONE}\s+و\s*{_TENS_RE}|{_ONE}\s+{_TEN}|{_TENS_RE}|{_ONE}|{_TEN})"
_UNIT = f"(?:{_alt(_UNITS)})"


def _comp(i: int) -> str:
    """One «[number] unit [واحد]» component, groups n<i> and u<i>."""
    return rf"(?:(?P<n{i}>{_NUM})\s+)?(?P<u{i}>{_UNIT})(?:\s+(?:واحده|واحد))?"


_BODY = _comp(1) + rf"(?:\s*(?:,\s*)?و\s*{_comp(2)})?" + rf"(?:\s*(?:,\s*)?و\s*{_comp(3)})?"
_LABEL = r"(?:[^\d:]{1,30}:\s*|(?:تم\s+)?(?:نشر|نشرت|النشر|اخر\s+تحديث|تحديث|محدث|محدثه)\s+)?"
_APPROX = r"(?:(?:حوالي|نحو|قرابه|اكثر\s+من|اقل\s+من)\s+)?"
_AGO_RE = re.compile(rf"^{_LABEL}(?:منذ|قبل)\s+{_APPROX}{_BODY}(?:\s+تقريبا)?$")
_PAST_RE = re.compile(rf"^{_LABEL}{_BODY}\s+(?:مضت|مضي|مضين|خلت|فاتت|سابقه|ماضيه)$")

_AMPM_WORDS = {
    "ص": "am", "صباحا": "am", "صباح": "am", "الصباح": "am", "فجرا": "am", "الفجر": "am",
    "م": "pm", "مساء": "pm", "مساءا": "pm", "المساء": "pm", "ظهرا": "pm", "الظهر": "pm", "عصرا": "pm", "العصر": "pm",
}
_AMPM_ALT = _alt(_AMPM_WORDS) + "|am|pm|a\\.m\\.|p\\.m\\."
#: day words (folded) -> days back from today.  «اليوم السابق» (the previous day) is
#: yesterday when it stands alone as a date line; «امبارح» / «النهارده» are Egyptian
#: and Levantine colloquial.
_DAY_WORDS = {
    "اليوم": 0, "النهارده": 0, "النهاردا": 0,
    "امس": 1, "الامس": 1, "البارحه": 1, "امبارح": 1, "مبارح": 1, "اليوم السابق": 1,
    "اول امس": 2, "اول من امس": 2, "قبل امس": 2, "قبل يوم امس": 2, "اول امبارح": 2,
}
_DAY_ALT = _alt(_DAY_WORDS).replace(r"\ ", r"\s+")
#: «عند الساعة 10:30», «على الساعة 18:05», «الساعة 9:00», «- 10:30 م»
_AT_TIME = (
    rf"(?:\s*[,\-]?\s*(?:(?:عند|علي|في)\s+)?(?:الساعه\s*)?(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})\s*(?P<ap>{_AMPM_ALT})?)?"
)
_DAYWORD_RE = re.compile(rf"^{_LABEL}(?:يوم\s+)?(?P<w>{_DAY_ALT}){_AT_TIME}$", re.IGNORECASE)
#: weekday names (folded; Monday = 0 as in ``date.weekday()``)
_WEEKDAYS = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_WEEKDAY_RE = re.compile(rf"(?<![{_AR}a-z])(?:{_alt(_WEEKDAYS)})(?![{_AR}a-z])", re.IGNORECASE)
#: «الأحد الماضي الساعة 9:00»: the last such weekday before today
_LAST_WEEKDAY_RE = re.compile(
    rf"^{_LABEL}(?:يوم\s+)?(?P<wd>{_alt(k for k in _WEEKDAYS if not k.isascii())})\s+(?:الماضي|الفائت|المنصرم|السابق){_AT_TIME}$"
)
#: «الآن» / «حالا» / "just now": the reference time itself
_NOW_RE = re.compile(r"^(?:الان|حالا|الحين|now|just\s+now)$", re.IGNORECASE)
#: English relative times as English-language pages print them ("20 hours ago")
_EN_UNITS = {"second": "s", "sec": "s", "minute": "m", "min": "m", "hour": "h", "hr": "h", "day": "d", "week": "w", "month": "M", "year": "Y"}
_EN_AGO_RE = re.compile(r"^(?P<n>\d{1,3}|an?|one)\s+(?P<u>second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago$", re.IGNORECASE)
#: precision of a relative reading by its smallest unit
_UNIT_PRECISION = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "day", "M": "day", "Y": "day"}


def _number(text: str | None, unit_word: str) -> int | None:
    try:
        return _number_or_raise(text, unit_word)
    except KeyError:
        return None


def _number_or_raise(text: str | None, unit_word: str) -> int | None:
    if not text:
        return _UNITS[unit_word][1]
    text = " ".join(text.split())
    if text.isdigit():
        return int(text)
    if text in _ONES:
        return _ONES[text]
    if text in _TENS:
        return _TENS[text]
    if text in ("عشر", "عشره"):
        return 10
    parts = text.split(" ")
    if len(parts) == 2 and parts[1] in ("عشر", "عشره"):
        return _ONES[parts[0]] + 10
    if len(parts) >= 2:  # «خمس وعشرين» / «خمس و عشرين»
        tens = parts[-1][1:] if parts[-1].startswith("و") and parts[-1] != "و" else parts[-1]
        return _ONES[parts[0]] + _TENS[tens]
    return None


def _minus_months(local: datetime, n: int) -> datetime:
    y, m = divmod(local.month - 1 - n, 12)
    y += local.year
    m += 1
    return local.replace(year=y, month=m, day=min(local.day, calendar.monthrange(y, m)[1]))


def _relative(text: str, zone: ZoneInfo, now: datetime | None):
    """Return ``(aware datetime, precision)``, None (matched but not a usable
    value) or ``_NO_MATCH`` when ``text`` is not a relative expression."""
    text = text.strip(" .,;:-|()[]«»\"'")
    if _NOW_RE.match(text):
        return _reference(zone, now).replace(second=0, microsecond=0), "minute"
    m = _DAYWORD_RE.match(text)
    if m is not None:
        ref = _reference(zone, now)
        days = _DAY_WORDS[" ".join(m["w"].split())]
        return _at_time((ref - timedelta(days=days)).date(), m, zone)
    m = _LAST_WEEKDAY_RE.match(text)
    if m is not None:
        ref = _reference(zone, now)
        back = (ref.weekday() - _WEEKDAYS[m["wd"]]) % 7 or 7
        return _at_time((ref - timedelta(days=back)).date(), m, zone)

    m = _EN_AGO_RE.match(text)
    if m is not None:
        n = m["n"].lower()
        count = int(n) if n.isdigit() else 1
        unit = _EN_UNITS[m["u"].lower()]
        parts = [(unit, count)]
    else:
        m = _AGO_RE.match(text) or _PAST_RE.match(text)
        if m is None:
            return _NO_MATCH
        parts = []
        for i in (1, 2, 3):
            unit_word = m.groupdict().get(f"u{i}")
            if unit_word is None:
                continue
            n = _number(m[f"n{i}"], unit_word)
            if n is None:  # «منذ ساعات»: hours ago, but how many?
                return None
            parts.append((_UNITS[unit_word][0], n))
    ref = _reference(zone, now)
    total = timedelta(0)
    months = 0
    for unit, n in parts:
        if unit == "M":
            months += n
        elif unit == "Y":
            months += 12 * n
        else:
            total += timedelta(**{_TIMEDELTA_ARG[unit]: n})
    # elapsed time is physical time: subtract in UTC, show in the site's zone
    result = (ref.astimezone(UTC) - total).astimezone(zone)
    if months:
        local = _minus_months(result.replace(tzinfo=None), months)
        result = local.replace(tzinfo=zone)
    order = "smhdwMY"
    finest = min((u for u, _ in parts), key=order.index)
    return result, _UNIT_PRECISION[finest]


def _at_time(day, m, zone):
    """``(datetime, precision)`` for a day word / weekday match with an optional «الساعة h:mm»."""
    if m["h"] is None:
        return datetime(day.year, day.month, day.day, tzinfo=zone), "day"
    hour = _to_24h(int(m["h"]), m["ap"])
    minute = int(m["mi"])
    if hour is None or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone), "minute"


_NO_MATCH = object()
_TIMEDELTA_ARG = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _reference(zone: ZoneInfo, now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None or now.utcoffset() is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _is_am(marker: str) -> bool:
    marker = marker.lower()
    return _AMPM_WORDS.get(marker, marker[:1]) in ("am", "a")


def _to_24h(hour: int, ampm: str | None) -> int | None:
    if hour > 23:
        return None
    if not ampm:
        return hour
    if hour == 0 or hour > 12:  # «21:06 م»: already 24-hour, marker redundant
        return hour
    if _is_am(ampm):
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


# ---------------------------------------------------------------------------
# Absolute dates: pre-normaliser in front of dateparser
# ---------------------------------------------------------------------------

# Month names by month number, folded spelling (see _FOLD).  Families:
# Egyptian/Gulf transliterations, Levantine/Iraqi (Syriac) names, Maghrebi
# (Tunisia/Algeria: French-derived), Moroccan, English.
_MONTHS = {
    1: ["يناير", "كانون الثاني", "كانون ثاني", "كانون 2", "كانون2", "ك2", "ك 2", "جانفي", "january", "jan"],
    2: ["فبراير", "شباط", "فيفري", "فبرير", "february", "feb"],
    3: ["مارس", "اذار", "march", "mar"],
    4: ["ابريل", "افريل", "نيسان", "april", "apr"],
    5: ["مايو", "ماي", "ايار", "may"],
    6: ["يونيو", "يونيه", "حزيران", "جوان", "june", "jun"],
    7: ["يوليو", "يوليه", "يوليوز", "تموز", "جويليه", "july", "jul"],
    8: ["اغسطس", "اغشت", "غشت", "اب", "اوت", "august", "aug"],
    9: ["سبتمبر", "شتنبر", "شتمبر", "ايلول", "september", "sept", "sep"],
    10: ["اكتوبر", "تشرين الاول", "تشرين اول", "تشرين 1", "تشرين1", "ت1", "ت 1", "october", "oct"],
    11: ["نوفمبر", "نونبر", "تشرين الثاني", "تشرين ثاني", "تشرين 2", "تشرين2", "ت2", "ت 2", "november", "nov"],
    12: ["ديسمبر", "دجنبر", "دجمبر", "كانون الاول", "كانون اول", "كانون 1", "كانون1", "ك1", "ك 1", "december", "dec"],
}
#: What dateparser's ar-SY locale is given for each month.
_CANONICAL_MONTH = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
_MONTH_OF = {"".join(v.split()): k for k, vs in _MONTHS.items() for v in vs}  # keys without spaces


def _month_pattern(word: str) -> str:
    p = re.escape(word).replace(r"\ ", r"\s*")
    # «كانون 2 2024»: the ordinal digit must not be the start of the year
    return p + r"(?!\d)" if word[-1].isdigit() else p


# longest first, so «مايو» wins over «ماي» and «ابريل» over «اب»
_MONTH_ALT = "|".join(sorted((_month_pattern(w) for vs in _MONTHS.values() for w in vs), key=len, reverse=True))
#: Abbreviated month names as date formatters print them («11/ينا/1987», «يونـ 11, 1987»,
#: Maghrebi «جانـ/فيفـ/شتنـ/نونـ/دجنـ»; the tatweel is gone after cleaning).  Several are
#: also ordinary words (نون, جان, مار), so an abbreviation counts only right next to a
#: number («11/ينا/1987», «يون 11»).
_MONTH_ABBREVIATIONS = {
    1: ["ينا", "جان"], 2: ["فبر", "فيف"], 3: ["مار"], 4: ["ابر", "افر"], 6: ["يون", "جوا"],
    7: ["يول", "جوي"], 8: ["اغس"], 9: ["شتن"], 10: ["اكت"], 11: ["نوف", "نون"], 12: ["ديس", "دجن"],
}
_MONTH_OF.update({w: k for k, ws in _MONTH_ABBREVIATIONS.items() for w in ws})
_ABBR_ALT = _alt(w for ws in _MONTH_ABBREVIATIONS.values() for w in ws)
_MONTH_RE = re.compile(
    rf"(?<![{_AR}a-z])(?P<m>{_MONTH_ALT})(?![{_AR}a-z])"
    rf"|(?<![{_AR}a-z])(?<=\d[\s/.\-])(?P<a1>{_ABBR_ALT})(?![{_AR}a-z])"
    rf"|(?<![{_AR}a-z])(?<=\d)(?P<a2>{_ABBR_ALT})(?![{_AR}a-z])"
    rf"|(?<![{_AR}a-z])(?P<a3>{_ABBR_ALT})(?=\s?[/.\-]?\s?\d)",
    re.IGNORECASE,
)


def _month_number(m: re.Match) -> int:
    word = m["m"] or m["a1"] or m["a2"] or m["a3"]
    return _MONTH_OF["".join(word.lower().split())]
_PH0 = 0xE000  # private-use placeholders: month n -> chr(_PH0 + n)
_PH_CLASS = f"[{chr(_PH0 + 1)}-{chr(_PH0 + 12)}]"
# «مارس/ آذار», «أيار/مايو», «مارس (آذار)», «مايو - أيار»: the same month twice
_DUAL_RE = re.compile(rf"({_PH_CLASS})\s*[/(\-]\s*({_PH_CLASS})\s*\)?")

_HIJRI_MONTHS = [
    "محرم", "صفر", "ربيع الاول", "ربيع اول", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني",
    "جمادي الاولي", "جمادي الاول", "جمادي الثانيه", "جمادي الاخره", "جمادي الثاني", "جمادي الاخر",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعده", "ذي القعده", "ذو الحجه", "ذي الحجه",
]
_HIJRI_MONTH_OF = {
    "محرم": 1, "صفر": 2, "ربيعالاول": 3, "ربيعاول": 3, "ربيعالثاني": 4, "ربيعالاخر": 4, "ربيعثاني": 4,
    "جماديالاولي": 5, "جماديالاول": 5, "جماديالثانيه": 6, "جماديالاخره": 6, "جماديالثاني": 6, "جماديالاخر": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذوالقعده": 11, "ذيالقعده": 11, "ذوالحجه": 12, "ذيالحجه": 12,
}
_HIJRI_ALT = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in sorted(_HIJRI_MONTHS, key=len, reverse=True))
_HIJRI_SUFFIX = rf"(?:هجريه|هجري|للهجره|ه){_NOT_AR_AFTER}"
#: A full Hijri date: «29 / جمادى الآخرة / 1439 هـ», «11 محرم سنة 1285هـ», «13 شعبان 1410 هـ»
#: (month name: the suffix is optional) or «14-09-1432 هـ», «1432/09/14هـ» (digits: the
#: suffix is required -- without it the numbers are a Gregorian date).
_HIJRI_DATE_RE = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s*[/\-.,]?\s*(?P<mn>{_HIJRI_ALT})\s*[/\-.,]?\s*(?:سنه\s+|عام\s+)?(?P<y>\d{{4}})(?!\d)\s*(?:{_HIJRI_SUFFIX})?"
    rf"|(?<!\d)(?P<d2>\d{{1,2}})\s*(?P<s2>[/\-.])\s*(?P<m2>\d{{1,2}})\s*(?P=s2)\s*(?P<y2>\d{{4}})\s*{_HIJRI_SUFFIX}"
    rf"|(?<!\d)(?P<y3>\d{{4}})\s*(?P<s3>[/\-.])\s*(?P<m3>\d{{1,2}})\s*(?P=s3)\s*(?P<d3>\d{{1,2}})\s*{_HIJRI_SUFFIX}"
)
_HIJRI_RE = re.compile(
    rf"\d{{1,2}}\s*(?:{_HIJRI_ALT})"
    rf"\s*,?\s*\d{{3,4}}\s*(?:ه{_NOT_AR_AFTER})?"
    rf"|(?<!\d)\d{{3,4}}\s*ه{_NOT_AR_AFTER}"
)
# «2020م»: Gregorian-year suffix (not the PM marker: a time is never 4 digits)
_GREG_YEAR_RE = re.compile(rf"(?<![\d:])(\d{{4}})\s*م{_NOT_AR_AFTER}")

# Zone stated on the page
_ZONE_WORD_RE = re.compile(
    r"(?<![A-Za-z])(?:GMT|UTC)(?:\s*(?P<sign>[+-])\s*(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?)?(?![A-Za-z])"
    rf"|\(?\s*{_NOT_AR_BEFORE}ت\s*\.?\s*غ\s*\.?\s*\)?(?=\s|$)"
    rf"|(?:بتوقيت\s+|توقيت\s+)?(?:غرينتش|جرينتش|غرينيتش|جرينيتش){_NOT_AR_AFTER}",
    re.IGNORECASE,
)
_TIME_OFFSET_RE = re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*(?:(Z)|(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2}))(?![\d])")

_AMPM_RE = re.compile(rf"(?<![{_AR}a-z])(?:{_AMPM_ALT})(?![{_AR}a-z])", re.IGNORECASE)
_AM, _PM = "\uE020", "\uE021"
_TIME_AP_RE = re.compile(rf"(?<!\d)(\d{{1,2}}):(\d{{2}})(:\d{{2}})?\s*([{_AM}{_PM}])")
_WORD_RE = re.compile(r"[^\W\d_]+")  # letter runs (Arabic or Latin); placeholders are not letters
_JUNK_RE = re.compile(rf"[^\d\s/.:\-,{chr(_PH0 + 1)}-{chr(_PH0 + 12)}]")
_LOOSE_SEP_RE = re.compile(r"(?:(?<=\s)|^)[,:\-.]+(?=\s|$)")
_NUMERIC_DATE_RE = re.compile(r"\d{1,4}\s*([/.\-])\s*\d{1,2}\s*\1\s*\d{1,4}")
_YEAR4_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MAX_DROPPED_WORDS = 6


def _stated_zone(text: str):
    """Remove a zone the page states; return (text, tzinfo or None, conflict)."""
    zones = []

    def word(m):  # GMT / UTC (+offset), «ت.غ», «بتوقيت غرينتش»
        zones.append(_offset(m["sign"], m["hh"], m["mm"]))
        return " "

    def attached(m):
        zones.append(UTC if m.group(2) else _offset(m["sign"], m["hh"], m["mm"]))
        return m.group(1)

    text = _ZONE_WORD_RE.sub(word, text)
    text = _TIME_OFFSET_RE.sub(attached, text)
    if not zones:
        return text, None, False
    if any(z is None for z in zones) or len({z.utcoffset(None) for z in zones}) > 1:
        return text, None, True
    return text, zones[0], False


def _offset(sign, hh, mm):
    if sign is None:
        return UTC
    h, mi = int(hh), int(mm or 0)
    if h > 14 or mi > 59:
        return None
    delta = timedelta(hours=h, minutes=mi)
    return timezone(-delta if sign == "-" else delta) if delta else UTC


# Times written in words: «الساعة الواحدة ظهرا», «الساعة الثامنة وعشرين دقيقة مساءً»,
# «الساعة العاشرة والنصف», «الساعة الخامسة إلا ربعا».
_HOUR_WORDS = {
    "الواحده": 1, "الثانيه": 2, "الثالثه": 3, "الرابعه": 4, "الخامسه": 5, "السادسه": 6, "السابعه": 7,
    "الثامنه": 8, "التاسعه": 9, "العاشره": 10, "الحاديه عشره": 11, "الحاديه عشر": 11,
    "الثانيه عشره": 12, "الثانيه عشر": 12,
}
_FRACTIONS = {"النصف": 30, "نصف": 30, "الربع": 15, "ربع": 15, "ربعا": 15, "الثلث": 20, "ثلث": 20, "ثلثا": 20}
_WORD_TIME_RE = re.compile(
    rf"(?<![{_AR}])الساعه\s+(?P<h>{_alt(_HOUR_WORDS).replace(chr(92) + ' ', chr(92) + 's+')}|\d{{1,2}})(?![{_AR}\d:])"
    rf"(?:\s+و\s*(?P<frac>{_alt(_FRACTIONS)})(?![{_AR}])"
    rf"|\s+الا\s+(?P<less>{_alt(_FRACTIONS)})(?![{_AR}])"
    rf"|\s+و\s*(?P<mins>{_NUM})(?:\s+(?:دقيقه|دقائق|دقايق))?(?![{_AR}]))?"
)


def _word_time(m: re.Match) -> str:
    h = m["h"]
    hour = int(h) if h.isdigit() else _HOUR_WORDS[" ".join(h.split())]
    minute = 0
    if m["frac"]:
        minute = _FRACTIONS[m["frac"]]
    elif m["less"]:
        hour, minute = (hour - 1) % 12 or 12, 60 - _FRACTIONS[m["less"]]
    elif m["mins"]:
        n = _number(m["mins"], "دقيقه")
        if n is None or n > 59:
            return m.group()
        minute = n
    if hour > 23:
        return m.group()
    return f" {hour}:{minute:02d} "


_CLOCK_RE = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_AMBIGUOUS_RE = re.compile(r"(?<!\d)(\d{1,2})(\s*([/.\-])\s*)(\d{1,2})(\s*\3\s*(?:\d{4}|\d{2})(?![\d:]))")


def _times_24h(text: str) -> str:
    """Times in words -> digits, then 12-hour markers -> a 24-hour clock."""
    text = _WORD_TIME_RE.sub(_word_time, text)
    text = _AMPM_RE.sub(lambda m: f" {_AM if _is_am(m.group()) else _PM} ", text)

    def clock(m):
        h = _to_24h(int(m.group(1)), "am" if m.group(4) == _AM else "pm")
        return f"{h:02d}:{m.group(2)}{m.group(3) or ''}" if h is not None else m.group()

    return _TIME_AP_RE.sub(clock, text)


def _precision_of(prepared: str) -> str:
    m = _CLOCK_RE.search(prepared)
    if m is None:
        return "day"
    return "second" if m.group(3) else "minute"


class _Prepared:
    """What ``_prepare_absolute`` hands on: the dateparser string(s) and what it learnt."""

    __slots__ = ("text", "alternative", "stated", "precision", "weekday")

    def __init__(self, text, alternative, stated, precision, weekday):
        self.text = text  # day-first (or the only) reading, for dateparser
        self.alternative = alternative  # month-first reading of an ambiguous numeric date, else None
        self.stated = stated
        self.precision = precision
        self.weekday = weekday  # 0..6 when the text names one weekday, else None


def _weekday(text: str) -> int | None:
    found = {_WEEKDAYS[w.lower()] for w in _WEEKDAY_RE.findall(text) if w.lower() in _WEEKDAYS}
    return found.pop() if len(found) == 1 else None


def _prepare_absolute(text: str, day_first: bool | None = None):
    """Reduce cleaned text to what dateparser needs, or None if it cannot be a date.

    Returns a ``_Prepared``.  A numeric date «d/m/yyyy» is day-first when the
    first number is over 12, month-first when the second is (``01/13/2020``);
    when both are 12 or less (and differ) the order comes from ``day_first``,
    else both readings are returned (``alternative``) for the caller to settle.
    """
    text, stated, conflict = _stated_zone(text)
    if conflict:
        return None
    weekday = _weekday(text)
    # Hijri date next to the Gregorian one: keep only the Gregorian part.
    text = _HIJRI_DATE_RE.sub(" ", text)
    text = _HIJRI_RE.sub(" ", text)
    text = _GREG_YEAR_RE.sub(r"\1", text)
    # Month names -> one placeholder per month.
    text = _MONTH_RE.sub(lambda m: f" {chr(_PH0 + _month_number(m))} ", text)
    conflict = False

    def dual(m):
        nonlocal conflict
        if m.group(1) != m.group(2):
            conflict = True
        return f" {m.group(1)} "

    text = _DUAL_RE.sub(dual, text)
    if conflict:
        return None
    text = _times_24h(text)
    # Everything that is not a digit, separator or month placeholder goes
    # (weekday names, labels like «التاريخ:» / «محدثة», leftover markers).
    dropped = 0

    def drop(m):
        nonlocal dropped
        dropped += 1
        return " "

    text = _WORD_RE.sub(drop, text)
    if dropped > _MAX_DROPPED_WORDS:  # a sentence that happens to contain numbers
        return None
    text = _JUNK_RE.sub(" ", text)
    text = _LOOSE_SEP_RE.sub(" ", text)
    text = " ".join(text.split())
    # It must look like a date: a month name, or d/m/y digits with one separator kind.
    months = [c for c in text if _PH0 + 1 <= ord(c) <= _PH0 + 12]
    if len(months) > 1 or (not months and _NUMERIC_DATE_RE.search(text) is None):
        return None
    if len(_YEAR4_RE.findall(text)) > 1:  # two dates in one string: ambiguous
        return None
    alternative = None
    if months:
        text = text.replace(months[0], _CANONICAL_MONTH[ord(months[0]) - _PH0 - 1])
    else:
        m = _AMBIGUOUS_RE.search(text)
        if m is not None:
            a, b = int(m.group(1)), int(m.group(4))
            swapped = text[: m.start()] + m.group(4) + m.group(2) + m.group(1) + m.group(5) + text[m.end():]
            if a <= 12 < b or (a <= 12 and b <= 12 and a != b and day_first is False):
                text = swapped  # month-first
            elif a <= 12 and b <= 12 and a != b and day_first is None:
                alternative = swapped
    return _Prepared(text, alternative, stated, _precision_of(text), weekday)


def _hijri_reading(text: str, zone, stated):
    """``(aware datetime, precision)`` for a text whose only date is Hijri, or None.

    Converted with hijridate (Umm al-Qura, the Saudi civil calendar; its table covers
    1343-1500 AH = 1924-2077): a Hijri date outside it (e.g. «11 محرم سنة 1285هـ»,
    1868) is historical text, not a publication date, and gives None -- never a value
    from an approximate arithmetic calendar.
    """
    found = list(_HIJRI_DATE_RE.finditer(text))
    if len(found) != 1:
        return None
    m = found[0]
    if m["mn"]:
        y, mo, d = int(m["y"]), _HIJRI_MONTH_OF["".join(m["mn"].split())], int(m["d"])
    elif m["y2"]:
        y, mo, d = int(m["y2"]), int(m["m2"]), int(m["d2"])
    else:
        y, mo, d = int(m["y3"]), int(m["m3"]), int(m["d3"])
    from hijridate import Hijri

    try:
        g = Hijri(y, mo, d, validate=True).to_gregorian()
    except (ValueError, OverflowError):
        return None
    rest = _times_24h(text[: m.start()] + " " + text[m.end():])
    clocks = _CLOCK_RE.findall(rest)
    if len(clocks) > 1:
        return None
    if not clocks:
        return datetime(g.year, g.month, g.day, tzinfo=stated or zone), "day"
    h, mi, sec = int(clocks[0][0]), int(clocks[0][1]), int(clocks[0][2] or 0)
    if h > 23 or mi > 59 or sec > 59:
        return None
    return datetime(g.year, g.month, g.day, h, mi, sec, tzinfo=stated or zone), ("second" if clocks[0][2] else "minute")


_dateparser = None


def _get_dateparser():
    global _dateparser
    if _dateparser is None:
        from dateparser.date import DateDataParser

        _dateparser = DateDataParser(
            locales=DATEPARSER_LOCALES,
            try_previous_locales=False,
            use_given_order=True,
            settings=DATEPARSER_SETTINGS,
        )
    return _dateparser


def _naive_uncached(text: str) -> datetime | None:
    dt = _get_dateparser().get_date_data(text).date_obj
    if dt is None or not (_MIN_YEAR <= dt.year <= datetime.now(UTC).year + 1):
        return None
    return dt.replace(tzinfo=None)


_naive_cached = lru_cache(maxsize=4096)(_naive_uncached)


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

PRECISIONS = ("second", "minute", "hour", "day")


@dataclass(frozen=True)
class DateReading:
    """One date read from a page, with how much of it the page states.

    * ``value``: aware ``datetime`` -- the site's zone (``tz``), or the fixed offset
      the text states (``GMT+3``, ``+04:00``, ``Z``).  The clock of a ``"day"``
      reading is not a time the page gave: local midnight for a date, ``now``'s time
      of day for a relative «منذ 3 أيام» (the extractors store both as midnight).
    * ``precision``: ``"second"``, ``"minute"``, ``"hour"`` or ``"day"`` -- the finest
      unit the text states (a relative «منذ ساعتين» is ``"hour"``, «منذ 5 دقائق»
      ``"minute"``, «أمس» ``"day"``).
    * ``raw``: the input string, unchanged.
    * ``ambiguous``: a numeric date whose day and month are both <= 12 and whose
      order nothing settled (no ``day_first``, no weekday that fits only one
      reading).  ``value`` is then the day-first reading and ``alternative`` the
      month-first one: a caller must settle it (site order, metadata) or drop it.
    """

    value: datetime
    precision: str
    raw: str
    ambiguous: bool = False
    alternative: datetime | None = None


def _in_bounds(dt: datetime) -> bool:
    return _MIN_YEAR <= dt.year <= datetime.now(UTC).year + 1


def read_date(s: str | None, *, tz: str = DEFAULT_TZ, now: datetime | None = None,
              day_first: bool | None = None) -> DateReading | None:
    """Read a date as printed on a page: value, precision and ambiguity.

    Args:
        s: the visible text of one element (``None`` -> ``None``).
        tz: IANA zone of the site.
        now: reference for relative expressions (aware, or naive = wall clock in ``tz``).
        day_first: the site's order for numeric dates whose day and month are both
            <= 12: ``True`` d/m/y, ``False`` m/d/y, ``None`` unknown (then a weekday
            named in the text settles it, else the reading is ``ambiguous``).

    Returns a :class:`DateReading` or ``None`` (not a date; see :func:`parse_date`
    for every rule).  Beyond :func:`parse_date` it reads: Hijri-only dates
    (hijridate, Umm al-Qura 1343-1500 AH; earlier ones -> ``None``), times in words
    («الساعة الثامنة وعشرين دقيقة مساءً»), abbreviated months («11/ينا/1987»),
    month-first numeric dates with a day over 12 (``01/13/1987``), calendar phrasing
    («أمس على الساعة 18:05», «الأحد الماضي الساعة 9:00», «قبل يوم أمس»), «الآن»,
    colloquial «امبارح/النهاردة», English "20 hours ago".
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"read_date() expects str, got {type(s).__name__}")
    zone = _zone(tz)
    if _ISO_HINT_RE.match(s.strip()):
        machine = read_machine_date(s, tz=tz)
        if machine is not None:
            return machine
    text = _clean(s)
    if not text:
        return None
    rel = _relative(text, zone, now)
    if rel is not _NO_MATCH:
        if rel is None:
            return None
        return DateReading(rel[0], rel[1], s)
    prepared = _prepare_absolute(text, day_first)
    if prepared is None:
        hijri = _hijri_reading(_stated_zone(text)[0], zone, _stated_zone(text)[1])
        if hijri is None or not _in_bounds(hijri[0]):
            return None
        return DateReading(hijri[0], hijri[1], s)
    parse = _naive_cached if CACHE_PARSES else _naive_uncached
    naive = parse(prepared.text)
    alt = parse(prepared.alternative) if prepared.alternative else None
    tzinfo = prepared.stated or zone
    if naive is None and alt is None:
        return None
    if naive is None or alt is None:  # one order is impossible (e.g. 31/04): not a basis for the other
        if prepared.alternative:
            return None
        return DateReading(naive.replace(tzinfo=tzinfo), prepared.precision, s)
    if prepared.weekday is not None:
        fits = [d for d in (naive, alt) if d.weekday() == prepared.weekday]
        if len(fits) == 1:
            return DateReading(fits[0].replace(tzinfo=tzinfo), prepared.precision, s)
    return DateReading(naive.replace(tzinfo=tzinfo), prepared.precision, s, True, alt.replace(tzinfo=tzinfo))


_TIME_ONLY_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def read_time(s: str | None) -> tuple[int, int, int | None, timezone | None] | None:
    """A time of day printed alone («آخر تحديث 14:00 (GMT+0400)», «10:30 م», «الساعة
    الواحدة ظهرا»): ``(hour 0-23, minute, second or None, stated tzinfo or None)``.

    A page's visible time without a date is combined by the extractors with the day its
    metadata gives; on its own it is no date.  ``None`` when the text holds a date, several
    times, anything but a label and one time, or an impossible time.
    """
    if not s or not isinstance(s, str):
        return None
    text, stated, conflict = _stated_zone(_clean(s))
    if conflict or _NUMERIC_DATE_RE.search(text) or _MONTH_RE.search(text) or _YEAR4_RE.search(text):
        return None
    text = _times_24h(text)
    dropped = len(_WORD_RE.findall(text))
    if dropped > 3:
        return None
    text = " ".join(_JUNK_RE.sub(" ", _WORD_RE.sub(" ", text)).replace(",", " ").replace("-", " ").split())
    m = _TIME_ONLY_RE.match(text)
    if m is None:
        return None
    h, mi, sec = int(m.group(1)), int(m.group(2)), m.group(3)
    if h > 23 or mi > 59 or (sec is not None and int(sec) > 59):
        return None
    return h, mi, int(sec) if sec is not None else None, stated


def parse_date(s: str | None, *, tz: str = DEFAULT_TZ, now: datetime | None = None,
               day_first: bool | None = None) -> datetime | None:
    """Parse a date as printed on an Arabic news page (the value of :func:`read_date`).

    Args:
        s: the visible text of one element (``None`` -> ``None``).
        tz: IANA zone of the site (``zoneinfo`` name), e.g. ``"Africa/Cairo"``.
        now: reference time for relative expressions (aware, or naive = wall
            clock in ``tz``); default: the current time.  Not used for
            absolute dates.
        day_first: the site's numeric date order (see :func:`read_date`).

    Returns:
        An aware ``datetime`` or ``None``.  The precision is lost here: a day-only
        date comes back as midnight -- callers that store dates use
        :func:`read_date` and keep ``precision``.

        * date only («03 يونيو 2020») -> midnight in ``tz``;
        * date and time without a zone -> that wall-clock time in ``tz``
          (zoneinfo; a time in a DST gap/fold resolves with ``fold=0``);
        * a zone stated on the page (``GMT``/``UTC``/``GMT+3``, «ت.غ»,
          «بتوقيت غرينتش», ``Z`` or ``+04:00`` after the time) -> that
          instant, with that fixed offset as tzinfo;
        * relative («منذ ساعتين», «قبل ٥ ساعات», «20 يوم مضت», «منذ سنتين و3 أشهر»)
          -> ``now`` minus the elapsed time (physical time, in ``tz``);
          months/years go back on the calendar;
        * «أمس» / «أول أمس» / «اليوم» / «الأحد الماضي» -> that day at midnight in
          ``tz`` (day precision), or at the time given after it («أمس 10:30 م»,
          «اليوم عند الساعة 10:30»);
        * a Hijri date alone («13 شعبان 1410 هـ») -> its Gregorian day (Umm al-Qura);
        * an ambiguous numeric date (day and month both <= 12, e.g. ``04/05/2020``)
          whose order neither ``day_first`` nor a weekday in the text settles -> ``None``;
        * anything else -> ``None``: no year («15 آب»), a year alone
          («2022»), a vague amount («منذ ساعات»), two
          different dates, a sentence, an impossible date, a year outside
          1900..next year.  Never the current time, never a guessed part.

    Rules applied before dateparser (``locales=["ar-SY"]``, no language
    detection, ``DATEPARSER_SETTINGS``):

    * display cleaning (bidi marks, NBSP, presentation forms), tashkeel and
      tatweel removal, Arabic-Indic/Persian digits -> ASCII;
    * months: Egyptian/Gulf (يناير … ديسمبر, يونيه/يوليه, أغسطس/اغسطس),
      Levantine/Iraqi (كانون الثاني … كانون الأول, «كانون 2», «تشرين 1»,
      «ك2»/«ت1», hamza-less ايار/اب/ايلول/اذار), Maghrebi (جانفي, فيفري,
      أفريل, ماي, جوان, جويلية, أوت), Moroccan (يوليوز, غشت, شتنبر, نونبر,
      دجنبر), Mauritanian (شتمبر, دجمبر), English; abbreviations (ينا, فبر,
      يونـ, جانـ, فيفـ, شتنـ, نونـ, دجنـ ...) only next to a number; a dual
      name («أيار/مايو», «مارس/ آذار», «مارس (آذار)») counts once and must agree;
    * weekday names and labels («التاريخ:», «محدثة», «نشر في») are dropped;
      more than 6 dropped words means a sentence, not a date -> ``None``;
    * «ص»/«صباحًا»/AM and «م»/«مساءً»/PM convert the time to 24 h; times in
      words («الساعة الواحدة ظهرا») become digits; «م»
      right after a 4-digit year is the Gregorian suffix («2020م»), and a
      Hijri date («11 شوال 1441هـ») is removed so the Gregorian date printed
      beside it is used;
    * the text must contain a month name or a d/m/y numeric date (one
      separator kind), with at most one 4-digit year; numeric dates are
      year-first when the year comes first, day-first when the first number is
      over 12, month-first when the second is, else as ``day_first`` says.

    Raises ``TypeError`` for non-``str`` input other than ``None`` and
    ``zoneinfo.ZoneInfoNotFoundError`` for an unknown ``tz``.
    """
    if s is not None and not isinstance(s, str):
        raise TypeError(f"parse_date() expects str, got {type(s).__name__}")
    reading = read_date(s, tz=tz, now=now, day_first=day_first)
    if reading is None or reading.ambiguous:
        return None
    return reading.value


_ISO_HINT_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$", re.I)
_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
    re.I,
)
_BIDI_STRIP = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u200b"))


def parse_machine_date(s: str | None, *, tz: str = DEFAULT_TZ) -> datetime | None:
    """The value of :func:`read_machine_date` (precision dropped: a date alone is midnight)."""
    if s is not None and not isinstance(s, str):
        raise TypeError(f"parse_machine_date() expects str, got {type(s).__name__}")
    reading = read_machine_date(s, tz=tz)
    return reading.value if reading is not None else None


def read_machine_date(s: str | None, *, tz: str = DEFAULT_TZ) -> DateReading | None:
    """Parse a machine-readable date (JSON-LD, ``<meta>``, ``<time datetime>``, feeds).

    Accepted (surrounding whitespace and bidi marks ignored):

    * ISO 8601 / RFC 3339: ``2020-06-03``, ``2020-03-17T17:27``,
      ``2020-12-01 02:00:00`` (space separator), seconds and fractions
      (truncated to microseconds), zone ``Z``, ``+04:00``, ``+0400``,
      ``+04``, or a trailing ``UTC``/``GMT``;
    * other ISO forms ``datetime.fromisoformat`` accepts (basic format
      ``20200603T030100Z``, ...);
    * RFC 2822 as in RSS (``Wed, 03 Jun 2020 03:01:00 +0400``; ``-0000``
      means UTC).

    Returns a :class:`DateReading` whose value is an aware ``datetime``: the stated offset is kept (``Z``/UTC ->
    ``timezone.utc``, otherwise a fixed ``timezone``); without an offset the
    value is wall-clock time in ``tz``; a date alone is midnight in ``tz``
    with precision ``"day"`` (``"minute"`` without seconds, else ``"second"``).
    ``None`` for ``None``, anything unparseable, impossible fields, years
    before 1900 or after next year (``0001-01-01`` / ``9999-12-31``
    placeholders) and the Unix epoch ``1970-01-01T00:00Z`` (CMS "no date").

    Raises ``TypeError`` for non-``str`` input other than ``None``.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"read_machine_date() expects str, got {type(s).__name__}")
    raw = s
    zone = _zone(tz)
    s = s.translate(_BIDI_STRIP).strip()
    if not s:
        return None
    dt = None
    precision = "second"
    m = _ISO_RE.fullmatch(s)
    if m is not None:
        precision = "second" if m["s"] else ("minute" if m["h"] else "day")
        try:
            frac = (m["f"] or "0")[:6].ljust(6, "0")
            dt = datetime(
                int(m["y"]), int(m["mo"]), int(m["d"]),
                int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0), int(frac),
            )
        except ValueError:
            return None
        z = m["z"]
        if z:
            zu = z.upper()
            if zu in ("Z", "UTC", "GMT"):
                dt = dt.replace(tzinfo=UTC)
            else:
                off = _offset(z[0], z[1:3], z[3:].lstrip(":") or None)
                if off is None:
                    return None
                dt = dt.replace(tzinfo=off)
    else:
        try:
            dt = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "zZ" else s)
            if len(s) <= 10 and "T" not in s.upper():
                precision = "day"
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                return None
            if dt is None:
                return None
            if dt.tzinfo is None:  # RFC 2822 "-0000": UTC, local zone unknown
                dt = dt.replace(tzinfo=UTC)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    if not (_MIN_YEAR <= dt.year <= datetime.now(UTC).year + 1):
        return None
    if dt == _EPOCH:
        return None
    return DateReading(dt, precision, raw)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_utc(dt: datetime) -> datetime:
    """The same instant as an aware ``datetime`` with ``tzinfo=timezone.utc``.

    For storage (BSON dates are UTC instants; BR-10) and for comparing values
    from sites in different zones.  Raises ``ValueError`` for a naive
    datetime -- its zone is unknown and guessing is what BR-10 is about -- and
    ``TypeError`` for anything that is not a ``datetime``.
    """
    if not isinstance(dt, datetime):
        raise TypeError(f"to_utc() expects datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("to_utc() needs an aware datetime; naive values have no known zone")
    return dt.astimezone(UTC)
