"""Date parsing for Arabic news pages.

Three public functions and one helper:

``parse_date(s, *, tz, now)``
    A date as printed on a page («الإثنين، 24 أغسطس 2020 09:23 ص»,
    «15 كانون 2 2024», «منذ ساعتين», «GMT 17:27 17.03.2020»).
``parse_machine_date(s, *, tz)``
    A machine-readable value from JSON-LD, ``<meta>`` or ``<time datetime>``
    (ISO 8601 with or without offset, RFC 2822 from feeds).
``to_utc(dt)``
    An aware datetime in UTC (refuses naive values).

Every result is a timezone-aware ``datetime`` or ``None``.  ``None`` means
"this string does not state a date": the parsers never fall back to the
current time and never guess a missing year.

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
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from newscrawl.arabic import strip_tashkeel

__all__ = ["parse_date", "parse_machine_date", "to_utc", "DEFAULT_TZ", "DATEPARSER_SETTINGS", "DATEPARSER_LOCALES"]

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
        "\u0649": "\u064A", "\u0629": "\u0647", "\u06CC": "\u064A",
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


_BODY = _comp(1) + rf"(?:\s*(?:,\s*)?و\s*{_comp(2)})?"
_LABEL = r"(?:[^\d:]{1,30}:\s*|(?:تم\s+)?(?:نشر|نشرت|النشر|اخر\s+تحديث|تحديث|محدث|محدثه)\s+)?"
_APPROX = r"(?:(?:حوالي|نحو|قرابه|اكثر\s+من|اقل\s+من)\s+)?"
_AGO_RE = re.compile(rf"^{_LABEL}(?:منذ|قبل)\s+{_APPROX}{_BODY}(?:\s+تقريبا)?$")
_PAST_RE = re.compile(rf"^{_LABEL}{_BODY}\s+(?:مضت|مضي|مضين|خلت|فاتت|سابقه|ماضيه)$")

_AMPM_WORDS = {
    "ص": "am", "صباحا": "am", "صباح": "am", "الصباح": "am", "فجرا": "am", "الفجر": "am",
    "م": "pm", "مساء": "pm", "مساءا": "pm", "المساء": "pm", "ظهرا": "pm", "الظهر": "pm", "عصرا": "pm", "العصر": "pm",
}
_AMPM_ALT = _alt(_AMPM_WORDS) + "|am|pm|a\\.m\\.|p\\.m\\."
_DAY_WORDS = {"اليوم": 0, "امس": 1, "البارحه": 1, "اول امس": 2, "اول من امس": 2, "قبل امس": 2}
_DAY_ALT = _alt(_DAY_WORDS).replace(r"\ ", r"\s+")
_DAYWORD_RE = re.compile(
    rf"^{_LABEL}(?:يوم\s+)?(?P<w>{_DAY_ALT})"
    rf"(?:\s*[,\-]?\s*(?:الساعه\s*)?(?P<h>\d{{1,2}}):(?P<mi>\d{{2}})\s*(?P<ap>{_AMPM_ALT})?)?$",
    re.IGNORECASE,
)


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
    """Return an aware datetime, None (matched but not a usable value) or
    ``_NO_MATCH`` when ``text`` is not a relative expression."""
    text = text.strip(" .,;:-|()[]«»\"'")
    m = _DAYWORD_RE.match(text)
    if m is not None:
        ref = _reference(zone, now)
        days = _DAY_WORDS[" ".join(m["w"].split())]
        day = (ref - timedelta(days=days)).date() if days else ref.date()
        hour = minute = 0
        if m["h"] is not None:
            hour = _to_24h(int(m["h"]), m["ap"])
            minute = int(m["mi"])
            if hour is None or minute > 59:
                return None
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)

    m = _AGO_RE.match(text) or _PAST_RE.match(text)
    if m is None:
        return _NO_MATCH
    ref = _reference(zone, now)
    total = timedelta(0)
    months = 0
    for i in (1, 2):
        unit_word = m.groupdict().get(f"u{i}")
        if unit_word is None:
            continue
        n = _number(m[f"n{i}"], unit_word)
        if n is None:  # «منذ ساعات»: hours ago, but how many?
            return None
        unit = _UNITS[unit_word][0]
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
    return result


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
    9: ["سبتمبر", "شتنبر", "ايلول", "september", "sept", "sep"],
    10: ["اكتوبر", "تشرين الاول", "تشرين اول", "تشرين 1", "تشرين1", "ت1", "ت 1", "october", "oct"],
    11: ["نوفمبر", "نونبر", "تشرين الثاني", "تشرين ثاني", "تشرين 2", "تشرين2", "ت2", "ت 2", "november", "nov"],
    12: ["ديسمبر", "دجنبر", "كانون الاول", "كانون اول", "كانون 1", "كانون1", "ك1", "ك 1", "december", "dec"],
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
_MONTH_RE = re.compile(
    rf"(?<![{_AR}a-z])(?P<m>{_MONTH_ALT})(?![{_AR}a-z])",
    re.IGNORECASE,
)
_PH0 = 0xE000  # private-use placeholders: month n -> chr(_PH0 + n)
_PH_CLASS = f"[{chr(_PH0 + 1)}-{chr(_PH0 + 12)}]"
# «مارس/ آذار», «أيار/مايو», «مارس (آذار)», «مايو - أيار»: the same month twice
_DUAL_RE = re.compile(rf"({_PH_CLASS})\s*[/(\-]\s*({_PH_CLASS})\s*\)?")

_HIJRI_MONTHS = [
    "محرم", "صفر", "ربيع الاول", "ربيع اول", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني",
    "جمادي الاولي", "جمادي الاول", "جمادي الثانيه", "جمادي الاخره", "جمادي الثاني", "جمادي الاخر",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعده", "ذي القعده", "ذو الحجه", "ذي الحجه",
]
_HIJRI_ALT = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in sorted(_HIJRI_MONTHS, key=len, reverse=True))
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


def _prepare_absolute(text: str):
    """Reduce cleaned text to what dateparser needs, or None if it cannot be a date.

    Returns ``(string for dateparser, stated tzinfo or None)``.
    """
    text, stated, conflict = _stated_zone(text)
    if conflict:
        return None
    # Hijri date next to the Gregorian one: keep only the Gregorian part.
    text = _HIJRI_RE.sub(" ", text)
    text = _GREG_YEAR_RE.sub(r"\1", text)
    # Month names -> one placeholder per month.
    text = _MONTH_RE.sub(lambda m: f" {chr(_PH0 + _MONTH_OF[''.join(m['m'].lower().split())])} ", text)
    conflict = False

    def dual(m):
        nonlocal conflict
        if m.group(1) != m.group(2):
            conflict = True
        return f" {m.group(1)} "

    text = _DUAL_RE.sub(dual, text)
    if conflict:
        return None
    # 12-hour markers -> 24-hour clock
    text = _AMPM_RE.sub(lambda m: f" {_AM if _is_am(m.group()) else _PM} ", text)

    def clock(m):
        h = _to_24h(int(m.group(1)), "am" if m.group(4) == _AM else "pm")
        return f"{h:02d}:{m.group(2)}{m.group(3) or ''}" if h is not None else m.group()

    text = _TIME_AP_RE.sub(clock, text)
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
    if months:
        text = text.replace(months[0], _CANONICAL_MONTH[ord(months[0]) - _PH0 - 1])
    return text, stated


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

def parse_date(s: str | None, *, tz: str = DEFAULT_TZ, now: datetime | None = None) -> datetime | None:
    """Parse a date as printed on an Arabic news page.

    Args:
        s: the visible text of one element (``None`` -> ``None``).
        tz: IANA zone of the site (``zoneinfo`` name), e.g. ``"Africa/Cairo"``.
        now: reference time for relative expressions (aware, or naive = wall
            clock in ``tz``); default: the current time.  Not used for
            absolute dates.

    Returns:
        An aware ``datetime`` or ``None``:

        * date only («03 يونيو 2020») -> midnight in ``tz``;
        * date and time without a zone -> that wall-clock time in ``tz``
          (zoneinfo; a time in a DST gap/fold resolves with ``fold=0``);
        * a zone stated on the page (``GMT``/``UTC``/``GMT+3``, «ت.غ»,
          «بتوقيت غرينتش», ``Z`` or ``+04:00`` after the time) -> that
          instant, with that fixed offset as tzinfo;
        * relative («منذ ساعتين», «قبل ٥ ساعات», «20 يوم مضت») -> ``now``
          minus the elapsed time (physical time, in ``tz``); months/years go
          back on the calendar;
        * «أمس» / «أول أمس» / «اليوم» -> that day at midnight in ``tz`` (day
          precision), or at the time given after it («أمس 10:30 م»);
        * anything else -> ``None``: no year («15 آب»), a year alone
          («2022»), a vague amount («منذ ساعات»), a Hijri date alone, two
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
      دجنبر), English; a dual name («أيار/مايو», «مارس/ آذار», «مارس (آذار)»)
      counts once and must agree;
    * weekday names and labels («التاريخ:», «محدثة», «نشر في») are dropped;
      more than 6 dropped words means a sentence, not a date -> ``None``;
    * «ص»/«صباحًا»/AM and «م»/«مساءً»/PM convert the time to 24 h; «م»
      right after a 4-digit year is the Gregorian suffix («2020م»), and a
      Hijri date («11 شوال 1441هـ») is removed so the Gregorian date printed
      beside it is used;
    * the text must contain a month name or a d/m/y numeric date (one
      separator kind), with at most one 4-digit year; numeric dates are
      day-month-year (every Arabic locale) unless the year comes first.

    Raises ``TypeError`` for non-``str`` input other than ``None`` and
    ``zoneinfo.ZoneInfoNotFoundError`` for an unknown ``tz``.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"parse_date() expects str, got {type(s).__name__}")
    zone = _zone(tz)
    if _ISO_HINT_RE.match(s.strip()):
        dt = parse_machine_date(s, tz=tz)
        if dt is not None:
            return dt
    text = _clean(s)
    if not text:
        return None
    rel = _relative(text, zone, now)
    if rel is not _NO_MATCH:
        return rel
    prepared = _prepare_absolute(text)
    if prepared is None:
        return None
    text, stated = prepared
    naive = (_naive_cached if CACHE_PARSES else _naive_uncached)(text)
    if naive is None:
        return None
    return naive.replace(tzinfo=stated or zone)


_ISO_HINT_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$", re.I)
_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
    re.I,
)
_BIDI_STRIP = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u200b"))


def parse_machine_date(s: str | None, *, tz: str = DEFAULT_TZ) -> datetime | None:
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

    Returns an aware ``datetime``: the stated offset is kept (``Z``/UTC ->
    ``timezone.utc``, otherwise a fixed ``timezone``); without an offset the
    value is wall-clock time in ``tz``; a date alone is midnight in ``tz``.
    ``None`` for ``None``, anything unparseable, impossible fields, years
    before 1900 or after next year (``0001-01-01`` / ``9999-12-31``
    placeholders) and the Unix epoch ``1970-01-01T00:00Z`` (CMS "no date").

    Raises ``TypeError`` for non-``str`` input other than ``None``.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"parse_machine_date() expects str, got {type(s).__name__}")
    zone = _zone(tz)
    s = s.translate(_BIDI_STRIP).strip()
    if not s:
        return None
    dt = None
    m = _ISO_RE.fullmatch(s)
    if m is not None:
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
    return dt


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
