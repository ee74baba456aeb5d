"""Bylines and credit lines: who wrote a story, which agency supplied it, where it was filed.

A news page credits a story in a handful of ways, and one string can mix them::

    «كتبت أسماء نصار»              -> author «أسماء نصار»
    «حسام أبو العلا - القاهرة»       -> author «حسام أبو العلا», dateline «القاهرة»
    «(أبوظبي - البيان)»             -> dateline «أبوظبي», agency «البيان» (the paper's own desk)
    «دمشق-سانا» / «دمشق (سانا)»      -> dateline «دمشق», agency «سانا»
    «أ ف ب» / «(أ.ف.ب)» / «AFP»      -> agency «فرانس برس»
    «المحرر» / «admin» / "Online News Editor" -> a placeholder: no author at all

:func:`parse_credit` turns one such string into a :class:`Credit`.  Rules, and where they
come from:

* **agencies** (:data:`AGENCIES`): the national agencies of the Arab states and the world
  wires as Arabic papers print them -- full name, acronym, initials with or without dots
  and spaces («أ ف ب», «أ.ف.ب», «ا ف ب»), Latin acronym.  Matched on the whole credit (or
  one side of a «city - X» / «city (X)» credit) after :func:`newscrawl.text.arabic.match_key`
  (hamza, tashkeel, tatweel folded) and with dots and spaces removed for initials, so a
  word *inside* a name never matches.  «وكالة …» / «وكالات» are agency credits too;
* **datelines**: the side of a two-part credit that is a city; a city beside a single word
  («الرياض - الحياة») is a paper's desk credit (a person's name has two words or more).  A short list of capitals
  and news cities (:data:`CITIES`) decides which side is the city; a «name - X» credit whose
  X is one or two words with no agency or publisher in it keeps the older rule (the
  project's alyaum page: «حسام أبو العلا - القاهرة») and X is the dateline;
* **placeholders** (:data:`PLACEHOLDERS`): CMS defaults and desk names that are not a
  person («المحرر», «هيئة التحرير», «admin», "Online News Editor", "Web Desk").  They give
  ``author=None`` so the caller looks for a real byline elsewhere on the page;
* **the publisher's own name** (``og:site_name``, JSON-LD ``publisher``, the brand in the
  domain) is never an author.  Alone it is no credit at all; beside a dateline
  («أبوظبي - البيان») it is the paper's own desk and goes to ``agency``.

Nothing here guesses: a string that fits no rule is returned as the author unchanged
(after the label prefix is removed), and an empty or over-long string gives an empty
:class:`Credit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newscrawl.text.arabic import match_key

#: canonical agency name -> the spellings seen in credits (Arabic first, then Latin).
AGENCIES: dict[str, tuple[str, ...]] = {
    "سانا": ("سانا", "الوكالة العربية السورية للأنباء", "SANA"),
    "واس": ("واس", "وكالة الأنباء السعودية", "SPA"),
    "بترا": ("بترا", "وكالة الأنباء الأردنية", "Petra"),
    "وام": ("وام", "وكالة أنباء الإمارات", "WAM"),
    "قنا": ("قنا", "وكالة الأنباء القطرية", "QNA"),
    "كونا": ("كونا", "وكالة الأنباء الكويتية", "KUNA"),
    "بنا": ("بنا", "وكالة أنباء البحرين", "BNA"),
    "العمانية": ("العمانية", "وكالة الأنباء العمانية", "ONA"),
    "الأناضول": ("الأناضول", "وكالة الأناضول", "Anadolu", "Anadolu Agency", "AA"),
    "فرانس برس": ("فرانس برس", "فرانس بريس", "وكالة فرانس برس", "وكالة الصحافة الفرنسية", "الفرنسية",
                  "أ ف ب", "AFP"),
    "رويترز": ("رويترز", "وكالة رويترز", "Reuters"),
    "أسوشيتد برس": ("أسوشيتد برس", "أسوشيتدبرس", "اسوشيتد برس", "أ ب", "AP", "Associated Press"),
    "د ب أ": ("د ب أ", "الألمانية", "وكالة الأنباء الألمانية", "dpa"),
    "أ ش أ": ("أ ش أ", "وكالة أنباء الشرق الأوسط", "MENA"),
    "وفا": ("وفا", "وكالة الأنباء الفلسطينية", "وكالة الأنباء والمعلومات الفلسطينية", "WAFA"),
    "واع": ("واع", "وكالة الأنباء العراقية", "INA"),
    "سبأ": ("سبأ", "وكالة الأنباء اليمنية", "Saba"),
    "سونا": ("سونا", "وكالة السودان للأنباء", "SUNA"),
    "واج": ("واج", "وكالة الأنباء الجزائرية", "APS"),
    "وات": ("وات", "وكالة تونس إفريقيا للأنباء", "وكالة تونس أفريقيا للأنباء", "TAP"),
    "ومع": ("ومع", "و م ع", "وكالة المغرب العربي للأنباء", "MAP"),
    "وال": ("وال", "وكالة الأنباء الليبية", "LANA"),
    "الوكالة الوطنية للإعلام": ("الوكالة الوطنية للإعلام", "NNA"),
    "شينخوا": ("شينخوا", "وكالة شينخوا", "Xinhua"),
    "إرنا": ("إرنا", "IRNA"),
    "تاس": ("تاس", "TASS"),
    "سبوتنيك": ("سبوتنيك", "Sputnik"),
    "يو بي آي": ("يو بي آي", "UPI"),
    "بلومبرغ": ("بلومبرغ", "بلومبيرغ", "Bloomberg"),
    "وكالات": ("وكالات", "وكالات الأنباء", "Agencies"),
}

#: capitals and news cities, for telling the dateline side of «city - X» (Arabic spellings as
#: printed in datelines; hamza variants are folded by the match key).
CITIES: tuple[str, ...] = (
    "القاهرة", "الإسكندرية", "دمشق", "حلب", "حمص", "حماة", "اللاذقية", "طرطوس", "درعا", "السويداء", "دير الزور",
    "الرقة", "إدلب", "القامشلي", "الحسكة", "بيروت", "طرابلس", "صيدا", "صور", "عمان", "الزرقاء", "إربد",
    "الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "أبوظبي", "أبو ظبي", "دبي", "الشارقة",
    "الدوحة", "الكويت", "المنامة", "مسقط", "بغداد", "البصرة", "الموصل", "أربيل", "النجف", "كربلاء", "الخرطوم",
    "تونس", "صفاقس", "الجزائر", "وهران", "الرباط", "الدار البيضاء", "مراكش", "نواكشوط", "بنغازي", "مصراتة",
    "صنعاء", "عدن", "تعز", "الحديدة", "القدس", "رام الله", "غزة", "نابلس", "الخليل", "جنين", "أنقرة",
    "إسطنبول", "اسطنبول", "طهران", "واشنطن", "نيويورك", "لندن", "باريس", "برلين", "موسكو", "بكين", "جنيف",
    "بروكسل", "روما", "فيينا", "طوكيو", "نيودلهي", "كابول", "إسلام آباد", "كييف", "الأمم المتحدة",
)

#: bylines that name no person: CMS defaults and desk names (compared by match key, case-folded).
PLACEHOLDERS: tuple[str, ...] = (
    "المحرر", "محرر", "التحرير", "هيئة التحرير", "فريق التحرير", "أسرة التحرير", "محرر الموقع", "إدارة الموقع",
    "ادارة الموقع", "مدير الموقع", "الموقع", "المشرف", "مشرف الموقع", "قسم الأخبار", "قسم التحرير", "غرفة الأخبار",
    "المحرر الإلكتروني", "خاص", "admin", "administrator", "editor", "editors", "news editor", "online editor",
    "online news editor", "web editor", "web desk", "web team", "news desk", "staff", "staff writer",
    "staff reporter", "newsroom", "the newsroom", "editorial team", "editorial staff", "editorial board",
    "team", "author", "guest", "user", "webmaster", "wordpress", "default", "unknown",
)

#: label prefixes that are not part of a name («كتب», «بقلم», "By", «المصدر:» ...)
_LABEL = re.compile(
    r"^(?:كتبت|كتب|بقلم|حوار|إعداد|اعداد|تقرير|متابعة|ترجمة|بواسطة|تحرير|المصدر|مصدر|نقلا عن|نقلاً عن|"
    r"written by|posted by|reported by|report by|source|by)(?:\s*[:：|]\s*|\s+)",
    re.IGNORECASE,
)
_DASH_SPLIT = re.compile(r"\s*[-–—/|]\s*")
_PAREN = re.compile(r"^(?P<a>[^()]+?)\s*[(（]\s*(?P<b>[^()]+?)\s*[)）]\s*[-–—:]?\s*$")
_DOTS_SPACES = re.compile(r"[.\s·・]+")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z .'-]*$")


@dataclass(frozen=True)
class Credit:
    """What one byline/credit string says.  All fields ``str`` (display form as given) or ``None``."""

    author: str | None = None
    agency: str | None = None
    dateline: str | None = None

    def __bool__(self) -> bool:
        return bool(self.author or self.agency or self.dateline)


def _key(text: str) -> str:
    return match_key(text).casefold()


def _compact(text: str) -> str:
    """Match key without dots and spaces: «أ.ف.ب» and «ا ف ب» both give «افب»."""
    return _DOTS_SPACES.sub("", _key(text))


@lru_cache(maxsize=1)
def _tables():
    agencies: dict[str, str] = {}
    initials: dict[str, str] = {}
    for canon, spellings in AGENCIES.items():
        for s in spellings:
            agencies[_key(s)] = canon
            if len(s.split()) > 1 and all(len(w) == 1 for w in s.split()):  # «أ ف ب», «د ب أ»
                initials[_compact(s)] = canon
    cities = {_key(c) for c in CITIES}
    placeholders = {_key(p) for p in PLACEHOLDERS}
    return agencies, initials, cities, placeholders


def agency_name(text: str | None) -> str | None:
    """The canonical name of the agency ``text`` names as a whole, else ``None``.

    «(أ.ف.ب)» -> «فرانس برس»; «وكالة الأنباء الليبية» -> itself (any «وكالة …» credit);
    «رويترز» -> «رويترز»; «أحمد رويترز» -> ``None`` (a word inside a name never matches).
    """
    if not text:
        return None
    t = text.strip().strip("()（）[]«»\"' ").strip()
    if not t:
        return None
    agencies, initials, _cities, _ph = _tables()
    k = _key(t)
    if k in agencies:
        return agencies[k]
    c = _compact(t)
    if c in initials:
        return initials[c]
    if len(t) <= 40 and re.match(r"^(?:وكالة|وكاله)\s+\S", t) and len(t.split()) <= 6:
        return t
    return None


def is_city(text: str | None) -> bool:
    return bool(text) and _key(text.strip()) in _tables()[2]


def is_placeholder(name: str | None) -> bool:
    """``True`` for a byline that names no person («المحرر», "admin", "Online News Editor")."""
    if not name:
        return False
    return _key(name.strip().strip(".:")) in _tables()[3]


def strip_label(text: str) -> str:
    """«كتبت أسماء نصار» -> «أسماء نصار»; "By Jane Doe" -> "Jane Doe"; «(أبوظبي - البيان)» -> «أبوظبي - البيان»."""
    t = " ".join(text.split())
    for _ in range(2):  # «المصدر: (أبوظبي - البيان)»
        t = _LABEL.sub("", t).strip()
        if t.startswith(("(", "（")) and t.endswith((")", "）")) and t.count("(") + t.count("（") == 1:
            t = t[1:-1].strip()
    return t


def _is_publisher(text: str, publishers: frozenset[str]) -> bool:
    if not publishers or not text:
        return False
    k = _key(text)
    c = _compact(text)
    for p in publishers:
        if k == p or c == _DOTS_SPACES.sub("", p):
            return True
        # «LBCI» inside «LBCI Lebanon»: a short brand contained in the publisher's name
        if len(k) >= 3 and (f" {k} " in f" {p} "):
            return True
    return False


def _name_like(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 6 and not any(ch.isdigit() for ch in text)


def parse_credit(text: str | None, *, publishers: frozenset[str] | set[str] = frozenset()) -> Credit:
    """Split one byline / credit string into author, agency and dateline.

    :param text: the visible text of a byline element, a ``<meta name=author>`` value, or a body
        line that is a credit.  ``None`` or blank -> empty :class:`Credit`.
    :param publishers: the page's own publisher names, as given by :func:`publisher_keys`
        (match keys, case-folded).
    :returns: :class:`Credit`; ``author`` is ``None`` for placeholders, agencies, the publisher's
        own name and strings over 80 characters (a sentence, not a byline).
    """
    if not text:
        return Credit()
    t = strip_label(text)
    if not t or len(t) > 80 or "http" in t or "@" in t:
        return Credit()
    pubs = frozenset(publishers)
    ag = agency_name(t)
    if ag:
        return Credit(agency=ag)
    if is_placeholder(t):
        return Credit()
    if _is_publisher(t, pubs):
        return Credit()
    # «دمشق (سانا)», «القاهرة (رويترز) -»
    m = _PAREN.match(t)
    if m:
        a, b = m["a"].strip(), m["b"].strip()
        ag = agency_name(b)
        if ag or _is_publisher(b, pubs):
            return _beside_credit(a, agency=ag or b, pubs=pubs, own_desk=ag is None)
    parts = [p for p in _DASH_SPLIT.split(t) if p]
    if len(parts) == 2:
        a, b = parts
        for side, other in ((a, b), (b, a)):
            ag = agency_name(other)
            desk = None if ag else (other if _is_publisher(other, pubs) else None)
            if (ag or desk) and not agency_name(side) and not _is_publisher(side, pubs):
                return _beside_credit(side, agency=ag or desk, pubs=pubs, own_desk=desk is not None)
        for city, other in ((a, b), (b, a)):
            if is_city(city) and not is_city(other) and len(other.split()) == 1 and not is_placeholder(other):
                # «الرياض - الحياة»: a city and one word -- a paper's desk, not a person (names have 2+ words)
                return Credit(agency=other, dateline=city)
        if is_city(a) and not is_city(b) and _name_like(b):
            return _person(b, pubs, dateline=a)
        if is_city(b) and _name_like(a):
            return _person(a, pubs, dateline=b)
        # «حسام أبو العلا - القاهرة»: a name of several words, then a one- or two-word place
        if len(a.split()) >= 2 and len(b.split()) <= 2 and _name_like(a):
            return _person(a, pubs, dateline=b)
    return _person(t, pubs)


def _beside_credit(side: str, *, agency: str, pubs: frozenset[str], own_desk: bool = False) -> Credit:
    """The other half of «X - agency»: a known city or a single word is the dateline
    («دمشق - سانا», «الفجيرة - وام»); two words or more that are no city are the reporter
    («محمد علي - رويترز»).  The publisher's own name beside a reporter is no agency credit
    (``own_desk``): it is the ``publisher``."""
    if is_city(side) or len(side.split()) == 1:
        return Credit(agency=agency, dateline=side)
    if _name_like(side) and len(side.split()) <= 4:
        person = _person(side, pubs)
        return Credit(author=person.author, agency=None if own_desk and person.author else agency)
    return Credit(agency=agency)


def _person(name: str, pubs: frozenset[str], dateline: str | None = None) -> Credit:
    name = name.strip(" ,،.:-")
    if not name or is_placeholder(name) or _is_publisher(name, pubs):
        return Credit(dateline=dateline)
    return Credit(author=name, dateline=dateline)


def publisher_keys(*names: str | None, host: str | None = None) -> frozenset[str]:
    """Match keys of the publisher's names (``og:site_name``, JSON-LD ``publisher.name``,
    ``application-name``) plus the brand in the host name («www.youm7.com» -> «youm7»)."""
    out = set()
    for n in names:
        if isinstance(n, str) and n.strip():
            out.add(_key(" ".join(n.split())))
    if host:
        labels = [l for l in host.lower().split(".") if l and l not in ("www", "m", "amp", "ar", "arabic", "news")]
        if len(labels) >= 2:
            out.add(labels[-2])
    return frozenset(out)


_OPENING_PAREN = re.compile(r"^(?P<city>[^\s()\-–—:،,]+(?:\s[^\s()\-–—:،,]+){0,2})\s*[(（](?P<ag>[^()（）]{2,40})[)）]\s*[-–—:]?")
_OPENING_DASH = re.compile(r"^(?P<city>[^\s()\-–—:،,]+(?:\s[^\s()\-–—:،,]+){0,2})\s*[-–—]\s*(?P<rest>.{2,60})")


def opening_credit(paragraph: str | None) -> Credit:
    """The dateline and agency that open a wire story's first paragraph, else an empty :class:`Credit`.

    «دمشق-سانا أعلنت وزارة …» -> dateline «دمشق», agency «سانا»; «القاهرة (رويترز) - قال …» ->
    «القاهرة», «رويترز».  Only a known agency (:func:`agency_name`) counts, so an ordinary
    sentence that happens to contain a dash gives nothing.  The paragraph itself is not changed.
    """
    if not paragraph:
        return Credit()
    p = " ".join(paragraph.split())[:120]
    m = _OPENING_PAREN.match(p)
    if m:
        ag = agency_name(m["ag"])
        if ag:
            return Credit(agency=ag, dateline=m["city"])
    m = _OPENING_DASH.match(p)
    if m:
        words = m["rest"].split()
        for n in (3, 2, 1):  # the agency's name is one to three words, then the text starts
            cand = " ".join(words[:n]).rstrip(":-–—،,")
            ag = agency_name(cand)
            if ag:
                return Credit(agency=ag, dateline=m["city"])
    return Credit()
