"""The MinHash LSH stage of dedupe (issue 18): shingles and band keys, the verified
relation (copy / excerpt / extended), the labelled syndication set from the real saved
pages, the index (memory and a real MongoDB-protocol server), and two real crawls in
separate processes through the project's item pipelines (normalize -> dedupe -> MongoDB
storage) against the SecantusDB server of the ``mongo_uri`` fixture."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pymongo
import pytest

from newscrawl.text.arabic import match_key
from newscrawl.dedupe.index import DEDUPE_INDEXES, LSH_FIELD, MemoryDedupeIndex, MongoDedupeIndex
from newscrawl.dedupe.fingerprints import (
    LSH_BANDS,
    MAX_WINDOWS,
    MIN_SHINGLE_TOKENS,
    shingle_hashes,
    shingle_profile,
    shingle_relation,
)
from tests import dedupe_corpus as corpus

ROOT = Path(__file__).resolve().parent.parent


def norm(paragraphs):
    return "\n".join(k for k in (match_key(p) for p in paragraphs) if k)


@pytest.fixture(scope="module")
def docs():
    return corpus.originals()


# --- shingles and band keys ----------------------------------------------------------------

def test_profile_keys_per_window_and_the_short_text_rule(docs):
    sputnik = docs["arabic.sputniknews.com"]  # 10 paragraphs, 18-47 tokens each
    p = shingle_profile(norm(sputnik.paragraphs))
    assert p.tokens == sum(len(match_key(x).split()) for x in sputnik.paragraphs)
    # windows at the first MAX_WINDOWS paragraph starts, LSH_BANDS keys each, distinct:
    # 8 x 16 = 128, less 2 band values shared by overlapping windows (40-token windows,
    # paragraphs of 18-47 tokens)
    assert MAX_WINDOWS * LSH_BANDS == 128 and len(p.keys) == 126 and p.keys == sorted(set(p.keys))
    assert all(-(2**63) <= k < 2**63 for k in p.keys)
    assert list(p.shingles) == sorted(set(p.shingles))
    # under MIN_SHINGLE_TOKENS tokens: shingles, but no keys
    stub = shingle_profile(match_key("شاهد الفيديو الكامل على موقعنا"))
    assert stub.keys == [] and len(stub.shingles) == 3 and stub.tokens == 5 < MIN_SHINGLE_TOKENS


def test_short_item_shares_the_keys_of_the_story_window_where_it_starts(docs):
    youm7 = docs["youm7.com"]
    short = corpus.short_item(youm7.paragraphs, 2)  # a short item from the 3rd paragraph on
    story = shingle_profile(norm(youm7.paragraphs))
    item = shingle_profile(norm(short))
    assert len(item.keys) == LSH_BANDS
    assert set(item.keys) & set(story.keys)
    # a short item from a paragraph of another story shares none
    other = shingle_profile(norm(corpus.short_item(docs["lbcgroup.tv"].paragraphs, 2)))
    assert not set(other.keys) & set(story.keys)


def test_shingle_relation_rules():
    words = [f"كلمة{i}" for i in range(60)]
    text = " ".join(words)
    full = shingle_hashes(text)
    assert len(full) == 58
    assert shingle_relation(full, full) == ("copy", 1.0)
    half = shingle_hashes(" ".join(words[:30]))  # 28 shingles, all in the full text
    assert shingle_relation(half, full) == ("excerpt", 1.0)
    assert shingle_relation(full, half) == ("extended", 1.0)
    # one word changed in the middle of the 60: 3 shingles lost, 3 new -> Jaccard 55/61
    changed = shingle_hashes(" ".join(words[:30] + ["بدل"] + words[31:]))
    rel, sim = shingle_relation(changed, full)
    assert rel == "copy" and sim == pytest.approx(55 / 61)
    # too small to link (fewer than 18 shingles), and unrelated texts
    assert shingle_relation(shingle_hashes(" ".join(words[:10])), full) is None
    assert shingle_relation(shingle_hashes(" ".join(f"اخر{i}" for i in range(60))), full) is None


# --- the labelled set ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def scored():
    pairs = corpus.all_pairs()
    return corpus.score(pairs), corpus.score([p for p in pairs if p[2]], shingles=False)


def test_labelled_set_sizes():
    pairs = corpus.all_pairs()
    assert sum(p[2] for p in pairs) == 42 + 56
    assert sum(1 - p[2] for p in pairs) == 322 + 805
    assert sum(1 for a, b, label in pairs if b.kind == "same_topic") == 7


def test_precision_and_recall_per_kind_beside_simhash_only(scored):
    both, simhash_only = scored
    table = corpus.table(both)
    assert table.pop("negatives") == (0, 1127)  # precision 1.0
    assert all(found == total == 7 for found, total in table.values())  # recall 1.0 per kind
    assert len(table) == len(corpus.VARIANT_KINDS) + len(corpus.SYNDICATION_KINDS)
    # what SimHash alone (the dedupe before this stage) finds of the same positives
    assert {k: v[0] for k, v in corpus.table(simhash_only).items()} == {
        "diacritics": 7, "kashida": 7, "presentation": 7, "ad": 5, "words5": 2, "headline": 7,
        "dateline": 6, "cut": 1, "readalso": 3, "marks": 7, "short_weekday": 3, "short_marks": 7,
        "excerpt": 0, "extended": 0,
    }


def test_relations_recorded(scored):
    both, _ = scored
    for label, kind, match in both:
        if label and kind in corpus.EXPECTED_RELATION:
            assert (match.kind, match.relation) == ("shingle", corpus.EXPECTED_RELATION[kind])
            assert match.similarity >= 0.85
        if label and kind in ("short_weekday", "words5", "readalso"):
            assert match.relation == "copy"
    # the short agency items have no SimHash (fewer than 20 content words for some):
    # their weekday copies are found by the shingle stage
    kinds = {match.kind for label, kind, match in both if label and kind == "short_weekday"}
    assert "shingle" in kinds


def test_same_topic_passages_stay_apart(docs):
    """Two short stories from one page (same ministry, same people, another passage)."""
    for site in ("arabic.sputniknews.com", "youm7.com"):
        first = corpus.short_original(site)
        second = corpus.Doc(site, first.title, corpus._second_short(docs[site].paragraphs))
        ((_, _, match),) = corpus.score([(first, second, 0)])
        assert match is None
        a, b = shingle_profile(norm(first.paragraphs)), shingle_profile(norm(second.paragraphs))
        inter = len(set(a.shingles) & set(b.shingles))
        assert inter / min(len(a.shingles), len(b.shingles)) < 0.1


# --- the index -----------------------------------------------------------------------------

def test_memory_index_record_replaces_lsh_keys(docs):
    short = corpus.short_original("lbcgroup.tv")
    copy = corpus.syndication_variants("lbcgroup.tv")[4]
    assert copy.kind == "short_weekday"
    idx = MemoryDedupeIndex()
    item, prof = corpus.as_item(short, "https://a.example/1")
    idx.record(item, prof)
    probe, pprof = corpus.as_item(copy, "https://b.example/1")
    assert idx.lookup(probe, pprof).canonical_url == "https://a.example/1"
    # the same URL re-recorded with another story: its old band keys are gone
    other, oprof = corpus.as_item(corpus.short_original("youm7.com"), "https://a.example/1")
    idx.record(other, oprof)
    assert idx.lookup(probe, pprof) is None
    assert idx.lookup(probe) is None  # profile computed from body_norm when not given


@pytest.fixture
def mongo_db(mongo_uri):
    client = pymongo.MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    name = f"newscrawl_test_{uuid.uuid4().hex[:12]}"
    try:
        yield client, name, mongo_uri
    finally:
        client.drop_database(name)
        client.close()


def test_mongo_index_finds_a_stored_short_item_by_band_keys(mongo_db, docs):
    client, name, _ = mongo_db
    coll = client[name].articles
    coll.create_indexes(DEDUPE_INDEXES)
    stored, _ = corpus.as_item(corpus.short_original("arabic.sputniknews.com"), "https://sana.example/1")
    unrelated, _ = corpus.as_item(corpus.short_original("youm7.com"), "https://sana.example/2")
    coll.insert_many([dict(stored), dict(unrelated)])
    copy = corpus.syndication_variants("arabic.sputniknews.com")[4]
    probe, prof = corpus.as_item(copy, "https://b.example/1")
    idx = MongoDedupeIndex(coll)
    remote = idx.fetch(probe)
    assert [e.canonical_url for e in remote if e.shingles is not None] == ["https://sana.example/1"]
    m = idx.decide(probe, remote, prof)
    assert (m.kind, m.source, m.relation, m.canonical_url) == ("shingle", "mongo", "copy", "https://sana.example/1")
    # the band-key query is served by the multikey index
    plan = coll.find({LSH_FIELD: {"$in": probe[LSH_FIELD]}}).explain()
    assert "lsh_keys_1" in json.dumps(plan, default=str)


# --- two real crawls through the item pipelines ---------------------------------------------

CRAWL_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from newscrawl.items import ArticleItem

    uri, database, spool, batch = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])

    class S(scrapy.Spider):
        name = "syndication"
        async def start(self):
            for url, site, title, body in batch:
                yield ArticleItem(url=url, site=site, title=title, body=body, language="ar")

    process = CrawlerProcess({
        "ITEM_PIPELINES": {
            "newscrawl.pipelines.normalize.ArabicNormalizationPipeline": 100,
            "newscrawl.pipelines.dedupe.DedupePipeline": 200,
            "newscrawl.pipelines.mongo.MongoPipeline": 300,
            "newscrawl.pipelines.dedupe.DropSameSiteCopiesPipeline": 400,
        },
        "MONGO_URI": uri, "MONGO_DATABASE": database, "MONGO_SPOOL_DIR": spool,
        "MONGO_SPOOL_FSYNC": False, "MONGO_WRITE_CONCERN": 1,
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(S)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith(("newscrawl/", "item_"))}
    print(json.dumps(stats, default=str))
    """
)


