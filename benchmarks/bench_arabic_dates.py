"""Throughput of newscrawl.text.arabic and newscrawl.text.dates on real fixture text.

Run from the repository root::

    .venv/bin/python benchmarks/bench_arabic_dates.py          # full (about 20 s)
    .venv/bin/python benchmarks/bench_arabic_dates.py --quick  # fewer repetitions

Normalisation: the visible text of the real Arabic fixture pages
(``tests/fixtures/pages/*/*.html`` minus the Spanish eldigitaldealbacete page),
extracted with parsel (text nodes of ``<body>`` outside script/style), measured
two ways: one string per page (how a body is cleaned) and one string per text
node (titles, ticker items, short fields: per-call overhead dominates).  MB/s
is UTF-8 input bytes per CPU second (process time, so other load on the
machine does not count); each figure is the best of several interleaved runs.
Baseline: bare ``unicodedata.normalize('NFKC', s)``.

Dates: the ``text`` column of ``tests/fixtures/dates/arabic_dates.tsv``
repeated to 10,000 strings, ``parse_date`` (uncached and with its result
cache) beside bare ``dateparser.parse(s, locales=['ar-SY'], settings=...)``
in the same process, plus how many of the 37 strings each gets right.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402
import parsel  # noqa: E402

from newscrawl.text import arabic, dates  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def page_texts() -> tuple[list[str], list[str]]:
    pages, nodes = [], []
    for p in sorted((FIXTURES / "pages").glob("*/*.html")):
        if "eldigitaldealbacete" in str(p):
            continue
        sel = parsel.Selector(text=p.read_text(encoding="utf-8"))
        ts = [t for t in sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]").getall() if t.strip()]
        nodes += ts
        pages.append("\n".join(ts))
    seed = (FIXTURES / "seed" / "thiqa-page-visible-text.txt").read_text(encoding="utf-8")
    pages.append(seed)
    nodes += [line for line in seed.split("\n") if line.strip()]
    return pages, nodes


def best_times(cases, data, repeat: int, inner: int) -> list[float]:
    """Per-pass CPU time of each case: the minimum over `repeat` rounds of
    `inner` passes over `data`.  The cases are interleaved round by round and
    timed with process CPU time, so load from other processes on the machine
    affects them alike and does not count as our time."""
    for _, fn in cases:  # warm-up
        for x in data:
            fn(x)
    best = [float("inf")] * len(cases)
    for _ in range(repeat):
        for i, (_, fn) in enumerate(cases):
            t0 = time.process_time()
            for _ in range(inner):
                for x in data:
                    fn(x)
            best[i] = min(best[i], (time.process_time() - t0) / inner)
    return best


def bench_normalisation(repeat: int, inner: int) -> None:
    pages, nodes = page_texts()
    display, key = arabic.display_text, arabic.match_key

    def pipeline_pair(s):  # what loaders + normalize pipeline do: key of the display value
        d = display(s)
        return d, key(d)

    def naive_pair(s):  # both from the raw string (display computed twice)
        return display(s), key(s)

    cases = [
        ("unicodedata NFKC (baseline)", lambda s: unicodedata.normalize("NFKC", s)),
        ("display_text", display),
        ("match_key (raw input)", key),
        ("pair: display_text -> match_key(display)", pipeline_pair),
        ("pair: display_and_key", arabic.display_and_key),
        ("pair: display_text + match_key(raw)", naive_pair),
    ]
    print("## Normalisation throughput (UTF-8 input MB per CPU second, best of %d)\n" % repeat)
    for label, data in (("per page", pages), ("per text node", nodes)):
        nbytes = sum(len(x.encode("utf-8")) for x in data)
        print(f"{label}: {len(data)} strings, {nbytes / 1e3:.0f} kB, mean {nbytes / len(data):.0f} B/string\n")
        print(f"| {'function':42} | {'MB/s':>7} | {'us/string':>9} | {'x NFKC time':>11} |")
        print(f"|{'-' * 44}|{'-' * 9}|{'-' * 11}|{'-' * 13}|")
        times = best_times(cases, data, repeat, inner if label == "per page" else max(1, inner // 2))
        base = times[0]
        for (name, _), t in zip(cases, times):
            print(f"| {name:42} | {nbytes / t / 1e6:7.1f} | {t / len(data) * 1e6:9.2f} | {t / base:11.2f} |")
        print()


def tsv_rows():
    lines = (FIXTURES / "dates" / "arabic_dates.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(line.split("\t")[:2]) for line in lines]


def correct(got: datetime | None, expected: str, now: datetime) -> bool:
    if got is None or got.tzinfo is None:
        return False
    rel = re.fullmatch(r"-(\d+)([mh])", expected)
    if rel:
        return now - got == (timedelta(minutes=int(rel[1])) if rel[2] == "m" else timedelta(hours=int(rel[1])))
    if expected.endswith("Z"):
        return got == datetime.fromisoformat(expected[:-1]).replace(tzinfo=timezone.utc)
    want = datetime.fromisoformat(expected) if "T" in expected else datetime.combine(date.fromisoformat(expected), datetime.min.time())
    return got.replace(tzinfo=None) == want


def bench_dates(n: int) -> None:
    tz = "Asia/Damascus"
    now = datetime(2020, 12, 1, 12, 0, tzinfo=ZoneInfo(tz))
    rows = tsv_rows()
    texts = [t for t, _ in rows]
    data = (texts * (n // len(texts) + 1))[:n]
    settings = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": tz, "PREFER_DATES_FROM": "past", "RELATIVE_BASE": now.replace(tzinfo=None)}

    def bare(s):
        return dateparser.parse(s, locales=["ar-SY"], settings=settings)

    def ours(s):
        return dates.parse_date(s, tz=tz, now=now)

    for s in texts:  # warm both (locale data, regex compilation)
        bare(s)
        ours(s)

    def run(fn):
        t0 = time.process_time()
        for s in data:
            fn(s)
        return (time.process_time() - t0) / len(data) * 1e6

    t_bare = run(bare)
    dates.CACHE_PARSES = False
    t_uncached = run(ours)
    dates.CACHE_PARSES = True
    dates._naive_cached.cache_clear()
    t_cached = run(ours)

    ok_bare = sum(correct(bare(t), e, now) for t, e in rows)
    nonnull_bare = sum(bare(t) is not None for t, _ in rows)
    ok_ours = sum(correct(ours(t), e, now) for t, e in rows)

    print(f"## Date parsing ({len(data)} strings = the {len(texts)} TSV strings repeated, tz {tz})\n")
    print(f"| {'parser':52} | {'us/string':>9} | {'x bare':>6} | {'TSV correct':>11} |")
    print(f"|{'-' * 54}|{'-' * 11}|{'-' * 8}|{'-' * 13}|")
    print(f"| {'dateparser.parse(s, locales=[ar-SY], settings) bare':52} | {t_bare:9.1f} | {1.0:6.2f} | {ok_bare:>5}/{len(rows)} ({nonnull_bare} not None) |")
    print(f"| {'parse_date, result cache off (CACHE_PARSES=False)':52} | {t_uncached:9.1f} | {t_uncached / t_bare:6.2f} | {ok_ours:>5}/{len(rows)} |")
    print(f"| {'parse_date, result cache on (default)':52} | {t_cached:9.1f} | {t_cached / t_bare:6.2f} | {ok_ours:>5}/{len(rows)} |")
    print()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    args = ap.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version}, dateparser {dateparser.__version__}\n")
    if args.quick:
        bench_normalisation(repeat=2, inner=2)
        bench_dates(n=1000)
    else:
        bench_normalisation(repeat=7, inner=10)
        bench_dates(n=10_000)
    print("Targets: pair within 3x of bare NFKC time; parse_date within 1.5x of bare dateparser.")


if __name__ == "__main__":
    main()
