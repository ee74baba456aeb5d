"""Assabah (الصباح, Tunis) -- Drupal 7 + OpenPublish (see :mod:`newscrawl.extractors.drupal`).

Particular to the site (``tests/fixtures/pages/assabah.com.tn``):

* the date field is ``field-name-field-op-date-paper-online`` (the print-edition day):
  «الجمعة 8 فيفري 2019» (Maghrebi month name فيفري = February), RDFa
  ``content="2019-02-08T00:00:00+01:00"``: a date only, no time;
* the byline is the first line of the body, «حوار: آسيا العتروس» (interview by ...),
  often in ``<strong>``: it is moved to ``author`` and left out of the body;
* subtitle field ``field-name-field-op-subtitle`` is the lead;
* no categories or tags on article pages.
"""

from __future__ import annotations

import re

from newscrawl.extractors.base import clean_byline
from newscrawl.extractors.drupal import DrupalArticlePage

#: a first body line that is a byline: «حوار: فلان», «بقلم: فلان», «كتب: فلان», «إعداد: ...»
_BYLINE_LINE = re.compile(r"^(?:حوار|بقلم|كتب|كتبت|إعداد|اعداد|متابعة)\s*[:：]\s*\S.{0,60}$")


class AssabahArticlePage(DrupalArticlePage):
    parser_name = "assabah"
    LEAD_CSS = "div.field-name-field-op-subtitle div.field-item"
    RDFA_DATE_CSS = "div.field-name-field-op-date-paper-online span.date-display-single[content], " + DrupalArticlePage.RDFA_DATE_CSS

    def _blocks(self):
        return super().body()

    def body(self):
        blocks = self._blocks()
        if blocks and _BYLINE_LINE.match(blocks[0]):
            blocks = blocks[1:]
        return blocks

    def byline(self):
        blocks = self._blocks()
        if blocks and _BYLINE_LINE.match(blocks[0]):
            return clean_byline(blocks[0])
        return super().byline()