def crawl(tmp_path, uri, database, batch):
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), uri, database, str(tmp_path / "spool"), json.dumps(batch)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_short_agency_item_and_its_weekday_copy_linked_across_crawls(tmp_path, mongo_db, docs):
    """Crawl 1 stores a short agency item (site A) and another short story on the same
    topic (site C, another passage of the same page); crawl 2, a new process, brings the
    copy that only adds the weekday («اليوم» -> «اليوم الثلاثاء», site B) and a fourth
    short story from the same page (site D).  B is linked to A through the stored band
    keys; C and D are not."""
    client, database, uri = mongo_db
    site = "arabic.sputniknews.com"
    page = docs[site]
    real = corpus.short_original(site).paragraphs  # the page's first 29 words: «اليوم الثلاثاء»
    agency = corpus.weekday_edit(real)  # the wire without the weekday
    words = agency[0].split()
    assert 25 <= len(words) <= 40 and words[5] == "اليوم،"
    assert real[0].split() == words[:5] + ["اليوم", "الثلاثاء،"] + words[6:]
    other = corpus._second_short(page.paragraphs)
    later = corpus.short_item(page.paragraphs, 6)
    s1 = crawl(tmp_path, uri, database, [
        ["https://agency.example/n/1", "agency", page.title, agency],
        ["https://c.example/n/3", "c", page.title, other],
    ])
    assert s1["item_scraped_count"] == 2 and "newscrawl/dedupe/shingle_cross_site" not in s1
    s2 = crawl(tmp_path, uri, database, [
        ["https://b.example/n/2", "b", "مصر تسجل 30 إصابة جديدة بكورونا", real],
        ["https://d.example/n/4", "d", page.title, later],
    ])
    assert s2["newscrawl/dedupe/shingle_cross_site"] == 1 and s2["newscrawl/dedupe/relation/copy"] == 1
    assert "newscrawl/dedupe/mongo_unavailable" not in s2
    arts = {d["canonical_url"]: d for d in client[database].articles.find()}
    assert len(arts) == 4
    b = arts["https://b.example/n/2"]
    assert (b["duplicate_of"], b["duplicate_kind"], b["duplicate_relation"]) == (
        "https://agency.example/n/1", "shingle", "copy")
    # shingle Jaccard: the added word replaces 2 of the 26 shingles by 3 -> 24 shared of 29
    assert b["duplicate_similarity"] == round(24 / 29, 4)
    assert arts["https://agency.example/n/1"]["republished_by"] == [
        {"site": "b", "url": "https://b.example/n/2", "relation": "copy"}]
    for url in ("https://c.example/n/3", "https://d.example/n/4"):
        assert arts[url]["duplicate_of"] is None and not arts[url].get("republished_by")
    assert all(arts[u][LSH_FIELD] for u in arts)  # every stored story carries its band keys
    assert "lsh_keys_1" in client[database].articles.index_information()


