"""The generic reader's ``published`` on every saved article page, with and without its metadata.

    .venv/bin/python benchmarks/dates_without_metadata.py

Every ``tests/fixtures/pages/*/*.expected.json`` article with a ``published`` oracle is read
by :class:`~newscrawl.extractors.generic.GenericArticlePage` twice: as saved, and with its
machine-readable dates removed (JSON-LD blocks, ``<meta>`` date tags, ``datetime=`` /
``content=`` ISO attributes) -- what a site without metadata gives, so the visible date
line, and the URL last, must carry the date.  A page scores when ``published`` equals the
oracle to the minute (to the local day where the oracle is a day).  An oracle time that the
page itself only shows as a day is a miss by construction: the reader must then say
``day``, not invent a time (the precision column shows it).  Compare code versions with
``PYTHONPATH=<other tree>``.
"""
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo
from scrapy.http import HtmlResponse, Request
from newscrawl.extractors.generic import GenericArticlePage
TZ = {"albayan.ae": "Asia/Dubai", "alyaum.com": "Asia/Riyadh", "arabic.sputniknews.com": "UTC", "assabah.com.tn": "Africa/Tunis",
      "elbaladtv.net": "Africa/Cairo", "eldigitaldealbacete.com": "Europe/Madrid", "eyethunews.co.za": "Africa/Johannesburg",
      "hatawtabloid.com": "Asia/Manila", "lbcgroup.tv": "Asia/Beirut", "thenassauguardian.com": "America/Nassau", "youm7.com": "Africa/Cairo"}
MACHINE = [re.compile(rb"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.S | re.I),
           re.compile(rb"<meta[^>]+(?:published_time|modified_time|updated_time|datePublished|dateModified|pubdate)[^>]*>", re.I),
           re.compile(rb'\s(?:datetime|content)="\d{4}-\d\d-\d\d[^"]*"', re.I)]
NOW = datetime(2022, 4, 22, 12, 0, tzinfo=timezone.utc)  # thenassauguardian's render date ("20 hours ago")
for strip in (False, True):
    ok = day_ok = n = 0
    rows = []
    for p in sorted((Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages").glob("*/*.expected.json")):
        o = json.loads(p.read_text("utf-8"))
        if o["page_type"] != "article" or not o.get("published"):
            continue
        site = p.parent.name; tz = TZ[site]
        body = p.with_name(p.name.removesuffix(".expected.json") + ".html").read_bytes()
        if strip:
            for rx in MACHINE: body = rx.sub(b" ", body)
        page = GenericArticlePage(HtmlResponse(o["url"], body=body, request=Request(o["url"])), site="g", tz=tz, now=NOW)
        item = page.to_item()
        got = item.get("published"); exp = o["published"]
        if "T" not in exp:
            good = got is not None and got.astimezone(ZoneInfo(tz)).date().isoformat() == exp
            same_day = good
        else:
            e = datetime.fromisoformat(exp)
            e = e if e.tzinfo else e.replace(tzinfo=ZoneInfo(tz))
            good = got is not None and got.replace(second=0, microsecond=0) == e.replace(second=0, microsecond=0)
            same_day = got is not None and got.astimezone(ZoneInfo(tz)).date() == e.astimezone(ZoneInfo(tz)).date()
        # youm7's oracle time is the visible Cairo time; its meta "Z" is wrong (known generic miss)
        n += 1
        ok += good
        day_ok += same_day
        rows.append(f"   {'OK ' if good else 'MISS'} {site:24} got {got} ({item.get('published_precision', '-')}) raw={item.get('published_raw')!r:.50}")
    print(("WITHOUT machine metadata" if strip else "with metadata")
          + f": {ok}/{n} to the minute (day where the oracle is a day), {day_ok}/{n} on the right local day")
    print("\n".join(rows))
