"""The crawl report: one self-contained HTML page about a run or a date range (``scrapy report``).

Input: the JSON Lines feeds ``<feed dir>/<spider>/<spider>-<run id>.jsonl`` and the run
records beside them (``<spider>-<run id>.run.json``, written by
:class:`newscrawl.ops.progress.CrawlProgress` when a spider closes: finish reason, page and
item counts, drops by reason, feed file).  Nothing is read from the network.

What the page shows (:func:`collect` computes it, :func:`render_html` draws it):

* items per site (articles, tickers) and articles per day (by ``published``, UTC day),
  as tables and as bar charts;
* field coverage per site -- the share of articles with a date to the minute
  (``published_precision`` of ``minute``/``second`` when the item has it, else a
  ``published`` whose ``published_raw`` shows a clock time), an author, an agency,
  images, categories -- the way Fundus watches its parsers;
* drops by reason and pages not fetched by reason, per site (from the run records);
* ticker headlines with their first and last sighting (``seen_at``) in the range;
* who republished whose story (articles whose ``duplicate_of`` is another site's copy).

Charts are drawn with matplotlib (Agg, no display) into SVG and embedded as
``data:image/svg+xml;base64`` images, so the file needs nothing else to be viewed.
Everything taken from crawled pages (headlines, titles, site names, URLs) is
untrusted: it is HTML-escaped, a link is made only of an ``http``/``https`` URL, and the
page carries a Content-Security-Policy (``default-src 'none'``; no script at all; the one
inline stylesheet allowed by its SHA-256 hash; images only from ``data:``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

RUN_FILE_RE = re.compile(r"^(?P<spider>.+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<pid>\d+)\.(?P<kind>jsonl|run\.json)$")
#: a clock time in the raw date string (Western or Arabic-Indic digits): the date is given to the minute
CLOCK_RE = re.compile(r"[0-9٠-٩۰-۹]{1,2}\s*[:：]\s*[0-9٠-٩۰-۹]{2}")
COVERAGE_FIELDS = ("date to the minute", "author", "agency", "images", "categories")


@dataclass
class RunFile:
    spider: str
    started: datetime  # aware, UTC, to the second (from the file name)
    run_id: str  # "<YYYYmmddTHHMMSSZ>-<pid>"
    feed: Path | None = None
    record: Path | None = None


@dataclass
class ReportData:
    title: str
    generated: datetime
    period: tuple[datetime | None, datetime | None]
    runs: list[RunFile] = field(default_factory=list)
    items_per_site: dict[str, Counter] = field(default_factory=dict)  # site -> {"article": n, "ticker": n}
    articles_per_day: dict[str, Counter] = field(default_factory=dict)  # site -> {date: n}
    coverage: dict[str, dict[str, float]] = field(default_factory=dict)  # site -> {field: share 0..1}
    drops: dict[str, Counter] = field(default_factory=dict)  # site -> {reason: n}
    not_fetched: dict[str, Counter] = field(default_factory=dict)  # site -> {reason: n}
    finish: dict[str, str] = field(default_factory=dict)  # site -> finish reason of its last run
    tickers: list[dict] = field(default_factory=list)  # {site, headline, url, first_seen, last_seen, times}
    republished: list[dict] = field(default_factory=list)  # {site, url, title, original_site, original_url, kind}
    errors: list[str] = field(default_factory=list)  # unreadable lines / files (counted, shown)


def parse_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def find_runs(feed_dir: Path) -> list[RunFile]:
    """Every run of every spider under ``feed_dir`` (feed and/or run record), oldest first."""
    runs: dict[tuple[str, str], RunFile] = {}
    for path in sorted(Path(feed_dir).glob("*/*")):
        m = RUN_FILE_RE.match(path.name)
        if not m or m["spider"] != path.parent.name:
            continue
        run_id = f"{m['stamp']}-{m['pid']}"
        run = runs.setdefault((m["spider"], run_id), RunFile(m["spider"], parse_stamp(m["stamp"]), run_id))
        if m["kind"] == "jsonl":
            run.feed = path
        else:
            run.record = path
    return sorted(runs.values(), key=lambda r: (r.started, r.spider))


def select_runs(runs: list[RunFile], since: datetime | None = None, until: datetime | None = None,
                spiders: list[str] | None = None) -> list[RunFile]:
    """Runs started in ``[since, until)``; with neither bound, the last run of each spider."""
    runs = [r for r in runs if not spiders or r.spider in spiders]
    if since is None and until is None:
        last: dict[str, RunFile] = {}
        for r in runs:
            last[r.spider] = r
        return sorted(last.values(), key=lambda r: r.spider)
    return [r for r in runs if (since is None or r.started >= since) and (until is None or r.started < until)]


def _aware(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def minute_precision(item: dict) -> bool:
    """True when the article's date is known to the minute (see the module docstring)."""
    precision = item.get("published_precision")
    if precision is not None:
        return precision in ("minute", "second")
    return bool(item.get("published")) and bool(CLOCK_RE.search(item.get("published_raw") or ""))