def test_key_table_merges_into_sorted_arrays_and_forgets_removed_urls():
    import random

    from newscrawl.dedupe.index import _KeyTable

    rng = random.Random(18)
    table = _KeyTable()
    keys = {f"https://s.example/{i}": [rng.getrandbits(63) - 2**62 for _ in range(128)] for i in range(600)}
    shared = 12345
    for url, ks in keys.items():
        table.add(url, ks + ([shared] if url.endswith(("/3", "/599")) else []))
    # 600 x 128 keys > 65536: the first 512 articles (and the shared key of /3) were merged
    # into the sorted arrays when the 65537th key came
    assert len(table._keys) == 65537 and list(table._keys) == sorted(table._keys)
    assert table.find(keys["https://s.example/7"][5:7]) == {"https://s.example/7"}  # merged part
    assert table.find(keys["https://s.example/598"][:1]) == {"https://s.example/598"}  # recent part
    assert table.find([shared]) == {"https://s.example/3", "https://s.example/599"}
    assert table.find([1, 2, 3]) == set()
    table.remove("https://s.example/3")
    table.add("https://s.example/599", [99])  # re-recorded with other keys
    assert table.find([shared]) == set() and table.find([99]) == {"https://s.example/599"}


def test_key_table_key_shared_by_many_articles_uses_the_binary_search():
    from newscrawl.dedupe.index import _MAX_RUN, _KeyTable

    table = _KeyTable()
    boiler = 777  # one band key in 600 articles (a boilerplate window): a run longer than _MAX_RUN
    for i in range(600):
        table.add(f"https://s.example/{i}", [boiler] + [i * 1000 + k for k in range(127)])
    assert len(table._keys) > 65536 and int((table._keys == boiler).sum()) > _MAX_RUN
    assert table.find([boiler]) == {f"https://s.example/{i}" for i in range(600)}
    assert table.find([5 * 1000 + 3, 10**9]) == {"https://s.example/5"}


