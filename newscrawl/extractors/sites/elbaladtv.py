"""Sada El Balad TV (قناة صدى البلد, elbaladtv.net, Cairo): WordPress + JNews.

Everything it needs is JNews markup (:mod:`newscrawl.extractors.jnews`); the page
carries two SEO plugins (og:url / og:title twice; Rank Math's ``og:title`` ends in
« - قناة صدى البلد»), so the title comes from the h1 and the date from
``article:published_time`` (UTC; the visible «2020/12/25 - 1:59 صباحًا» is Cairo time, the
same instant).  The only category is the WordPress category «featured».
"""

from newscrawl.extractors.jnews import JNewsArticlePage


class ElbaladtvArticlePage(JNewsArticlePage):
    parser_name = "elbaladtv"