def collect(feed_dir: Path, *, since: datetime | None = None, until: datetime | None = None,
            spiders: list[str] | None = None, title: str = "newscrawl report") -> ReportData:
    """Read the selected runs' feeds and run records into a :class:`ReportData`."""
    runs = select_runs(find_runs(feed_dir), since, until, spiders)
    data = ReportData(title=title, generated=datetime.now(timezone.utc), period=(since, until), runs=runs)
    articles: dict[str, list[dict]] = defaultdict(list)
    tickers: dict[tuple[str, str], dict] = {}
    url_site: dict[str, str] = {}
    for run in runs:
        data.items_per_site.setdefault(run.spider, Counter())
        if run.record:
            try:
                rec = json.loads(run.record.read_text(encoding="utf-8"))
                data.drops.setdefault(run.spider, Counter()).update(rec.get("dropped") or {})
                data.not_fetched.setdefault(run.spider, Counter()).update(rec.get("not_fetched") or {})
                data.finish[run.spider] = str(rec.get("finish_reason"))
            except (OSError, ValueError, TypeError) as exc:
                data.errors.append(f"{run.record.name}: {type(exc).__name__}")
        if not run.feed:
            continue
        try:
            lines = run.feed.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            data.errors.append(f"{run.feed.name}: {type(exc).__name__}")
            continue
        for n, line in enumerate(lines, 1):
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("not an object")
            except ValueError:
                data.errors.append(f"{run.feed.name}:{n}: not a JSON object")
                continue
            site = str(item.get("site") or run.spider)
            if "headline" in item:
                data.items_per_site.setdefault(site, Counter())["ticker"] += 1
                key = (site, str(item.get("headline")))
                seen = _aware(item.get("seen_at")) or run.started
                t = tickers.setdefault(key, {"site": site, "headline": key[1], "url": item.get("url"),
                                             "first_seen": seen, "last_seen": seen, "times": 0})
                t["first_seen"], t["last_seen"] = min(t["first_seen"], seen), max(t["last_seen"], seen)
                t["times"] += 1
            else:
                data.items_per_site.setdefault(site, Counter())["article"] += 1
                articles[site].append(item)
                for u in (item.get("canonical_url"), item.get("url")):
                    if u:
                        url_site[u] = site
    for site, items in sorted(articles.items()):
        per_day = data.articles_per_day.setdefault(site, Counter())
        for item in items:
            published = _aware(item.get("published"))
            if published:
                per_day[published.astimezone(timezone.utc).date()] += 1
        n = len(items)
        data.coverage[site] = {
            "date to the minute": sum(minute_precision(i) for i in items) / n,
            "author": sum(bool(i.get("author")) for i in items) / n,
            "agency": sum(bool(i.get("agency")) for i in items) / n,
            "images": sum(bool(i.get("images")) for i in items) / n,
            "categories": sum(bool(i.get("categories")) for i in items) / n,
        }
        for item in items:
            original = item.get("duplicate_of")
            if original:
                data.republished.append({
                    "site": site, "url": item.get("url"), "title": item.get("title"),
                    "original_url": original,
                    "original_site": url_site.get(original) or urlsplit(str(original)).hostname or "?",
                    "kind": item.get("duplicate_kind"),
                })
    data.tickers = sorted(tickers.values(), key=lambda t: (t["site"], t["first_seen"]))
    return data