# --- the pipeline policy ----------------------------------------------------------------------

def test_pipeline_relations_and_same_site_policy(docs):
    from tests.test_dedupe import Run, article

    site = "youm7.com"
    v = {x.kind: x for x in corpus.syndication_variants(site)}
    short = corpus.short_original(site)
    run = Run()
    first = run.push(article("https://agency.example/1", "agency", short))
    assert first["lsh_keys"] and first["duplicate_relation"] is None
    # another site: the whole story that contains the short item -> extended
    ext = run.push(article("https://www.youm7.com/story/1", "youm7", v["extended"]))
    assert (ext["duplicate_of"], ext["duplicate_kind"], ext["duplicate_relation"]) == (
        "https://agency.example/1", "shingle", "extended")
    assert ext["duplicate_similarity"] == 1.0
    # same site as the story: its first half under another URL is kept (not the same page)
    part = run.push(article("https://www.youm7.com/story/2", "youm7", v["excerpt"]))
    assert part is not None and part.get("alias_of") is None
    assert (part["duplicate_relation"], part["duplicate_of"]) == ("excerpt", "https://agency.example/1")
    # same site, a shingle copy (5% of the words changed: SimHash misses it) -> alias of the story, dropped
    words5 = next(x for x in corpus.variants(site) if x.kind == "words5")
    assert run.push(article("https://www.youm7.com/print/1", "youm7", words5)) is None
    ((dropped, _),) = run.dropped
    assert (dropped["alias_of"], dropped["duplicate_kind"], dropped["duplicate_relation"]) == (
        "https://www.youm7.com/story/1", "shingle", "copy")
    assert run.stat("shingle_cross_site") == 1 and run.stat("same_site_shingle") == 2
    assert run.stat("relation/extended") == 1 and run.stat("relation/excerpt") == 1
    # the same URL again keeps the stored relation
    again = run.push(article("https://www.youm7.com/story/1", "youm7", v["extended"]))
    assert (again["duplicate_of"], again["duplicate_relation"]) == ("https://agency.example/1", "extended")


