"""Issue 11 item 6: article images -- real files behind lazy loading, one entry per picture,
no ads, captions (handed case BR-34 and the real saved pages)."""

from newscrawl.extractors.images import article_images, is_placeholder, picture_key, same_picture, srcset_largest
from newscrawl.extractors.jannah import JannahArticlePage
from newscrawl.items import ArticleItem
from newscrawl.spiders.thiqa import ThiqaSpider
from tests.helpers import page, response_for, split_output
from tests.test_sites import ORACLES, load, spider_for

BR34_HTML = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خطة زراعية</title></head>
<body><article id="the-post" class="container-wrapper post-content">
<header class="entry-header"><h1 class="post-title entry-title">خطة زراعية جديدة</h1>
<div id="single-post-meta" class="post-meta"><span class="date meta-item">مارس 14, 2024</span></div></header>
<figure class="single-featured-image"><img src="data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20800%20450'%3E%3C/svg%3E" data-lazy-src="https://news.example/wp-content/uploads/2024/03/farm.jpg" alt="مزارعون"><figcaption>مزارعون في حقل قمح</figcaption></figure>
<div class="entry-content entry clearfix"><p>P1</p>
<figure><img src="https://news.example/wp-content/themes/jannah/assets/images/tie-empty.png" data-lazy-src="https://news.example/wp-content/uploads/2024/03/seeds.jpg" alt="بذور"><figcaption>بذور محسنة</figcaption></figure>
<p>P2</p>
<figure><img src="https://news.example/wp-content/plugins/lazy/blank.gif" data-original="/wp-content/uploads/2024/03/tractor.jpg" alt="جرار"><figcaption>جرار زراعي</figcaption></figure></div>
</article></body></html>"""


def test_br34_lazy_images_through_the_thiqa_spider():
    url = "https://news.example/2024/03/14/farm-plan/"
    response = response_for(BR34_HTML.encode("utf-8"), url)
    items, _ = split_output(ThiqaSpider(start_url="https://news.example/").parse(response))
    (item,) = [i for i in items if isinstance(i, ArticleItem)]
    assert item["extraction"] == "site:thiqa"
    assert item["images"] == [
        {"url": "https://news.example/wp-content/uploads/2024/03/farm.jpg", "caption": "مزارعون في حقل قمح"},
        {"url": "https://news.example/wp-content/uploads/2024/03/seeds.jpg", "caption": "بذور محسنة"},
        {"url": "https://news.example/wp-content/uploads/2024/03/tractor.jpg", "caption": "جرار زراعي"},
    ]
    assert item["body"] == ["P1", "P2"]


def _site_item(site_dir):
    (oracle_path,) = [o for o in ORACLES if o.parent.name == site_dir]
    response, oracle = load(oracle_path)
    items, _ = split_output(spider_for(oracle["url"])().parse(response))
    (item,) = [i for i in items if isinstance(i, ArticleItem)]
    return item


def test_real_jannah_page_lazy_featured_image_merged_with_og_image_and_ad_dropped():
    """thenassauguardian.com: featured <img> is a data: PNG with data-src=food-780x470.jpg,
    og:image is food.jpg (one picture), and a 728x90 AdRotate banner sits in a stream-item."""
    response, _ = page("thenassauguardian.com")
    images = JannahArticlePage(response, site="t").images()
    assert images == [{"url": "https://thenassauguardian.com/wp-content/uploads/2022/04/food.jpg",
                       "caption": images[0]["caption"]}]
    assert images[0]["caption"].startswith("Earlier this month, Super Value said")


def test_real_jannah_page_cdn_copy_is_one_picture():
    """eyethunews.co.za: og:image on the site host, the <img> on the images.caxton.co.za CDN, same path."""
    response, _ = page("eyethunews.co.za")
    images = JannahArticlePage(response, site="t").images()
    assert [i["url"] for i in images] == [
        "https://eyethunews.co.za/wp-content/uploads/sites/59/2025/11/Rejoice-Ndlovu-780x470-1.jpg"]
    assert images[0]["caption"] == "Rejoice Ndlovu. Isithombe: Sithunyelwe"


def test_real_page_ad_inserter_banner_is_not_an_article_image():
    """eldigitaldealbacete.com: the «TOyota» GIF inside an Ad Inserter code-block / WP Pro Ad System zone."""
    item = _site_item("eldigitaldealbacete.com")
    assert [i["url"] for i in item["images"]] == [
        "https://www.eldigitaldealbacete.com/wp-content/uploads/2020/03/Centro-de-la-Mujer-2.jpg"]


def test_real_jnews_page_two_sizes_are_one_picture_with_the_caption():
    item = _site_item("elbaladtv.net")
    assert len(item["images"]) == 1
    assert item["images"][0]["url"] == "https://elbaladtv.net/wp-content/uploads/2020/12/received_896597551082683.jpeg"
    assert item["images"][0]["caption"].startswith("تركى آل الشيخ بعد إصابة يسرا بكورونا")


def test_real_page_cms_rendition_under_the_original_is_one_picture():
    item = _site_item("albayan.ae")
    assert len(item["images"]) == 1


def test_srcset_noscript_and_wp_caption_box():
    html = """<div class="c">
    <div class="wp-caption"><img src="/wp-content/uploads/lazy_placeholder.gif"
      data-srcset="/u/p-300x200.jpg 300w, /u/p-1024x683.jpg 1024w, /u/p-768x512.jpg 768w">
      <p class="wp-caption-text">الصورة الأولى</p></div>
    <img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><noscript><img src="/u/q.jpg" alt="ثانية"></noscript>
    <img src="/u/r.jpg" srcset="/u/r.jpg 1x, /u/r@2x.jpg 2x" alt="ثالثة">
    <img src="/u/p.jpg" alt="نسخة أكبر من الأولى">
    <picture><source type="image/webp" data-srcset="/u/s-640.webp 640w, /u/s-1280.webp 1280w"><img src="/img/blank.gif" alt="رابعة"></picture>
    <div class="sidebar-ads"><a href="https://ads.example/x"><img src="/u/banner.jpg"></a></div>
    <a rel="sponsored nofollow" href="https://x.example"><img src="/u/sponsor.jpg"></a>
    <img src="https://tpc.googlesyndication.com/simgad/123"><img src="/wp-content/uploads/banners/bank.gif">
    </div>"""
    response = response_for(html.encode("utf-8"), "https://news.example/a/")
    images = article_images(response.selector, "div.c > img, div.c div img, div.c a img, div.c picture img", response.url)
    assert images == [
        {"url": "https://news.example/u/p-1024x683.jpg", "caption": "الصورة الأولى"},
        {"url": "https://news.example/u/q.jpg", "caption": "ثانية"},
        {"url": "https://news.example/u/r@2x.jpg", "caption": "ثالثة"},
        {"url": "https://news.example/u/s-1280.webp", "caption": "رابعة"},
    ]


def test_placeholder_and_picture_rules():
    for url in ("data:image/png;base64,AAAA", "https://s/wp-content/themes/jannah/assets/images/tie-empty.png",
                "/plugins/lazy/blank.gif", "/img/spacer.gif", "/a/1x1.png", "/a/placeholder-300x200.png", ""):
        assert is_placeholder(url), url
    for url in ("/u/2024/03/farm.jpg", "/u/grey-wolf.png", "/u/blanket.gif", "/u/loading-dock.jpg"):
        assert not is_placeholder(url), url
    assert srcset_largest("a.jpg 300w, b.jpg 1024w, c.jpg 768w") == "b.jpg"
    assert srcset_largest("data:image/gif;base64,R0lG 1w") is None
    assert picture_key("https://a/u/food-780x470.jpg?v=2") == picture_key("https://b/u/food.jpg") == "/u/food.jpg"
    assert picture_key("/u/photo-scaled.jpg") == "/u/photo.jpg"
    assert not same_picture("/u/food.jpg", "/u/food-2.jpg")  # WordPress's second upload of the same name


def test_generic_reader_takes_lazy_images_inside_the_text_but_not_related_thumbnails():
    """The real thenassauguardian.com page with two pictures added inside its text: a lazy one in a
    WordPress caption box (read) and a related story's linked thumbnail (not an article image)."""
    from newscrawl.extractors.generic import GenericArticlePage

    response, _ = page("thenassauguardian.com")
    html = response.text
    anchor = "</p><p>Symonette spoke with"
    assert anchor in html
    extra = ('<div class="wp-caption"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" '
             'data-lazy-src="/wp-content/uploads/2022/04/shelves-1024x683.jpg" alt="">'
             '<p class="wp-caption-text">Shelves at a Super Value store.</p></div>'
             '<a href="/another-story/"><img src="/wp-content/uploads/2022/04/other-story.jpg"></a>')
    html = html.replace(anchor, "</p>" + extra + anchor[4:], 1)
    images = GenericArticlePage(response_for(html.encode("utf-8"), response.url), site="generic").images()
    assert images == [
        {"url": "https://thenassauguardian.com/wp-content/uploads/2022/04/food.jpg", "caption": None},
        {"url": "https://thenassauguardian.com/wp-content/uploads/2022/04/shelves-1024x683.jpg",
         "caption": "Shelves at a Super Value store."},
    ]
