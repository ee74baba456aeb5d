"""CPU cost of the generic breaking-news ticker on the real fixture pages.

Run from the repository root::

    .venv/bin/python benchmarks/bench_ticker.py          # 20 rounds (about 10 s)
    .venv/bin/python benchmarks/bench_ticker.py --quick  # 5 rounds

Every spider runs :class:`~newscrawl.extractors.ticker.GenericTicker` on each page
whose own ticker CSS finds nothing, so its cost is set against two peers measured in
the same process on the same pages: **parse** -- building the page's lxml tree
(``HtmlResponse(...).selector``, which every callback pays once) -- and, where the
site has one, **site CSS** -- the site's own :class:`TickerStrip` selector.  Times
are process time (other load on the 2-core machine does not count), best of the
rounds, per page; the ratio column is generic ticker / parse.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extractors.ticker import GenericTicker  # noqa: E402
from tests.helpers import oracle_pages, response_for  # noqa: E402
from tests.test_sites import spider_for  # noqa: E402


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    rounds = 5 if args.quick else 20
    print("| page | KB | parse ms | generic ticker ms | ratio | site CSS ms | items |")
    print("|---|---|---|---|---|---|---|")
    tot_parse = tot_generic = 0.0
    for html_path, oracle in oracle_pages():
        body = html_path.read_bytes()

        def parse():
            return response_for(body, oracle["url"]).selector

        response = response_for(body, oracle["url"])
        response.selector  # parsed once; the ticker reads the parsed tree
        generic = best(lambda: GenericTicker(response, site="b").headlines(), rounds)
        parsed = best(parse, rounds)
        site_cls = spider_for(oracle["url"]).ticker_class
        site = best(lambda: site_cls(response, site="b").headlines(), rounds) if site_cls else None
        items = len(GenericTicker(response, site="b").headlines())
        tot_parse += parsed
        tot_generic += generic
        print(f"| {html_path.parent.name} | {len(body) // 1024} | {parsed * 1000:.1f} | {generic * 1000:.1f} | "
              f"{generic / parsed:.2f} | {'n/a' if site is None else f'{site * 1000:.1f}'} | {items} |")
    print(f"| **all pages** | | {tot_parse * 1000:.1f} | {tot_generic * 1000:.1f} | {tot_generic / tot_parse:.2f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
