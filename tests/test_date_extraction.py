"""How page objects obtain dates: precision, the visible date line, URL dates, Hijri lines.

Real pages from tests/fixtures/pages (their .expected.json notes name each page's date
traps), read with and without their machine-readable metadata; small synthetic pages for
one rule each.  Issue 11 item 3, issue 19.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse, Request

from newscrawl.feeds.export import article_to_jsonfeed_item
from newscrawl.feeds.exporters import JsonLinesExporter
from newscrawl.extractors.generic import GenericArticlePage
from newscrawl.extractors.jannah import JannahArticlePage
from newscrawl.storage.writer import ops_for_item

PAGES = Path(__file__).parent / "fixtures" / "pages"
UTC = timezone.utc
#: crawl time used for relative dates («20 hours ago»)
NOW = datetime(2022, 4, 22, 12, 0, tzinfo=UTC)

#: machine-readable date sources: JSON-LD blocks, <meta> dates, time[datetime], microdata
_MACHINE = [
    re.compile(rb"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.S | re.I),
    re.compile(rb"<meta[^>]+(?:published_time|modified_time|updated_time|datePublished|dateModified|pubdate)[^>]*>", re.I),
    re.compile(rb'\s(?:datetime|content)="\d{4}-\d\d-\d\d[^"]*"', re.I),
]


def page_file(site: str) -> tuple[Path, dict]:
    oracle_path = next((PAGES / site).glob("*.expected.json"))
    return oracle_path.with_name(oracle_path.name.removesuffix(".expected.json") + ".html"), json.loads(oracle_path.read_text("utf-8"))


def response(site: str, *, strip_machine: bool = False, url: str | None = None) -> HtmlResponse:
    html, oracle = page_file(site)
    body = html.read_bytes()
    if strip_machine:
        for rx in _MACHINE:
            body = rx.sub(b" ", body)
    u = url or oracle["url"]
    return HtmlResponse(u, body=body, request=Request(u))


def generic(site: str, tz: str = "UTC", **kw) -> GenericArticlePage:
    return GenericArticlePage(response(site, **kw), site="t", tz=tz, now=NOW)


# ---- real pages with their metadata ---------------------------------------------------------

@pytest.mark.parametrize("site,tz,precision", [
    ("albayan.ae", "Asia/Dubai", "minute"),  # «2020-06-03T03:01+0400»
    ("arabic.sputniknews.com", "UTC", "second"),  # «2020-03-17T17:27:41Z»
    ("thenassauguardian.com", "America/Nassau", "second"),
    ("hatawtabloid.com", "Asia/Manila", "second"),
    ("eyethunews.co.za", "Africa/Johannesburg", "second"),
])
def test_metadata_with_a_time_keeps_its_precision(site, tz, precision):
    item = generic(site, tz).to_item()
    assert item["published_precision"] == precision


def test_midnight_metadata_shown_as_a_date_only_is_a_day():
    # assabah: content="2019-02-08T00:00:00+01:00", shown «الجمعة 8 فيفري 2019» (print edition)
    item = generic("assabah.com.tn", "Africa/Tunis").to_item()
    assert item["published"] == datetime(2019, 2, 7, 23, 0, tzinfo=UTC)
    assert item["published_precision"] == "day"


def test_theme_today_date_widgets_are_never_candidates():
    # Sahifa span.today-date «Tuesday , February 18 2020», Jannah .topbar-today-date «Tuesday, November 25 2025»,
    # Jannah nav «Friday, April 22 2022»: render dates
    for site in ("hatawtabloid.com", "eyethunews.co.za", "thenassauguardian.com"):
        raws = [r.raw for r in generic(site).visible_date_readings()]
        assert raws, site
        assert not any("Tuesday" in r or "Friday" in r for r in raws), (site, raws)


# ---- the same pages without machine-readable dates: the visible date line -------------------

@pytest.mark.parametrize("site,tz,expected,precision", [
    ("youm7.com", "Africa/Cairo", datetime(2020, 8, 24, 9, 23), "minute"),  # «الإثنين، 24 أغسطس 2020 09:23 ص»
    ("elbaladtv.net", "Africa/Cairo", datetime(2020, 12, 25, 1, 59), "minute"),  # «2020/12/25 - 1:59 صباحًا»
    ("alyaum.com", "Asia/Riyadh", datetime(2020, 12, 1, 2, 0), "minute"),  # «٠٢:٠٠ الثلاثاء ١ / ١٢ / ٢٠٢٠»
    ("lbcgroup.tv", "Asia/Beirut", datetime(2026, 1, 8, 12, 42), "minute"),  # «2026-01-08 | 12:42»
    ("hatawtabloid.com", "Asia/Manila", datetime(2020, 2, 18), "day"),  # «on February 18, 2020», not today-date
    ("eyethunews.co.za", "Africa/Johannesburg", datetime(2025, 11, 6), "day"),  # not «November 25 2025»
    ("assabah.com.tn", "Africa/Tunis", datetime(2019, 2, 8), "day"),  # «الجمعة 8 فيفري 2019»
])
def test_visible_date_line_when_metadata_is_missing(site, tz, expected, precision):
    page = generic(site, tz, strip_machine=True)
    assert page.machine_date_readings("published") == []
    item = page.to_item()
    assert item["published"] == expected.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    assert item["published_precision"] == precision


def test_relative_visible_line_is_read_against_the_crawl_time():
    # thenassauguardian.com: the only visible article date is «20 hours ago»
    item = generic("thenassauguardian.com", "America/Nassau", strip_machine=True).to_item()
    assert item["published"] == datetime(2022, 4, 21, 16, 0, tzinfo=UTC)
    assert item["published_precision"] == "hour"
    assert item["published_raw"] == "20 hours ago"


def test_jannah_base_reads_its_post_meta_date_without_metadata():
    page = JannahArticlePage(response("eyethunews.co.za", strip_machine=True), site="t", tz="Africa/Johannesburg", now=NOW)
    r = page.date_reading("published")
    assert (r.value.date(), r.precision, r.raw) == (date(2025, 11, 6), "day", "November 6, 2025")


def test_url_full_date_is_the_last_resort_as_a_day():
    # hatawtabloid.com's URL carries /2020/02/18/; with no date on the page it is used, as a day
    body = b"<html><body><h1>Aktres, sunod-sunuran sa aktor BF</h1><div class='entry'>" + b"<p>" + b"x " * 150 + b"</p></div></body></html>"
    url = "https://www.hatawtabloid.com/2020/02/18/aktres-sunod-sunuran-sa-aktor-bf/"
    page = GenericArticlePage(HtmlResponse(url, body=body, request=Request(url)), site="t", tz="Asia/Manila", now=NOW)
    item = page.to_item()
    assert item["published"] == datetime(2020, 2, 17, 16, 0, tzinfo=UTC)  # Manila midnight
    assert item["published_precision"] == "day"
    assert item["published_raw"] == "2020/02/18"


@pytest.mark.parametrize("path", ["/2020/aktres/", "/2020/02/aktres/", "/news/2020-02/aktres/"])
def test_a_url_year_or_year_month_is_never_a_date(path):
    body = b"<html><body><h1>T</h1><p>" + b"x " * 150 + b"</p></body></html>"
    url = "https://example.com" + path
    item = GenericArticlePage(HtmlResponse(url, body=body, request=Request(url)), site="t", tz="UTC", now=NOW).to_item()
    assert item["published"] is None and item["published_precision"] is None


def test_url_date_loses_to_the_visible_line():
    html, _ = page_file("hatawtabloid.com")
    url = "https://www.hatawtabloid.com/2019/01/01/aktres-sunod-sunuran-sa-aktor-bf/"
    item = generic("hatawtabloid.com", "Asia/Manila", strip_machine=True, url=url).to_item()
    assert item["published"].astimezone(ZoneInfo("Asia/Manila")).date() == date(2020, 2, 18)


# ---- one rule each (synthetic) ----------------------------------------------------------------

def _page(body_html: str, *, head: str = "", url: str = "https://example.com/news/slug", tz: str = "Asia/Riyadh",
          day_first=None, cls=GenericArticlePage):
    html = f"<html><head>{head}</head><body>{body_html}</body></html>".encode()
    return cls(HtmlResponse(url, body=html, request=Request(url)), site="t", tz=tz, now=NOW, day_first=day_first)


_BODY = "<div class='entry-content'><p>" + "نص الخبر " * 40 + "</p></div>"


def test_a_date_in_the_body_text_is_never_the_article_date():
    page = _page("<article><h1>عنوان الخبر</h1><div class='entry-content'><p>اجتمع المجلس في "
                 "<span class='date'>14 مارس 2024 10:00</span> وقرر</p>" + "<p>" + "نص " * 80 + "</p></div></article>")
    assert page.date_reading("published") is None


def test_ambiguous_line_settled_by_the_metadata_day():
    head = '<meta property="article:published_time" content="2020-05-04">'
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>04/05/2020 10:30</span></div>" + _BODY + "</article>", head=head)
    r = page.date_reading("published")
    assert (r.value, r.precision) == (datetime(2020, 5, 4, 10, 30, tzinfo=ZoneInfo("Asia/Riyadh")), "minute")


def test_ambiguous_line_without_basis_is_not_used_but_reported():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>04/05/2020 10:30</span></div>" + _BODY + "</article>",
                 url="https://example.com/2020/04/05/slug")
    assert page.date_reading("published") is None
    item = page.to_item()
    # not the URL date either: the page states a date, only its order is unknown
    assert item["published"] is None and item["published_raw"] == "04/05/2020 10:30"


def test_spider_counts_and_logs_an_ambiguous_date_as_unparsed(caplog):
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.generic import GenericSpider

    url = "https://example.com/news/slug"
    html = ("<html><head><meta property='og:type' content='article'></head><body><article><h1>عنوان</h1>"
            "<div class='post-meta'><span class='date'>04/05/2020 10:30</span></div>" + _BODY + "</article></body></html>")
    crawler = get_crawler(GenericSpider, settings_dict={"MONGO_ENABLED": False, "ITEM_PIPELINES": {}, "FEEDS": {}})
    spider = GenericSpider.from_crawler(crawler, url=url)
    out = list(spider.parse(HtmlResponse(url, body=html.encode(), request=Request(url))))
    assert [o["published"] for o in out if hasattr(o, "fields")] == [None]
    assert crawler.stats.get_value("newscrawl/dates/unparsed") == 1
    assert "04/05/2020 10:30" in caplog.text


@pytest.mark.parametrize("day_first,expected", [(True, datetime(2020, 5, 4, 10, 30)), (False, datetime(2020, 4, 5, 10, 30))])
def test_ambiguous_line_with_the_site_order(day_first, expected):
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>04/05/2020 10:30</span></div>" + _BODY + "</article>",
                 day_first=day_first)
    assert page.date_reading("published").value == expected.replace(tzinfo=ZoneInfo("Asia/Riyadh"))


def test_day_only_metadata_takes_the_time_of_the_visible_line_on_that_day():
    head = '<meta property="article:published_time" content="2020-10-07">'
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>الأربعاء، 07 أكتوبر 2020 - 12:09 م</span></div>"
                 + _BODY + "</article>", head=head)
    r = page.date_reading("published")
    assert (r.value, r.precision) == (datetime(2020, 10, 7, 12, 9, tzinfo=ZoneInfo("Asia/Riyadh")), "minute")


def test_day_only_metadata_is_a_day_not_midnight():
    head = '<meta property="article:published_time" content="2020-10-07">'
    item = _page("<article><h1>عنوان</h1>" + _BODY + "</article>", head=head).to_item()
    assert item["published"] == datetime(2020, 10, 6, 21, 0, tzinfo=UTC)
    assert item["published_precision"] == "day"


def test_visible_line_with_a_time_is_preferred_to_a_day_only_line():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>7 أكتوبر 2020</span>"
                 "<span class='time'>تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً</span></div>" + _BODY + "</article>")
    r = page.date_reading("published")
    assert (r.value.replace(tzinfo=None), r.precision) == (datetime(2020, 4, 24, 21, 22), "minute")


def test_hijri_only_visible_line():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>السبت / 29 / جمادى الآخرة / 1439 هـ</span></div>"
                 + _BODY + "</article>")
    r = page.date_reading("published")
    assert (r.value.date(), r.precision) == (date(2018, 3, 17), "day")


def test_modified_reads_only_an_update_line():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>7 أكتوبر 2020 10:00</span>"
                 "<span class='date'>آخر تحديث: 8 أكتوبر 2020 14:00</span></div>" + _BODY + "</article>")
    assert page.date_reading("published").value.day == 7
    assert page.date_reading("modified").value.replace(tzinfo=None) == datetime(2020, 10, 8, 14, 0)


# ---- precision travels with the item: feeds, MongoDB, JSON Feed -------------------------------

def test_precision_is_kept_in_feeds_mongodb_and_json_feed():
    item = generic("assabah.com.tn", "Africa/Tunis").to_item()
    assert item["published_precision"] == "day"
    buf = io.BytesIO()
    exporter = JsonLinesExporter(buf)
    exporter.start_exporting()
    exporter.export_item(item)
    exporter.finish_exporting()
    assert json.loads(buf.getvalue().decode())["published_precision"] == "day"
    doc = ops_for_item(item)[0].update["$set"]
    assert doc["published_precision"] == "day"
    assert article_to_jsonfeed_item(dict(item))["_newscrawl"]["published_precision"] == "day"


def test_page_learns_its_numeric_order_from_its_unambiguous_dates():
    # alyaum.com prints «الاحد 26 / 04 / 2020 03:44» and «22 / 03 / 2020» in its lists: day first
    assert generic("alyaum.com", "Asia/Riyadh").page_day_first is True
    # an English page with month names only shows no numeric order
    assert generic("thenassauguardian.com").page_day_first is None


def test_ambiguous_line_settled_by_the_pages_own_order():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>04/05/2020 10:30</span></div>" + _BODY
                 + "</article><ul><li><span class='date'>26/04/2020</span></li></ul>")
    assert page.page_day_first is True
    r = page.date_reading("published")
    assert (r.value.replace(tzinfo=None), r.ambiguous) == (datetime(2020, 5, 4, 10, 30), False)


def test_time_alone_on_the_date_line_completes_a_day_only_metadata_date():
    head = '<meta property="article:modified_time" content="2020-06-03">'
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>آخر تحديث 14:00 (GMT+0400)</span></div>"
                 + _BODY + "</article>", head=head, tz="Asia/Dubai")
    r = page.date_reading("modified")
    assert r.value == datetime(2020, 6, 3, 10, 0, tzinfo=UTC) and r.precision == "minute"


def _site_article(site: str):
    """The article the site's own spider extracts from the saved page."""
    from tests.test_sites import crawl

    oracle_path = next((PAGES / site).glob("*.expected.json"))
    return crawl(oracle_path)[2][0]


