"""The generic breaking-news ticker (:mod:`newscrawl.extractors.ticker`).

On every real saved page its headlines equal the oracle's ``ticker_headlines`` (and,
where the site has its own ticker CSS, the site reader's headlines *and* URLs); one
small synthetic snippet per kind of strip / non-strip described in
``tests/fixtures/cases/ticker-patterns.md`` and issue 11, each non-strip next to a
twin that differs only in the rule under test, so the rule is shown to matter.
"""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.extractors.ticker import GenericTicker
from newscrawl.items import TickerItem
from newscrawl.spiders.eyethunews import EyethuNewsSpider
from newscrawl.spiders.generic import GenericSpider
from newscrawl.spiders.hatawtabloid import HatawTabloidSpider
from newscrawl.spiders.thenassauguardian import NassauGuardianSpider
from newscrawl.spiders.youm7 import Youm7Spider
from tests.helpers import oracle_pages, page, response_for
from tests.test_sites import norm, spider_for

PAGES = oracle_pages()


def generic(response) -> list[tuple[str, str | None]]:
    return GenericTicker(response, site="t").headlines()


def snippet(body: str, url: str = "https://news.example/ar/") -> list[tuple[str, str | None]]:
    html = f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    return generic(response_for(html.encode("utf-8"), url))


def crawler_spider(cls, settings: dict | None = None, **kwargs):
    crawler = get_crawler(cls, settings_dict={"MONGO_ENABLED": False, "ITEM_PIPELINES": {}, "FEEDS": {}, **(settings or {})})
    crawler._apply_settings()
    crawler.stats.open_spider()
    return cls.from_crawler(crawler, **kwargs), crawler.stats


# ---- every real saved page -----------------------------------------------------------------

@pytest.mark.parametrize("html_path,oracle", PAGES, ids=[f"{h.parent.name}/{h.stem}" for h, _ in PAGES])
def test_generic_ticker_on_every_saved_page_equals_the_oracle(html_path, oracle):
    response = response_for(html_path.read_bytes(), oracle["url"])
    assert [norm(t) for t, _ in generic(response)] == [norm(h) for h in oracle["ticker_headlines"]]


def test_saved_pages_cover_strips_and_non_strips():
    counts = {h.parent.name: len(o["ticker_headlines"]) for h, o in PAGES}
    assert {s: n for s, n in counts.items() if n} == {
        "youm7.com": 10, "arabic.sputniknews.com": 2, "jannah.tielabs.com": 7,
        "thenassauguardian.com": 10, "hatawtabloid.com": 10,
    }
    for site in ("eyethunews.co.za", "lbcgroup.tv", "albayan.ae", "alyaum.com", "assabah.com.tn",
                 "elbaladtv.net", "eldigitaldealbacete.com"):
        assert counts[site] == 0


@pytest.mark.parametrize("site", ["youm7.com", "arabic.sputniknews.com", "jannah.tielabs.com",
                                  "thenassauguardian.com", "hatawtabloid.com"])
def test_generic_ticker_gives_the_site_readers_links(site):
    """Headline *and* absolute URL equal what the site's own ticker CSS reads."""
    response, oracle = page(site)
    spider = spider_for(oracle["url"])
    own = spider.ticker_class(response, site="t").headlines()
    assert own and [(norm(t), u) for t, u in generic(response)] == [(norm(t), u) for t, u in own]


def test_nassau_trending_strip_links_are_absolute():
    response, _ = page("thenassauguardian.com")
    got = generic(response)
    assert got[0] == ("‘Business has never been better’", "https://thenassauguardian.com/business-has-never-been-better/")
    assert got[9][0] == "Johnson\xa0earns prestigious Six Star Medal; Williams also\xa0competed in Boston".replace("\xa0", " ")


def test_sahifa_strip_skips_its_inline_script():
    response, _ = page("hatawtabloid.com")
    texts = [t for t, _ in generic(response)]
    assert not any("jQuery" in t for t in texts)
    assert texts[2] == "Aktres, sunod-sunuran sa aktor BF"


# ---- one rule per snippet ----------------------------------------------------------------------

