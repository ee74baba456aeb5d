"""Cost of the lenient JSON-LD reader (:func:`newscrawl.extractors.metadata.parse_jsonld`) on real blocks.

Run from the repository root::

    .venv/bin/python benchmarks/bench_jsonld.py          # about 10 s
    .venv/bin/python benchmarks/bench_jsonld.py --quick

Input: every ``<script type="application/ld+json">`` text of the saved pages in
``tests/fixtures/pages`` (real schema.org blocks: Yoast ``@graph``, Jannah's tie-schema,
Rank Math ...), read four ways in the same process:

* ``json.loads(strict=False)`` -- the peer: what the reader did before;
* ``parse_jsonld`` on the same strict blocks (fast path plus the depth check);
* ``parse_jsonld`` on each block wrapped as old CMSs print it
  (``<!--`` + ``// <![CDATA[`` + block + ``;`` + ``// ]]>`` + ``-->``): the lenient path;
* ``pyjson5.decode`` on the strict blocks (the JSON5 reader used inside the lenient path).

Figures are MB of UTF-8 input per CPU second (process time), best of several interleaved
runs, and each one's ratio to the peer.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyjson5  # noqa: E402
from parsel import Selector  # noqa: E402

from newscrawl.extractors.metadata import parse_jsonld  # noqa: E402


def blocks() -> list[str]:
    out = []
    for html in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*/*.html")):
        sel = Selector(text=html.read_text(encoding="utf-8", errors="replace"))
        out += [t for t in sel.xpath("//script[contains(@type, 'ld+json')]/text()").getall() if t.strip()]
    return out


def rate(fn, texts: list[str], reps: int) -> float:
    size = sum(len(t.encode("utf-8")) for t in texts) * reps
    start = time.process_time()
    for _ in range(reps):
        for t in texts:
            fn(t)
    return size / 1e6 / max(time.process_time() - start, 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    strict = blocks()
    wrapped = [f"<!--\n// <![CDATA[\n{b};\n// ]]>\n-->" for b in strict]
    assert all(parse_jsonld(w) == parse_jsonld(b) for w, b in zip(wrapped, strict))  # same values either way
    reps, rounds = (20, 3) if args.quick else (100, 5)
    runs = {
        "json.loads(strict=False) [peer]": (lambda t: json.loads(t, strict=False), strict),
        "parse_jsonld, strict blocks": (parse_jsonld, strict),
        "parse_jsonld, wrapped blocks": (parse_jsonld, wrapped),
        "pyjson5.decode, strict blocks": (pyjson5.decode, strict),
    }
    best = {name: 0.0 for name in runs}
    for _ in range(rounds):
        for name, (fn, texts) in runs.items():
            best[name] = max(best[name], rate(fn, texts, reps))
    size = sum(len(b.encode("utf-8")) for b in strict)
    print(f"{len(strict)} real JSON-LD blocks, {size / 1000:.1f} kB; best of {rounds} x {reps} passes")
    peer = best["json.loads(strict=False) [peer]"]
    for name, mbps in best.items():
        print(f"{name:36s} {mbps:8.1f} MB/s  x{mbps / peer:.2f}")


if __name__ == "__main__":
    main()