@pytest.mark.parametrize("site,published,modified", [
    ("youm7.com", "minute", "second"),  # visible «… 09:23 ص»; meta «2020-08-24T09:23:13Z» read as Cairo time
    ("assabah.com.tn", "day", None),  # RDFa midnight shown «الجمعة 8 فيفري 2019»
    ("albayan.ae", "minute", "minute"),
    ("arabic.sputniknews.com", "second", "second"),
])
def test_site_parsers_set_both_precisions(site, published, modified):
    item = _site_article(site)
    assert (item["published_precision"], item["modified_precision"]) == (published, modified)
    assert (item["modified"] is None) == (modified is None)


def test_precision_round_trips_through_a_real_mongodb_server(mongo_uri, tmp_path):
    import pymongo

    from newscrawl.storage.spool import Spool
    from newscrawl.storage.writer import MongoWriter, WriterSettings

    item = generic("assabah.com.tn", "Africa/Tunis").to_item()
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    db = "newscrawl_test_precision"
    try:
        client.drop_database(db)
        writer = MongoWriter(client, db, WriterSettings(retry_backoff=0.0), Spool(tmp_path / "spool"), uri=mongo_uri)
        assert writer.open().available
        seg = writer.spool.new_segment()
        seg.append(ops_for_item(item))
        assert writer.flush(seg) == {"written": 1}
        writer.close()
        doc = client[db]["articles"].find_one({"canonical_url": item["canonical_url"]})
        assert doc["published_precision"] == "day"
        assert doc["published"] == datetime(2019, 2, 7, 23, 0, tzinfo=UTC)
        assert doc["modified_precision"] is None
    finally:
        client.drop_database(db)
        client.close()


