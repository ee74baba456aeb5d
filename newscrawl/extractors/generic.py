"""Generic fallback for sites without a parser (and for a site parser that finds no body).

Metadata first, then text:

* **title**: the ``<h1>`` that best matches the page's declared titles (JSON-LD
  ``headline``, ``og:title``, ``<title>``), because many pages have a logo ``<h1>`` as
  well; else the JSON-LD headline, ``og:title``, trafilatura's title;
* **published** / **modified**: JSON-LD -> ``<meta>`` (OpenGraph, ``pubdate``, ``itemprop``) ->
  ``<time datetime>``, then schema.org microdata / RDFa attributes
  (``[itemprop=datePublished][content|datetime]``, ``[property="dc:date"][content]``); when
  these give only a day or nothing, the visible date line near the headline
  (:meth:`ArticlePage.date_reading`, with its precision); a full date in the URL last, as a
  day.  trafilatura's (htmldate's) date is not used: it turns a URL's year into 1 January;
* **author**: JSON-LD Person -> ``<meta name=author>`` / ``article:author`` -> microdata / ``rel=author``
  / byline-classed elements -> a leading «حوار: / بقلم: / كتب» body line -> trafilatura; a
  byline that is the publisher's own name (``og:site_name``, JSON-LD publisher) is not an author;
  «name - city» loses its dateline city, a parenthesized credit «(أبوظبي - البيان)» is kept whole;
* **body**: trafilatura (a maintained boilerplate remover; we do not write our own), minus
  lines that repeat the title or the byline, known boilerplate lines, read-also paragraphs
  (a label + one link), in-body crossheads and a closing «(name)» signature; on WordPress pages
  the ``<br>`` parts of one ``<p>`` are one paragraph again; a schema.org ``itemprop=description``
  standfirst element is put back in front when trafilatura dropped it (not when it repeats a
  body sentence: a pull-quote);
* **images**: ``og:image``, then the images inside the text's own container (the lowest common
  ancestor of the first and last paragraph, when it is mostly article text), read with the rules
  of :mod:`newscrawl.extractors.images`; linked thumbnails (other stories) and SVG icons skipped;
* **categories / tags**: JSON-LD ``articleSection`` -> ``article:section`` -> the first microdata
  ``articleSection``; ``article:tag``.

Items are flagged ``extraction="generic"``.
"""

from __future__ import annotations

import logging

import re
from functools import cached_property

import trafilatura

# trafilatura logs unparseable input ("empty HTML tree") at ERROR; for us that is a
# counted drop (no_body / not_an_article), not an error of the crawl
logging.getLogger("trafilatura.core").setLevel(logging.CRITICAL)

from newscrawl.text.dates import read_machine_date
from newscrawl.extractors.base import ArticlePage, _as_list
from newscrawl.extractors.boilerplate import is_boilerplate, is_read_also_element, without_signature
from newscrawl.extractors.html import first_text, text_blocks
from newscrawl.extractors.images import add_image, article_images

_WS = re.compile(r"\s+")
#: a body line that is a byline, «حوار: آسيا العتروس», «كتبت أسماء نصار»
_BYLINE_LINE = re.compile(r"^(?:حوار|بقلم|كتبت|كتب|إعداد|اعداد|تقرير|متابعة)\s*[:：]?\s+(\S.{1,50})$")
_END_PUNCT = re.compile(r"[.!?؟…:؛»\")]$")
_ARTICLE_TYPE = re.compile(r"(?:News|Reportage|Analysis|Opinion|Blog)?(?:Article|Posting)\b")
#: og:type values that say "not an article"
_NOT_ARTICLE_OG = {"website", "profile", "video.other", "music.song", "book"}
_MICRODATA_DATE_CSS = ("[itemprop=datePublished], [property='dc:date'], [property='article:published_time'], "
                       "[itemprop=dateCreated]")
_BYLINE_CSS = ("a[rel~=author], .byline, .meta-author, .author-name, .writeBy, [class*=byline], [class*=writer], "
               ".post-author, .article-author, .entry-author, .td-post-author-name, .jeg_meta_author, "
               ".post-meta-author, .author-link, [itemprop=author]")
#: the label of a visible tag block (the whole text of its element)
_TAG_LABEL = re.compile(r"^(?:الكلمات الدلالية|الكلمات المفتاحية|كلمات مفتاحية|كلمات دلالية|الوسوم|وسوم|الكلمات الدالة|"
                        r"tags|keywords|topics)\s*[:：]?$", re.I)
#: link texts in a byline element that are not a name
_NOT_A_NAME = re.compile(r"^(?:send an email|email|e-mail|twitter|facebook|more|المزيد|راسل|أرسل|ارسل|تويتر|فيسبوك)\b", re.I)