def test_shingle_stage_can_be_switched_off():
    from tests.test_dedupe import Run, article

    real = corpus.short_original("arabic.sputniknews.com")  # «اليوم الثلاثاء»
    wire = corpus.Doc(real.site, real.title, corpus.weekday_edit(real.paragraphs))  # «اليوم»
    on, off = Run(), Run(DEDUPE_SHINGLE_ENABLED=False)
    for run in (on, off):
        run.push(article("https://agency.example/1", "agency", wire))
    linked = on.push(article("https://b.example/1", "b", real))
    alone = off.push(article("https://b.example/1", "b", real))
    assert (linked["duplicate_kind"], linked["duplicate_relation"]) == ("shingle", "copy")
    assert alone["lsh_keys"] is None and alone["duplicate_of"] is None


# --- bounded verification: candidates ranked by shared band keys (issue 14) -----------------

def _story_and_its_short_items(docs):
    """The youm7 story (www.youm7.com) and short items cut from it at each paragraph
    start (agency<i>.example): every one is a stage-4 candidate of a copy of the story,
    the story itself sharing by far the most band keys.  Plus that copy (5% of the words
    changed, SimHash removed so stage 4 decides)."""
    o = docs["youm7.com"]
    stored = [corpus.as_item(o, "https://www.youm7.com/story/1")]
    for start in range(len(o.paragraphs)):
        short = corpus.short_item(o.paragraphs, start)
        if short is not None:
            stored.append(corpus.as_item(corpus.Doc(o.site, o.title, short), f"https://agency{start}.example/1"))
    copy = next(x for x in corpus.variants("youm7.com") if x.kind == "words5")
    probe, prof = corpus.as_item(copy, "https://b.example/1")
    probe["simhash"] = None
    return stored, probe, prof


