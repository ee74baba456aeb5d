"""Lines that are never article text, whatever the site.

A body block is dropped when it *is* one of these (whole-line match, after
whitespace collapsing); :func:`is_read_also_element` finds a read-also paragraph (label +
one link) in the HTML, :func:`is_signature_line` a closing «(name)» signature.  Site parsers remove the containing elements by CSS
first; this list is the safety net for text that sits loose in the body
(«اقرأ أيضاً:» headings, the Jannah back-to-top button text, share bars).
"""

import re

_PATTERNS = [
    r"زر الذهاب إلى الأعلى",  # Jannah theme: a#go-to-top .screen-reader-text
    r"(?:إقرأ|اقرأ|إقرا|اقرا)\s+(?:أيضاً|أيضا|ايضاً|ايضا)\s*[:：]?",  # «اقرأ أيضاً» heading alone
    r"(?:شاهد|طالع|اقرأ المزيد|للمزيد)\s*(?:أيضاً|أيضا|ايضا)?\s*[:：]?",
    r"(?:مشاركة|شارك|شاركها|المشاركة)\s*(?:عبر|على)?\s*[:：]?",
    r"(?:فيسبوك|تويتر|واتساب|تيلقرام|تيليجرام|تلغرام|لينكدإن|بينتيريست|ماسنجر|البريد الإلكتروني|طباعة|إكس)(?:\s+(?:فيسبوك|تويتر|واتساب|تيلقرام|تيليجرام|تلغرام|لينكدإن|بينتيريست|ماسنجر|البريد الإلكتروني|طباعة|إكس))*",
    r"(?:Facebook|Twitter|WhatsApp|Telegram|LinkedIn|Pinterest|Email|Print|Messenger|Reddit|Tumblr)(?:\s+(?:Facebook|Twitter|WhatsApp|Telegram|LinkedIn|Pinterest|Email|Print|Messenger|Reddit|Tumblr))*",
    r"(?:الإعلانات|إعلان|Advertisement|Publicidad)",
    r"تابعوا? .{0,60} (?:عبر|على) (?:غوغل|جوجل|Google) (?:نيوز|News)",
    r"(?:Botón volver arriba|Back to top button)",
]
#: a read-also / see-also label, any of the languages the crawler meets (the label alone, or
#: the label and the linked headline on one line: «اقرأ أيضاً: …», «Read also | …»)
READ_ALSO_LABEL = (
    r"(?:(?:إقرأ|اقرأ|إقرا|اقرا)\s+(?:أيضاً|أيضا|ايضاً|ايضا|أيضًا)|(?:شاهد|طالع|تابع|انظر)\s+(?:أيضاً|أيضا|ايضاً|ايضا|أيضًا)"
    r"|(?:اقرأ|إقرأ|اقرا)\s+(?:المزيد|كذلك)|ذات صلة|مواضيع ذات صلة|أخبار ذات صلة|للمزيد"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|related(?:\s+(?:story|stories|news|articles?))?|more\s+news"
    r"|lee\s+también|leer\s+más|lire\s+aussi|à\s+lire\s+aussi)"
)
_LINE_PATTERNS = [
    READ_ALSO_LABEL + r"\s*[:：|\-–—»>]\s*\S.*",  # «اقرأ أيضاً: عنوان خبر آخر»
    r"تابعونا(?:\s.{0,120})?",  # «تابعونا على فيسبوك وتويتر» (follow us: always a call to action)
    # «تابعوا آخر الأخبار عبر تطبيق …»: تابعوا/تابع is also a past tense, so a platform must be named
    r"(?:تابعوا|تابع)\s.{0,60}(?:على|عبر|في)\s+(?:\S+\s+){0,2}(?:فيسبوك|فيس بوك|تويتر|إكس|انستغرام|إنستغرام|انستجرام|"
    r"يوتيوب|تيك توك|تلغرام|تيليجرام|تليجرام|واتساب|غوغل|جوجل|تطبيق|قناتنا|قناة|صفحتنا|صفحة|حسابنا|موقعنا)\b.{0,60}",
    r"follow\s+us\s+on\s+.{1,80}",
    # a tag list as a line: «الكلمات الدلالية: كورونا مصر», «Tags: …»
    r"(?:الوسوم|وسوم|الكلمات الدلالية|كلمات دلالية|الكلمات المفتاحية|كلمات مفتاحية|تاجز|tags|etiquetas|keywords)"
    r"\s*[:：]\s*.{0,200}",
]
_RE = re.compile(r"^(?:" + "|".join(_PATTERNS + _LINE_PATTERNS) + r")$", re.IGNORECASE)
_READ_ALSO_LABEL_RE = re.compile(r"^" + READ_ALSO_LABEL + r"\s*[:：|\-–—»>]?$", re.IGNORECASE)
#: what may separate a label from its link: «FUNDA OLUNYE UDABA LAPHA |», «اقرأ أيضاً:»
_SEPARATORS = re.compile(r"[\s:：|\-–—»«>•·،,]+")
#: a closing signature, «(Ed de Leon)», «(أ ف ب)»: a short parenthesized credit alone on the last line
_SIGNATURE = re.compile(r"^[(\[]\s*[^()\[\]]{2,60}?\s*[)\]]$")


def is_boilerplate(line: str) -> bool:
    """True when the whole ``line`` is a known non-article line (share bar, «اقرأ أيضاً» and a
    read-also line with its headline, «تابعونا على …», back-to-top, ad label)."""
    return bool(_RE.match(line.strip()))


def is_signature_line(line: str) -> bool:
    """A closing signature or credit alone on a line, «(Ed de Leon)», «(أ ف ب)» -- not body text
    (at most 6 words in parentheses or brackets)."""
    line = line.strip()
    return bool(_SIGNATURE.match(line)) and len(line.split()) <= 6


def without_signature(blocks: list[str]) -> list[str]:
    """``blocks`` without a closing signature line (:func:`is_signature_line`) at the end."""
    if len(blocks) > 1 and is_signature_line(blocks[-1]):
        return blocks[:-1]
    return blocks


def is_read_also_element(el) -> bool:
    """A paragraph that is a label plus one link to another story: the read-also pattern.

    ``el`` is an lxml element (``p``, ``div``, ``li``).  True when it holds exactly one link
    with text, no block elements, and beside the link only a short label (at most 8 words)
    that is bold (``<strong>``/``<b>``) or a known read-also label, e.g.
    ``<p><strong>FUNDA OLUNYE UDABA LAPHA |</strong> <a>…</a></p>`` (eyethunews.co.za, isiZulu
    «read another story here») or ``<p>اقرأ أيضاً: <a>…</a></p>``.
    """
    if el.xpath(".//p | .//div | .//li | .//ul | .//ol | .//table | .//img | .//iframe"):
        return False
    links = [a for a in el.xpath(".//a[@href]") if (a.text_content() or "").strip()]
    if len(links) != 1:
        return False
    link = links[0]
    link_text = " ".join(link.text_content().split())
    whole = " ".join(el.text_content().split())
    if len(whole) > 300 or not link_text:
        return False
    label = _SEPARATORS.sub(" ", whole.replace(link_text, " ", 1)).strip()
    if not label:
        return False  # a bare link line is left to the other rules
    if len(label.split()) > 8:
        return False
    if _READ_ALSO_LABEL_RE.match(label):
        return True
    bold = " ".join(" ".join(b.text_content().split()) for b in el.xpath(".//strong | .//b")
                    if not b.xpath("ancestor::a") and not b.xpath(".//a"))
    return bool(bold) and _SEPARATORS.sub(" ", bold).strip() == label
