"""Drupal 7 node pages (core field markup, RDFa), e.g. OpenPublish news sites.

Markup facts (``tests/fixtures/pages/assabah.com.tn``, Drupal 7 + OpenPublish):

* ``article.node`` (``typeof="... schema:NewsArticle"``), title ``h1#page-title``
  (a commented-out copy sits above it in some themes: comments are not elements);
* every field is ``div.field.field-name-<name> > div.field-items > div.field-item``;
  the body is ``field-name-body`` (``property="schema:articleBody"``);
* dates from the Date module: ``span.date-display-single`` with the machine value in
  RDFa ``content="2019-02-08T00:00:00+01:00"`` and a localized text;
* taxonomy fields ``field-type-taxonomy-term-reference`` (``field-name-field-tags`` and
  the like), print / social links inside the node's ``div.content``.

A site parser names its own fields (``LEAD_CSS`` subtitle field, category / tag fields).
"""

from __future__ import annotations

from newscrawl.text.dates import read_machine_date
from newscrawl.extractors.base import ArticlePage, _is_midnight


class DrupalArticlePage(ArticlePage):
    parser_name = "drupal"
    ARTICLE_CSS = "article.node div.field-name-body, div.node div.field-name-body"
    TITLE_CSS = "h1#page-title, h1.title, h1"
    BODY_CSS = "article.node div.field-name-body div.field-item, div.node div.field-name-body div.field-item"
    BODY_DROP_CSS = ".print-link, .beacon9-social, .service-links, .addtoany_list, .field-name-field-tags"
    #: RDFa date of the node (``content`` holds the machine value)
    RDFA_DATE_CSS = "article.node span.date-display-single[content], span[property='dc:date'][content]"
    TAG_CSS = "div.field-name-field-tags div.field-item a"

    def published(self):
        dt, raw = super().published()
        if dt is not None:
            return dt, raw
        for el in self.sel.css(self.RDFA_DATE_CSS):
            value = el.attrib.get("content", "").strip()
            machine = read_machine_date(value, tz=self.tz) if value else None
            if machine is not None:
                shown = " ".join(el.css("::text").getall()).strip()
                # the precision is what the page shows: «الجمعة 8 فيفري 2019» for a midnight value is a day
                visible = self._read_visible(shown)
                precision = machine.precision
                if (visible is not None and not visible.ambiguous and visible.value.date() == machine.value.date()
                        and _is_midnight(machine.value)):
                    precision = visible.precision
                raw = shown or value
                self._precisions["published"] = (raw, precision)
                return machine.value, raw
        return dt, raw