ALMANAR_LIKE = """
<div class="ticker-container"><section>
<ul id="newsticker_demo_reveal" class="newsticker" style="height:0">
<li><a>الرئيس عون يستقبل وفدا نيابيا في قصر بعبدا </a></li>
<li><a>الجيش يعلن توقيف مطلوبين في البقاع الشمالي </a></li>
<li><a>وزير الصحة يتفقد مستشفى صور الحكومي </a></li>
</ul></section></div>
<script>jQuery('#newsticker_demo_reveal').ticker({tickerTitle: 'أخبار الشاشة'});</script>
"""


def test_items_without_links_hidden_until_js_and_a_js_only_label():
    assert snippet(ALMANAR_LIKE) == [
        ("الرئيس عون يستقبل وفدا نيابيا في قصر بعبدا", None),
        ("الجيش يعلن توقيف مطلوبين في البقاع الشمالي", None),
        ("وزير الصحة يتفقد مستشفى صور الحكومي", None),
    ]


def test_a_box_holding_only_a_gif_link_is_no_ticker():
    assert snippet('<div class="new-tic"><a href="/tickers"><img src="/img/ticker.gif" alt="عاجل الآن"></a></div>') == []


MENU = """
<nav class="main-nav"><ul class="menu">
<li><a href="/category/politics">سياسة</a></li><li><a href="/category/economy">اقتصاد</a></li>
<li><a href="/category/urgent">خبر عاجل</a></li><li><a href="/category/sport">رياضة</a></li>
</ul></nav>
<div class="card"><div class="cat"><a href="/category/urgent">خبر عاجل</a></div>
<h2><a href="/news/1">انقطاع الكهرباء عن عدة مناطق في العاصمة بسبب عطل فني</a></h2></div>
"""


def test_a_menu_and_a_category_link_named_urgent_are_no_ticker():
    assert snippet(MENU) == []
    # twin: the same words as a label (not a link) beside a list of headlines is a strip
    twin = ('<div class="bar"><span>خبر عاجل</span><ul>'
            '<li><a href="/news/1">انقطاع الكهرباء عن عدة مناطق في العاصمة</a></li>'
            '<li><a href="/news/2">ارتفاع أسعار الوقود اعتبارا من صباح الغد</a></li></ul></div>')
    assert [t for t, _ in snippet(twin)] == ["انقطاع الكهرباء عن عدة مناطق في العاصمة", "ارتفاع أسعار الوقود اعتبارا من صباح الغد"]


def most_read(title: str) -> str:
    items = "".join(
        f'<li><span class="tag">عاجل</span><a href="/news/{i}">{h}</a></li>'
        for i, h in enumerate(["وزير الخارجية يصل إلى القاهرة في زيارة رسمية",
                               "هطول أمطار غزيرة على المناطق الساحلية اليوم",
                               "افتتاح معرض الكتاب الدولي بمشاركة واسعة"]))
    return f'<div class="box"><h3 class="box-title">{title}</h3><ul>{items}</ul></div>'


def test_a_most_read_box_is_no_ticker_even_with_urgent_badges():
    assert snippet(most_read("الأكثر قراءة")) == []
    assert snippet(most_read("الاكثر قراءه")) == []  # hamza / teh marbuta folded
    assert len(snippet(most_read("منوعات"))) == 3  # twin: a neutral title, the «عاجل» badges make it a strip


def slider(cls: str) -> str:
    slides = "".join(
        f'<div class="slide"><a href="/news/{i}"><img src="/img/{i}.jpg" alt="صورة"></a>'
        f'<span class="badge">عاجل</span><h2><a href="/news/{i}">{h}</a></h2></div>'
        for i, h in enumerate(["قمة عربية طارئة لبحث التطورات الإقليمية الأخيرة",
                               "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة",
                               "منتخب الشباب يتأهل إلى نهائي البطولة القارية"]))
    return f'<div class="{cls}">{slides}</div>'


def test_a_featured_slider_is_no_ticker():
    assert snippet(slider("featured-slider")) == []
    assert len(snippet(slider("stories"))) == 3  # twin: the slider name is what rules it out