def _norm(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def _crosshead(line: str, max_words: int = 4) -> bool:
    words = line.split()
    return 0 < len(words) <= max_words and not _END_PUNCT.search(line)


class GenericArticlePage(ArticlePage):
    parser_name = "generic"
    TITLE_CSS = "h1"
    #: a page with less main text than this (characters) is not taken for an article
    MIN_BODY_CHARS = 200

    @cached_property
    def _doc(self):
        try:
            return trafilatura.bare_extraction(
                self.response.text,
                url=self.response.url,
                include_comments=False,
                include_tables=False,
                include_images=False,
                with_metadata=True,
            )
        except Exception:  # trafilatura raises on some malformed trees; a fallback must not crash
            return None

    # ---- routing -------------------------------------------------------------
    def _article_markup(self) -> bool:
        """schema.org microdata / RDFa says the page is an article."""
        types = " ".join(self.sel.xpath("//@itemtype | //@typeof").getall())
        return bool(_ARTICLE_TYPE.search(types))

    def is_article(self) -> bool:
        if super().is_article() or self._article_markup():
            return True
        og_type = (self.meta.meta("og:type") or "").lower()
        if og_type in _NOT_ARTICLE_OG:
            return False
        text = getattr(self._doc, "text", None) or ""
        return len(text) >= self.MIN_BODY_CHARS and bool(self.sel.css("h1"))

    # ---- title -----------------------------------------------------------------
    def _declared_titles(self) -> list[str]:
        out = [self.meta.ld("headline"), self.meta.meta("og:title", "twitter:title"), self.sel.css("title::text").get()]
        return [_norm(t) for t in out if t and _norm(t)]

    def title(self) -> str | None:
        h1s = [_norm(" ".join(h.css("::text").getall())) for h in self.sel.css("h1")]
        h1s = [h for h in h1s if h]
        declared = self._declared_titles()
        best, best_score = None, 0.0
        for h in h1s:
            hw = set(h.split())
            for d in declared:
                dw = set(d.split())
                score = len(hw & dw) / max(len(hw), 1)
                if score > best_score:
                    best, best_score = h, score
        if best and best_score >= 0.5:
            return best
        if declared:
            return declared[0]
        return h1s[0] if h1s else getattr(self._doc, "title", None)

    # ---- date --------------------------------------------------------------------
    def headline_element(self):
        """The ``<h1>`` whose text is the chosen title (a logo ``<h1>`` may come first)."""
        title = _norm(self.title())
        for h in self.sel.css("h1"):
            if _norm(" ".join(h.css("::text").getall())) == title:
                return h
        return super().headline_element()

    def machine_date_readings(self, kind: str):
        """JSON-LD -> ``<meta>`` -> ``<time datetime>`` (:class:`ArticlePage`), then schema.org
        microdata / RDFa attributes (``[itemprop=datePublished][content|datetime]``,
        ``[property="dc:date"][content]``; ``dateModified`` for ``kind="modified"``)."""
        out = super().machine_date_readings(kind)
        css = _MICRODATA_DATE_CSS if kind == "published" else "[itemprop=dateModified], [property='dc:modified']"
        for el in self.sel.css(css):
            value = (el.attrib.get("content") or el.attrib.get("datetime") or "").strip()
            r = read_machine_date(value, tz=self.tz) if value else None
            if r is not None:
                out.append((r, value))
        return out

    # ---- author ------------------------------------------------------------------
    @cached_property
    def _raw_lines(self) -> list[str]:
        text = getattr(self._doc, "text", None) or ""
        return [_norm(line) for line in text.split("\n") if _norm(line)]

    def _byline_line(self) -> str | None:
        for line in self._raw_lines[:3]:
            m = _BYLINE_LINE.match(line)
            if m:
                return line
        return None

    def _microdata_author(self) -> str | None:
        """schema.org microdata ``itemprop=author`` that is a Person (an Organization is the publisher)."""
        for el in self.sel.css("body [itemprop=author]"):
            if "Organization" in (el.attrib.get("itemtype") or ""):
                continue
            name = el.css("[itemprop=name]")
            if name:
                el = name[0]
            value = el.attrib.get("content") or _norm(" ".join(el.css("::text").getall()))
            if value:
                return value
        return None

    def _byline_element(self) -> str | None:
        """The text of a byline-classed element of the article (not of a sidebar, related-posts
        box or footer).  When the element holds links, the first link that is not a mail/share
        link is the name (Jannah's ``span.meta-author`` wraps the name link and a «Send an
        email» link)."""
        for el in self.sel.css(_BYLINE_CSS):
            if el.xpath("ancestor::aside | ancestor::footer | ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' widget ')]"
                        " | ancestor::*[contains(@class, 'related')] | ancestor::*[contains(@class, 'author-box')]"
                        " | ancestor::*[contains(@class, 'about-author')]"):
                continue
            links = [a for a in el.css("a") if not (a.attrib.get("href") or "").startswith(("mailto:", "tel:"))
                     and "share" not in (a.attrib.get("class") or "")]
            for a in links:
                text = _norm(" ".join(a.css("::text").getall()))
                if text and not _NOT_A_NAME.search(text):
                    return text
            text = _norm(" ".join(el.css("::text").getall()))
            if text:
                return text
        return None

    def credit_candidates(self):
        yield from super().credit_candidates()
        yield self._microdata_author()
        yield self._byline_element()
        yield self._byline_line()
        yield getattr(self._doc, "author", None)

    # ---- body --------------------------------------------------------------------
    @cached_property
    def _read_also(self) -> frozenset[str]:
        out = set()
        for el in self.sel.root.xpath("//body//p | //body//li"):  # lxml elements: no Selector per paragraph
            if is_read_also_element(el):
                out.add(_norm(el.text_content()))
        return frozenset(out)

    def _read_also_texts(self) -> frozenset[str]:
        """Texts of the page's read-also paragraphs (label + one link, :func:`is_read_also_element`);
        read once per page."""
        return self._read_also

    def _heading_standfirst(self) -> str | None:
        """A heading (``h2.entry-sub-title`` and the like) whose text is the page's description:
        the standfirst printed under the title, which is the ``lead``, not body."""
        description = _norm(self.lead())
        if not description:
            return None
        for text in self.sel.xpath("//body//*[self::h2 or self::h3 or self::h4]").xpath("normalize-space(.)").getall():
            if text and _norm(text) == description:
                return description
        return None

    def _wordpress(self) -> bool:
        generator = (self.meta.meta("generator") or "").lower()
        return generator.startswith("wordpress") or bool(self.sel.xpath("//link[contains(@href, '/wp-content/')]"))

    def _rejoin_br_lines(self, lines: list[str]) -> list[str]:
        """WordPress (``wpautop``): a ``<br>`` inside a ``<p>`` is a line break of that paragraph, but
        trafilatura writes it as a new line; lines that are the ``<br>`` parts of one ``<p>`` are joined
        again, read as :func:`text_blocks` reads the ``<p>`` (``olwedlule. Ngokuthola``)."""
        joined = {}
        for p in self.sel.xpath("//body//p[.//br]"):
            parts = text_blocks(p)  # split at every <br>
            if len(parts) > 1:
                joined[tuple(parts)] = text_blocks(p, split_br_in_p=False)
        if not joined:
            return lines
        # indexed by first line, in page order: each body line is compared with the few <p>s
        # starting with it, not with every <p> of the page (linear in paragraphs, not quadratic)
        by_first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        for parts, whole in joined.items():
            by_first.setdefault(parts[0], []).append((parts, whole))
        out, i = [], 0
        while i < len(lines):
            for parts, whole in by_first.get(lines[i], ()):
                if tuple(lines[i:i + len(parts)]) == parts:
                    out.extend(whole)
                    i += len(parts)
                    break
            else:
                out.append(lines[i])
                i += 1
        return out

    def body(self) -> list[str]:
        title = _norm(self.title())
        byline = self._byline_line()
        read_also = self._read_also_texts()
        standfirst = self._heading_standfirst()
        lines = []
        for line in self._raw_lines:
            if line == title or line == byline or is_boilerplate(line) or _crosshead(line) or line in read_also:
                continue
            if line == standfirst and not lines:  # the subtitle heading above the text (it is the lead)
                continue
            lines.append(line)
        if self._wordpress():
            lines = self._rejoin_br_lines(lines)
        # a microdata standfirst (schema.org description on a visible element) that trafilatura dropped;
        # one that repeats a body sentence is a pull-quote, not a standfirst
        for el in self.sel.xpath("//body//*[@itemprop='description'][not(self::meta)]"):
            lead = " ".join(text_blocks(el))
            if len(lead) >= 40 and lines and not any(lead[:40] in l for l in lines):
                lines.insert(0, lead)
            break
        return without_signature(lines)

    def lead(self) -> str | None:
        return self.meta.meta("og:description", "description") or self.meta.ld("description")

    # ---- images ------------------------------------------------------------------
    def _text_container(self):
        """The innermost element holding the first and the last body paragraph (None when that is
        the whole ``<body>``: then the page's text has no container of its own)."""
        body = self._body_cached
        if not body:
            return None
        candidates = self.sel.root.xpath("//body//p | //body//div[not(.//p)]")

        def holder(line):
            probe = line[:40]
            for el in candidates:
                if probe in _norm(el.text_content()):
                    return el
            return None

        first, last = holder(body[0]), holder(body[-1])
        if first is None or last is None:
            return None
        ancestors = {id(a) for a in first.iterancestors()} | {id(first)}
        node = last
        while node is not None and id(node) not in ancestors:
            node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return None
        # a container that is mostly something else (a page-wide wrapper with menus, lists of
        # other stories) is no guide to which images belong to the article
        body_chars = sum(len(b) for b in body)
        if body_chars < 0.6 * len(_norm(node.text_content())):
            return None
        return node

    def images(self) -> list[dict]:
        """``og:image`` first, then the images inside the text's container (lazy-loading, placeholder,
        ad and one-per-picture rules of :mod:`newscrawl.extractors.images`)."""
        out = super().images()
        container = self._text_container()
        if container is not None:
            from parsel import Selector

            # not: an image that links to another page (a related story's thumbnail), an icon
            css = "img:not(a[href] img):not([src$='.svg'])"
            for entry in article_images(Selector(root=container), css, self.response.url):
                add_image(out, entry["url"], entry["caption"])
        return out

    # ---- sections ------------------------------------------------------------------
    def categories(self) -> list[str]:
        cats = [s for s in _as_list(self.meta.article.get("articleSection")) if isinstance(s, str) and s.strip()]
        if not cats:
            cats = self.meta.metas("article:section")
        if not cats:
            el = self.sel.css("[itemprop=articleSection]")
            if el:
                v = el[0].attrib.get("content") or _norm(" ".join(el[0].css("::text").getall()))
                cats = [v] if v else []
        if not cats:
            cats = self._rel_links("category")
        return [_norm(c) for c in cats if _norm(c)]

    def _rel_links(self, rel: str) -> list[str]:
        """Texts of ``<a rel="category tag">`` / ``<a rel="tag">`` links (WordPress ``the_category()`` /
        ``the_tags()``, the rel-tag microformat) outside menus, sidebars, widgets and related-post boxes,
        in page order, unique.  ``rel="tag"`` alone: a category link (``rel="category tag"``) is no tag."""
        out: list[str] = []
        for a in self.sel.xpath(f"//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' {rel} ')]"):
            rels = set((a.attrib.get("rel") or "").split())
            if rel == "tag" and "category" in rels:
                continue
            if a.xpath("ancestor::nav | ancestor::aside | ancestor::footer | ancestor::header[not(ancestor::article)]"
                       " | ancestor::*[contains(@class, 'widget') or contains(@class, 'related') or contains(@class, 'menu')"
                       " or contains(@class, 'sidebar')]"):
                continue
            text = _norm(" ".join(a.css("::text").getall()))
            if text and text not in out:
                out.append(text)
        return out

    def tags(self) -> list[str]:
        """``article:tag`` metas, else the article's JSON-LD ``keywords`` (a list, or one
        comma-separated string; eyethunews.co.za's tags are only there)."""
        tags = self.meta.metas("article:tag")
        if tags:
            return tags
        keywords = self.meta.article.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        tags = [_norm(k) for k in keywords or [] if isinstance(k, str) and _norm(k)]
        return tags or self._rel_links("tag") or self._labelled_tag_links()

    def _labelled_tag_links(self) -> list[str]:
        """The links of a visible tag block: an element whose whole text is a tag label
        («الكلمات الدلالية:», «الوسوم», «كلمات مفتاحية», "Tags:") and the links beside it in
        the same parent (arabic.sputniknews.com's ``b-article__refs-tags``).  Only a block of
        1 to 30 short links outside menus, sidebars and related-post boxes counts."""
        for raw in self.sel.root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::a)]"):
            if len(raw) > 60 or not raw.is_text or not _TAG_LABEL.match(_norm(raw)):
                continue
            label = raw.getparent()
            if label is None or _norm(label.text_content()) != _norm(raw):
                continue  # the label must be its element's whole text, not a word of a sentence
            parent = label.getparent()
            if parent is None or parent.xpath(
                    "ancestor-or-self::nav | ancestor-or-self::aside | ancestor::footer"
                    " | ancestor-or-self::*[contains(@class, 'widget') or contains(@class, 'related')"
                    " or contains(@class, 'menu') or contains(@class, 'sidebar')]"):
                continue
            links = [_norm(a.text_content()) for a in parent.iter("a")]
            links = [t for t in links if t]
            if 1 <= len(links) <= 30 and all(len(t.split()) <= 6 for t in links):
                return list(dict.fromkeys(links))
        return []

    def to_item(self):
        item = super().to_item()
        item["extraction"] = "generic"
        return item
