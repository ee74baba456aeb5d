"""Lines that are never article text, whatever the site.

A body block is dropped when it *is* one of these (whole-line match, after
whitespace collapsing).  Site parsers remove the containing elements by CSS
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
_RE = re.compile(r"^(?:" + "|".join(_PATTERNS) + r")$", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    """True when the whole ``line`` is a known non-article line (share bar, «اقرأ أيضاً», back-to-top, ad label)."""
    return bool(_RE.match(line.strip()))