def test_a_thumbnail_link_before_the_headline_link_and_no_alt_text():
    html = ('<div class="breaking-news"><span class="title">Breaking News</span><ul>'
            '<li><a href="/a"><img src="/t/a.jpg" alt="ALT TEXT ONE"></a> <a href="/a">Parliament passes the budget bill</a></li>'
            '<li><a href="/b"><img src="/t/b.jpg" alt="ALT TEXT TWO"></a> <a href="/b">Storm warning issued for the coast</a></li>'
            '</ul></div>')
    assert snippet(html, url="https://news.example/en/") == [
        ("Parliament passes the budget bill", "https://news.example/a"),
        ("Storm warning issued for the coast", "https://news.example/b"),
    ]


@pytest.mark.parametrize("cls", ["breacking-news", "news-tiker", "newsTicker", "breaking_news", "ajel-bar"])
def test_misspelled_and_transliterated_strip_names(cls):
    html = (f'<div class="{cls}"><ul><li><a href="/1">سقوط أمطار غزيرة على العاصمة صباح اليوم</a></li>'
            '<li><a href="/2">الحكومة تعلن خطة جديدة لدعم المزارعين</a></li>'
            '<li><a href="/3">افتتاح الطريق الدائري الجديد أمام حركة السير</a></li></ul></div>')
    assert len(snippet(html)) == 3
    # twin: the same list under a neutral name is not a strip (no label, no strip word)
    assert snippet(html.replace(cls, "box-list")) == []


def trending_now(wrapper: str) -> str:
    items = "".join(
        f'<div class="td_module_trending_now"><div class="item-details"><h3 class="entry-title">'
        f'<a href="/{i}">{h}</a></h3></div></div>'
        for i, h in enumerate(["Senate approves new infrastructure spending plan",
                               "Heavy rain expected across the north this weekend",
                               "Central bank holds interest rates steady again"]))
    return (f'{wrapper}<div class="td-trending-now-wrapper"><div class="td-trending-now-title">Trending Now</div>'
            f'<div class="td-trending-now-display-area">{items}</div></div>' + "</div>" * wrapper.count("<div"))


def test_a_weak_word_and_a_weak_label_together_are_a_strip_but_not_in_a_sidebar():
    assert [u for _, u in snippet(trending_now(""))] == ["https://news.example/0", "https://news.example/1",
                                                         "https://news.example/2"]
    assert snippet(trending_now('<div class="sidebar">')) == []
    # each weak signal alone is not enough
    assert snippet(trending_now("").replace("Trending Now", "Stories")) == []
    assert snippet(trending_now("").replace("td-trending-now", "td-block").replace("trending_now", "block")) == []


def test_label_inside_the_link_is_not_headline_text():
    html = ('<div class="urgent"><ul>'
            '<li><a href="/1"><b>عاجل:</b> إغلاق المطار بسبب الأحوال الجوية</a></li>'
            '<li><a href="/2"><b>عاجل:</b> انقطاع المياه عن أحياء وسط المدينة</a></li>'
            '<li><a href="/3"><b>عاجـــل:</b> تأجيل الامتحانات إلى الأسبوع المقبل</a></li></ul></div>')
    assert [t for t, _ in snippet(html)] == ["إغلاق المطار بسبب الأحوال الجوية", "انقطاع المياه عن أحياء وسط المدينة",
                                           "تأجيل الامتحانات إلى الأسبوع المقبل"]  # tatweel folded


def test_short_body_paragraphs_under_an_urgent_line_are_article_text():
    lines = ["أعلنت وزارة الداخلية صباح اليوم إغلاق الطريق الدولي", "وقالت الوزارة إن الإغلاق مؤقت حتى إشعار آخر",
             "ودعت المواطنين إلى استخدام الطرق البديلة"]
    plain = "".join(f"<p>{t}</p>" for t in lines)
    assert snippet(f'<div class="entry-content"><p><strong>عاجل</strong></p>{plain}</div>') == []
    assert snippet(f'<div class="entry-content"><h3>عاجل</h3>{plain}</div>') == []
    # twin: the same lines as headline links under the same label are a strip
    linked = "".join(f'<p><a href="/{i}">{t}</a></p>' for i, t in enumerate(lines))
    assert [t for t, _ in snippet(f'<div class="entry-content"><h3>عاجل</h3>{linked}</div>')] == lines