def test_a_relative_day_is_stored_as_that_days_midnight():
    page = _page("<article><h1>عنوان</h1><div class='post-meta'><span class='date'>منذ 3 أيام</span></div>" + _BODY + "</article>")
    item = page.to_item()  # NOW = 2022-04-22 15:00 in Riyadh
    assert item["published"] == datetime(2022, 4, 19, 0, 0, tzinfo=ZoneInfo("Asia/Riyadh")).astimezone(UTC)
    assert item["published_precision"] == "day"


def test_generic_reads_the_date_line_of_the_headline_not_of_a_logo_h1():
    page = _page("<header><h1 class='logo'>صحيفة المثال</h1><span class='date'>الجمعة 22 أبريل 2022</span></header>"
                 "<article><h1>وزير الري يشهد توقيع عقد</h1><div class='post-meta'><span class='date'>الإثنين، 24 أغسطس 2020</span></div>"
                 + _BODY + "</article>",
                 head="<meta property='og:title' content='وزير الري يشهد توقيع عقد'>")
    r = page.date_reading("published")
    assert (r.value.replace(tzinfo=None), r.precision) == (datetime(2020, 8, 24), "day")


def test_metadata_utc_that_is_the_sites_wall_clock_gives_way_to_the_visible_line():
    """youm7.com prints «الإثنين، 24 أغسطس 2020 09:23 ص» under the headline and declares
    article:published_time «2020-08-24T09:23:13Z»: Cairo wall-clock time labelled UTC.  The
    generic reader, given the site's zone, takes the visible 09:23 in Cairo (07:23 UTC); with the
    zone unknown (UTC) the two agree and the metadata stands."""
    from datetime import datetime, timezone
    from pathlib import Path

    from scrapy.http import HtmlResponse, Request

    from newscrawl.extractors.generic import GenericArticlePage

    path = next((Path(__file__).parent / "fixtures" / "pages" / "youm7.com").glob("*.html"))
    url = "https://www.youm7.com/story/2020/8/24/x/4943459"
    response = HtmlResponse(url, body=path.read_bytes(), request=Request(url))
    cairo = GenericArticlePage(response, site="generic", tz="Africa/Cairo").to_item()
    assert cairo["published"] == datetime(2020, 8, 24, 7, 23, tzinfo=timezone.utc)
    assert cairo["published_precision"] == "minute" and "09:23" in cairo["published_raw"]
    utc = GenericArticlePage(response, site="generic", tz="UTC").to_item()
    assert utc["published"] == datetime(2020, 8, 24, 9, 23, 13, tzinfo=timezone.utc)


def test_date_line_walk_equals_its_xpath_definition_on_every_saved_page():
    """``dateish_following`` / ``dateish_preceding_in_article`` replace two XPath scans (~3 ms
    per article); they must pick the very same elements, after and before every heading."""
    from newscrawl.extractors.base import _DATEISH, dateish_following, dateish_preceding_in_article

    headings = 0
    for path in sorted(PAGES.rglob("*.html")):
        response = HtmlResponse(url="https://example.test/", body=path.read_bytes())
        for h in response.xpath("//h1 | //h2 | //h3"):
            after = [x.root for x in h.xpath(f"following::*[{_DATEISH}][position() <= 12]")]
            before = [x.root for x in h.xpath(f"preceding::*[{_DATEISH}][ancestor::article][position() <= 4]")]
            assert dateish_following(h.root, 12) == after, path.name
            assert dateish_preceding_in_article(h.root, 4) == before, path.name
            headings += 1
    assert headings > 300