def test_shingle_candidates_ranked_by_shared_band_keys_and_capped(docs):
    stored, probe, prof = _story_and_its_short_items(docs)
    assert len(stored) == 7
    found = {}
    for cap in (64, 2, 1):
        idx = MemoryDedupeIndex(max_shingle_candidates=cap)
        for item, p in stored:
            idx.record(item, p)
        shared = idx._lsh.shared(probe[LSH_FIELD])
        assert len(shared) == 7 and max(shared, key=shared.get) == "https://www.youm7.com/story/1"
        m = idx.decide(probe, (), prof)
        found[cap] = (m.kind, m.canonical_url, m.relation, round(m.similarity, 4), idx.shingle_candidates_capped)
        ranked = [e.canonical_url for e, _ in idx._shingle_candidates(probe["canonical_url"], probe[LSH_FIELD], [])]
        # the first half of the cap by shared keys: the story first
        assert ranked[: (cap + 1) // 2] == sorted(shared, key=lambda u: -shared[u])[: min(7, (cap + 1) // 2)]
        assert len(ranked) == min(cap, 7)
    # the ranked cut keeps the decision; each capped decide is counted once
    assert found[64] == ("shingle", "https://www.youm7.com/story/1", "copy", found[64][3], 0)
    assert found[2][:4] == found[1][:4] == found[64][:4] and found[2][4] == found[1][4] == 1
    with pytest.raises(ValueError):
        MemoryDedupeIndex(max_shingle_candidates=0)


def test_mongo_candidates_ranked_and_capped_before_shingling(mongo_db, docs):
    client, name, _ = mongo_db
    coll = client[name].articles
    coll.create_indexes(DEDUPE_INDEXES)
    stored, probe, prof = _story_and_its_short_items(docs)
    coll.insert_many([dict(item) for item, _ in stored])
    idx = MongoDedupeIndex(coll, memory=MemoryDedupeIndex(max_shingle_candidates=2))
    remote = idx.fetch(probe)
    shingled = [e for e in remote if e.shingles is not None]
    shared = {e.canonical_url: len(set(probe[LSH_FIELD]) & set(e.lsh_keys)) for e in shingled}
    best = MemoryDedupeIndex()
    for item, p in stored:
        best.record(item, p)
    expected = best._lsh.shared(probe[LSH_FIELD])
    assert remote.shingle_cut == 5 and len(shingled) == 2
    assert shared == {u: expected[u] for u in shared}
    assert sorted(shared.values(), reverse=True) == sorted(expected.values(), reverse=True)[:2]
    m = idx.decide(probe, remote, prof)
    assert (m.kind, m.source, m.relation, m.canonical_url) == ("shingle", "mongo", "copy", "https://www.youm7.com/story/1")
    assert idx.shingle_candidates_capped == 1


def test_pipeline_counts_capped_items_and_reuses_fingerprints_of_identical_text(docs):
    from newscrawl.dedupe.fingerprints import features, simhash64_features, to_signed64
    from tests.test_dedupe import Run, article

    o = docs["youm7.com"]
    run = Run(DEDUPE_MAX_SHINGLE_CANDIDATES=1)
    first = run.push(article("https://www.youm7.com/story/1", "youm7", o))
    text = first["body_norm"]
    assert first["lsh_keys"] == shingle_profile(text).keys and run.stat("fingerprints_reused") is None
    # the same text on another site: exact copy, fingerprints taken from the recorded entry
    copy = run.push(article("https://agency.example/1", "agency", o))
    assert run.stat("fingerprints_reused") == 1 and copy["duplicate_kind"] == "exact"
    assert copy["simhash"] == first["simhash"] == to_signed64(simhash64_features(features(text)))
    assert copy["lsh_keys"] == first["lsh_keys"] and copy["sh0"] == first["sh0"]
    entry = run.pipe.index._by_url["https://agency.example/1"]
    assert list(entry.shingles) == list(shingle_profile(text).shingles) and entry.tokens == shingle_profile(text).tokens
    # same content hash but a standfirst the body lacks: another fingerprint text, computed
    led = article("https://other.example/1", "other", o)
    led["lead_norm"] = match_key("ملخص لا يرد في متن الخبر عن الاجتماع الوزاري اليوم")
    led = run.push(led)
    assert run.stat("fingerprints_reused") == 1 and led["content_hash"] == first["content_hash"]
    assert led["lsh_keys"] == shingle_profile(led["lead_norm"] + "\n" + text).keys != first["lsh_keys"]
    # short items cut from the story: each has more than one candidate, the cap keeps one
    for start in range(1, 4):
        run.push(article(f"https://agency{start}.example/1", f"agency{start}",
                         paragraphs=corpus.short_item(o.paragraphs, start), title=o.title))
    assert run.stat("shingle_candidates_capped") == run.pipe.index.shingle_candidates_capped >= 2
    with pytest.raises(ValueError):
        Run(DEDUPE_MAX_SHINGLE_CANDIDATES=0)


def test_unsorted_shingles_are_sorted_when_recorded_and_verified_like_shingle_relation(docs):
    from array import array

    from newscrawl.dedupe.fingerprints import ShingleProfile

    short = corpus.short_original("lbcgroup.tv")
    copy = corpus.syndication_variants("lbcgroup.tv")[4]
    item, prof = corpus.as_item(short, "https://a.example/1")
    shuffled = ShingleProfile(array("I", list(reversed(prof.shingles)) + list(prof.shingles[:5])), prof.keys, prof.tokens)
    idx = MemoryDedupeIndex()
    entry = idx.record(item, shuffled)
    assert list(entry.shingles) == list(prof.shingles)
    probe, pprof = corpus.as_item(copy, "https://b.example/1")
    probe["simhash"] = None  # stage 4 decides
    m = idx.decide(probe, (), pprof)
    assert m.kind == "shingle"
    assert (m.relation, m.similarity) == shingle_relation(pprof.shingles, prof.shingles) == ("copy", m.similarity)
    assert 0.9 < m.similarity < 1


def test_a_window_every_article_carries_is_not_looked_up_and_copies_are_still_found(docs):
    """Issue 14: a window of text on every page of a site (one site-wide description of 40+
    words, a closing disclaimer) gave every article the same LSH keys, so each lookup returned
    every earlier article (quadratic).  Keys shared by ``common_key_entries`` recorded articles
    are skipped; a real excerpt is still linked."""
    import random

    from newscrawl.dedupe.fingerprints import shingle_profile

    words = [w for d in docs.values() for p in d.paragraphs for w in match_key(p).split()]
    boilerplate = match_key("جميع الحقوق محفوظة للموقع ولا يجوز نسخ أو إعادة نشر أي مادة منشورة فيه دون إذن خطي "
                            "مسبق من إدارة التحرير ويتحمل كل كاتب مسؤولية ما يكتبه والآراء المنشورة تعبر عن "
                            "أصحابها ولا تعبر بالضرورة عن رأي الموقع")  # a closing disclaimer, 35 words

    def story(i):
        rnd = random.Random(i)
        return [" ".join(rnd.choices(words, k=40)) for _ in range(4)]

    def item(url, paragraphs):
        text = "\n".join([*paragraphs, boilerplate])
        prof = shingle_profile(text)
        return {"canonical_url": url, "site": "site", "content_hash": url, "simhash": None,
                LSH_FIELD: prof.keys, "body_norm": text}, prof

    idx = MemoryDedupeIndex(common_key_entries=20)
    for i in range(30):
        it, prof = item(f"https://site.example/{i}", story(i))
        if i < 20:
            assert idx.common_keys(it[LSH_FIELD]) == frozenset()
        idx.decide(it, (), prof)
        idx.record(it, prof)
    assert idx.common_keys_skipped == 10  # from the 21st article on
    excerpt, prof = item("https://other.example/x", story(7)[:3])  # three of story 7's four paragraphs
    common = idx.common_keys(excerpt[LSH_FIELD])
    assert common and len(common) < len(excerpt[LSH_FIELD])  # the boilerplate window's keys only
    m = idx.decide(excerpt, (), prof)
    assert (m.kind, m.canonical_url, m.relation) == ("shingle", "https://site.example/7", "excerpt")
    # the boilerplate alone links to nothing
    assert idx.decide(item("https://site.example/empty", [])[0], (), None) is None