def test_one_urgent_badge_among_many_stories_does_not_make_a_strip():
    stories = "".join(f'<li><a href="/{i}">خبر رقم {i} عن تطورات الأحداث في المنطقة</a></li>' for i in range(6))
    one = stories.replace('<li><a href="/0">', '<li><span>عاجل</span><a href="/0">', 1)
    assert snippet(f'<div class="stories"><ul>{one}</ul></div>') == []
    every = stories.replace("<li><a", "<li><span>عاجل</span><a")
    assert len(snippet(f'<div class="stories"><ul>{every}</ul></div>')) == 6  # twin: a label on every item


def test_one_breaking_headline_beside_its_label():
    html = '<div class="breaking-news"><span>عاجل</span><a href="/n/1">مجلس الأمن يعقد جلسة طارئة مساء اليوم</a></div>'
    assert snippet(html) == [("مجلس الأمن يعقد جلسة طارئة مساء اليوم", "https://news.example/n/1")]
    # one headline needs both a strip word and a strip label
    assert snippet(html.replace("breaking-news", "top-story")) == []
    assert snippet(html.replace("<span>عاجل</span>", "<span>اليوم</span>")) == []


def test_typed_label_prefix_and_item_times_are_not_headline_text():
    html = ('<div class="news-ticker"><ul>'
            '<li><span class="time">10:45</span> عاجل: الرئاسة تعلن الحداد ثلاثة أيام</li>'
            '<li><span class="time">منذ ساعة</span> وزير المالية يقدم الموازنة إلى البرلمان</li>'
            '<li><span class="time">09:10</span> أخبار عاجلة - إغلاق الأسواق بسبب العاصفة</li></ul></div>')
    assert snippet(html) == [("الرئاسة تعلن الحداد ثلاثة أيام", None), ("وزير المالية يقدم الموازنة إلى البرلمان", None),
                             ("إغلاق الأسواق بسبب العاصفة", None)]
    # a colon inside a headline that does not start with a label stays
    kept = html.replace("عاجل: الرئاسة تعلن", "الرئاسة: تعلن")
    assert snippet(kept)[0][0] == "الرئاسة: تعلن الحداد ثلاثة أيام"


def test_a_market_ticker_is_not_a_news_strip():
    html = ('<div class="ticker"><ul><li>USD 15.70 +0.21%</li><li>EUR 17.02 -0.10%</li>'
            '<li>GBP 19.88 +0.05%</li><li>SAR 4.18 0.00%</li></ul></div>')
    assert snippet(html) == []


def test_has_breaking_news_flag_on_a_nav_is_no_strip():
    html = ('<nav id="top-nav" class="top-nav has-breaking-news"><ul class="top-menu">'
            '<li><a href="/about">About the newspaper and its team</a></li>'
            '<li><a href="/contact">Contact the newsroom by email</a></li>'
            '<li><a href="/ads">Advertise with us in print and online</a></li></ul></nav>')
    assert snippet(html) == []


def test_deeply_nested_page_is_read_without_recursion_error():
    deep = "<div>" * 2000 + ALMANAR_LIKE + "</div>" * 2000  # deeper than Python's recursion limit
    assert len(snippet(deep)) == 3


# ---- wiring: the spiders' fallback and stats ---------------------------------------------------

def tickers(spider, response):
    return [i for i in spider.parse(response) if isinstance(i, TickerItem)]


def test_site_spider_falls_back_to_the_generic_ticker_when_its_css_finds_nothing():
    response, oracle = page("thenassauguardian.com")
    spider, stats = crawler_spider(NassauGuardianSpider)
    assert [t["headline"] for t in tickers(spider, response)] == [norm(h) for h in oracle["ticker_headlines"]]
    assert stats.get_value("newscrawl/ticker/by/site") == 1
    assert stats.get_value("newscrawl/ticker/by/generic") is None
    # the same real page after a markup change: the Jannah ticker id is renamed
    changed = response.replace(body=response.body.replace(b'id="breaking-news-in-header"', b'id="breaking-news-top"'))
    assert changed.body != response.body
    spider, stats = crawler_spider(NassauGuardianSpider)
    got = tickers(spider, changed)
    assert [t["headline"] for t in got] == [norm(h) for h in oracle["ticker_headlines"]]
    assert got[0]["url"] == "https://thenassauguardian.com/business-has-never-been-better/"
    assert [t["position"] for t in got] == list(range(10))
    assert stats.get_value("newscrawl/ticker/by/generic") == 1
    assert stats.get_value("newscrawl/ticker/by/site") is None