# ---- charts ----------------------------------------------------------------------------------
def _svg_data_uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams["svg.fonttype"] = "path"  # glyphs as paths: no font needed to view the SVG
    matplotlib.rcParams["svg.hashsalt"] = "newscrawl"  # stable ids: the same data gives the same file
    import matplotlib.pyplot as plt

    return plt


def charts(data: ReportData) -> dict[str, str]:
    """The report's charts as ``data:`` URIs (SVG): ``items``, ``per_day``, ``coverage``, ``drops``."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    out = {}
    sites = sorted(data.items_per_site)
    if sites:
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(sites) + 1.2))
        arts = [data.items_per_site[s]["article"] for s in sites]
        ticks = [data.items_per_site[s]["ticker"] for s in sites]
        ax.barh(sites, arts, label="articles", color="#2b6cb0")
        ax.barh(sites, ticks, left=arts, label="ticker headlines", color="#dd6b20")
        ax.set_xlabel("items")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
        ax.invert_yaxis()
        out["items"] = _svg_data_uri(fig)
    days = sorted({d for c in data.articles_per_day.values() for d in c})
    if days:
        fig, ax = plt.subplots(figsize=(7, 3))
        bottom = [0] * len(days)
        for site in sorted(data.articles_per_day):
            counts = [data.articles_per_day[site].get(d, 0) for d in days]
            ax.bar(range(len(days)), counts, bottom=bottom, label=site)
            bottom = [b + c for b, c in zip(bottom, counts)]
        ax.set_xticks(range(len(days)), [d.isoformat() for d in days])
        ax.set_ylabel("articles (by published day, UTC)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
        out["per_day"] = _svg_data_uri(fig)
    if data.coverage:
        import numpy as np

        csites = sorted(data.coverage)
        matrix = np.array([[data.coverage[s][f] for f in COVERAGE_FIELDS] for s in csites])
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(csites) + 1.5))
        im = ax.imshow(matrix, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        ax.set_xticks(range(len(COVERAGE_FIELDS)), COVERAGE_FIELDS, fontsize=8)
        ax.set_yticks(range(len(csites)), csites, fontsize=8)
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7)
        fig.colorbar(im, ax=ax, fraction=0.03)
        out["coverage"] = _svg_data_uri(fig)
    reasons = Counter()
    for c in data.drops.values():
        reasons.update(c)
    if reasons:
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(reasons) + 1.2))
        names = sorted(reasons, key=lambda r: -reasons[r])
        ax.barh(names, [reasons[r] for r in names], color="#805ad5")
        ax.invert_yaxis()
        ax.set_xlabel("items dropped")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        out["drops"] = _svg_data_uri(fig)
    return out


# ---- HTML --------------------------------------------------------------------------------------
STYLE = """
body{font-family:system-ui,"Noto Sans Arabic","DejaVu Sans",sans-serif;margin:1.5em;color:#1a202c;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #cbd5e0}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #cbd5e0;padding:.25em .5em;text-align:start;vertical-align:top}
th{background:#edf2f7}td.n{text-align:end;font-variant-numeric:tabular-nums}
.ar{direction:rtl;unicode-bidi:isolate}.muted{color:#718096}img.chart{max-width:100%;display:block;margin:.5em 0}
"""


def esc(value) -> str:
    """HTML-escape any value (quotes too) for text and attribute positions."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_link(url, text=None) -> str:
    """An ``<a>`` for an absolute http(s) URL; anything else (``javascript:``, ``data:``...) is plain text."""
    label = esc(text if text is not None else url)
    try:
        parts = urlsplit(str(url or ""))
    except ValueError:
        return label
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{label}</a>'
    return label


def _fmt_dt(d: datetime | None) -> str:
    return d.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if d else ""


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def content_security_policy(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render_html(data: ReportData, chart_uris: dict[str, str] | None = None) -> str:
    """The report page (UTF-8 text): escaped data, inline SVG charts, a CSP that allows no script."""
    chart_uris = charts(data) if chart_uris is None else chart_uris

    def chart(key, alt):
        return f'<img class="chart" alt="{esc(alt)}" src="{chart_uris[key]}">' if key in chart_uris else ""

    since, until = data.period
    period = ("last run of each spider" if since is None and until is None
              else f"runs started from {_fmt_dt(since) or 'the first'} to {_fmt_dt(until) or 'now'}")
    parts = [f"<h1>{esc(data.title)}</h1>",
             f'<p class="muted">{esc(period)}; {len(data.runs)} spider runs; generated {esc(_fmt_dt(data.generated))}</p>']

    sites = sorted(data.items_per_site)
    parts.append("<h2>Items per site</h2>")
    parts.append(_table(["site", "articles", "ticker headlines", "finish reason"],
                        [[esc(s), str(data.items_per_site[s]["article"]), str(data.items_per_site[s]["ticker"]),
                          esc(data.finish.get(s, ""))] for s in sites], {1, 2}) if sites
                 else "<p>No run found.</p>")
    parts.append(chart("items", "items per site"))

    parts.append("<h2>Articles per day</h2>")
    days = sorted({d for c in data.articles_per_day.values() for d in c})
    if days:
        parts.append(_table(["day (UTC)", *sorted(data.articles_per_day)],
                            [[esc(d.isoformat()), *(str(data.articles_per_day[s].get(d, 0))
                                                    for s in sorted(data.articles_per_day))] for d in days],
                            set(range(1, len(data.articles_per_day) + 1))))
        parts.append(chart("per_day", "articles per day"))
    else:
        parts.append("<p>No dated article.</p>")

    parts.append("<h2>Field coverage per site</h2>")
    if data.coverage:
        parts.append(_table(["site", "articles", *COVERAGE_FIELDS],
                            [[esc(s), str(data.items_per_site[s]["article"]),
                              *(f"{data.coverage[s][f]:.0%}" for f in COVERAGE_FIELDS)] for s in sorted(data.coverage)],
                            set(range(1, len(COVERAGE_FIELDS) + 2))))
        parts.append(chart("coverage", "field coverage per site"))
    else:
        parts.append("<p>No article.</p>")

    parts.append("<h2>Drops and pages not fetched</h2>")
    rows = [[esc(s), "dropped", esc(r), str(n)] for s in sorted(data.drops) for r, n in data.drops[s].most_common()]
    rows += [[esc(s), "not fetched", esc(r), str(n)] for s in sorted(data.not_fetched)
             for r, n in data.not_fetched[s].most_common()]
    parts.append(_table(["site", "what", "reason", "count"], rows, {3}) if rows else "<p>None.</p>")
    parts.append(chart("drops", "items dropped by reason"))

    parts.append("<h2>Ticker headlines</h2>")
    if data.tickers:
        parts.append(_table(["site", "headline", "first seen", "last seen", "times"],
                            [[esc(t["site"]), f'<span class="ar">{safe_link(t["url"], t["headline"])}</span>',
                              esc(_fmt_dt(t["first_seen"])), esc(_fmt_dt(t["last_seen"])), str(t["times"])]
                             for t in data.tickers], {4}))
    else:
        parts.append("<p>No ticker headline.</p>")

    parts.append("<h2>Who republished whose story</h2>")
    if data.republished:
        parts.append(_table(["site", "article", "copy of", "original", "kind"],
                            [[esc(r["site"]), f'<span class="ar">{safe_link(r["url"], r["title"] or r["url"])}</span>',
                              esc(r["original_site"]), safe_link(r["original_url"]), esc(r["kind"])]
                             for r in data.republished]))
    else:
        parts.append("<p>No republished story among these runs.</p>")
    if data.errors:
        parts.append("<h2>Unreadable input</h2><ul>" + "".join(f"<li>{esc(e)}</li>" for e in data.errors[:50]) + "</ul>")

    csp = content_security_policy(STYLE)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{esc(data.title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(p for p in parts if p) + "\n</body></html>\n")


def write_report(path: str | Path, feed_dir: str | Path, **kwargs) -> ReportData:
    """Collect and write the report to ``path`` (via ``path.tmp`` and a rename); returns the data."""
    data = collect(Path(feed_dir), **kwargs)
    page = render_html(data)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return data