def test_article_pages_reread_the_strip_only_after_the_interval():
    response, oracle = page("thenassauguardian.com")  # an article page with the site-wide strip
    spider, stats = crawler_spider(NassauGuardianSpider)
    first = list(spider.parse(response))
    assert len([i for i in first if isinstance(i, TickerItem)]) == len(oracle["ticker_headlines"]) == 10
    again = list(spider.parse(response))  # the next article page, within the interval
    assert [type(i).__name__ for i in again] == ["ArticleItem"]  # the article itself is still read
    assert stats.get_value("newscrawl/ticker/skipped/recent") == 1
    assert stats.get_value("newscrawl/ticker/by/site") == 1
    spider._ticker_read_at -= 61  # the default interval (60 s) has passed: read again
    list(spider.parse(response))
    assert stats.get_value("newscrawl/ticker/by/site") == 2
    spider, stats = crawler_spider(NassauGuardianSpider, settings={"NEWSCRAWL_TICKER_INTERVAL": 0})
    for _ in range(3):
        list(spider.parse(response))
    assert stats.get_value("newscrawl/ticker/by/site") == 3 and stats.get_value("newscrawl/ticker/skipped/recent") is None


def test_youm7_keeps_its_ticker_when_the_strip_id_changes():
    response, oracle = page("youm7.com")
    changed = response.replace(body=response.body.replace(b'id="nt-title"', b'id="ticker-list"'))
    spider, stats = crawler_spider(Youm7Spider)
    assert [t["headline"] for t in tickers(spider, changed)] == [norm(h) for h in oracle["ticker_headlines"]]
    assert stats.get_value("newscrawl/ticker/by/generic") == 1


def test_a_page_without_a_strip_is_counted_as_none():
    response, _ = page("eyethunews.co.za")
    spider, stats = crawler_spider(EyethuNewsSpider)
    assert tickers(spider, response) == []
    assert stats.get_value("newscrawl/ticker/none") == 1


def test_sahifa_spider_reads_its_strip_with_its_own_css():
    response, oracle = page("hatawtabloid.com")
    spider, stats = crawler_spider(HatawTabloidSpider)
    got = tickers(spider, response)
    assert [t["headline"] for t in got] == [norm(h) for h in oracle["ticker_headlines"]]
    assert got[0]["url"] == "https://www.hatawtabloid.com/2020/02/18/lt-magbababu-na-sa-ang-probinsyano/"
    assert stats.get_value("newscrawl/ticker/by/site") == 1


def test_generic_spider_reads_the_strip():
    response, oracle = page("youm7.com")
    spider, stats = crawler_spider(GenericSpider, url=oracle["url"])
    got = tickers(spider, response)
    assert [t["headline"] for t in got] == [norm(h) for h in oracle["ticker_headlines"]]
    assert all(t["site"] == "generic" and t["url"].startswith("https://www.youm7.com/story/2020/8/24/") for t in got)
    assert stats.get_value("newscrawl/ticker/by/generic") == 1


def test_a_failing_ticker_reader_is_counted_and_the_page_still_parsed():
    class Broken(GenericTicker):
        def headlines(self):
            raise ValueError("bug")

    class BrokenSpider(NassauGuardianSpider):
        name = "broken"
        ticker_class = Broken

    response, _ = page("thenassauguardian.com")
    spider, stats = crawler_spider(BrokenSpider)
    out = list(spider.parse(response))
    assert stats.get_value("newscrawl/dropped/ticker_error/ValueError") == 1
    assert len([i for i in out if isinstance(i, TickerItem)]) == 10  # the generic fallback still reads it
    assert any(i.get("title") for i in out if not isinstance(i, TickerItem) and hasattr(i, "get"))
