"""The observations as text (the terminal), JSON (the contract), CSV and HTML (bokmål or English).

Text, CSV and HTML show local times (the configuration's time zone); JSON keeps UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from nettsjekk.core.errors import ConfigError
from nettsjekk.core.templating import render as render_template

FORMATS_OUT = ("text", "json", "html", "csv")
LANGUAGES = ("nb", "en")
MESSAGES_FILE = Path(__file__).parent / "messages.yaml"


@cache
def messages(lang: str) -> dict:
    texts = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    if lang not in texts:
        raise ConfigError(f"unknown report language {lang!r} (choose from {', '.join(LANGUAGES)})")
    return texts[lang]


def local_time(iso: str, zone: ZoneInfo, with_date: bool = True) -> str:
    moment = dt.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def render(data: dict, fmt: str, lang: str = "nb", timezone: str = "Europe/Oslo", have_allowlist: bool = True) -> str:
    """``data`` (``report.report``) in ``fmt``."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    zone = ZoneInfo(timezone)
    if fmt == "text":
        return _text(data, zone, have_allowlist)
    rows = _rows(data, messages(lang), zone, have_allowlist)
    if fmt == "csv":
        return _csv(rows, messages(lang))
    days = sorted({row["day"] for row in rows})
    return render_template("observe/observations.html.j2", t=messages(lang), data=data, rows=rows, days=days,
                           lang=lang)


def _allowed_by(entry: str | None, t: dict, have_allowlist: bool) -> str:
    return entry or (t["not_in_allowlist"] if have_allowlist else t["no_allowlist"])


def _rows(data: dict, t: dict, zone: ZoneInfo, have_allowlist: bool) -> list[dict]:
    rows = [dict(kind=t["kind"]["leak"], day=local_time(leak["first"], zone)[:10], host=leak["host"],
                 category=t["category"][leak["category"]], client=", ".join(leak["clients"]),
                 first=local_time(leak["first"], zone), last=local_time(leak["last"], zone), count=leak["requests"],
                 allowed_by=_allowed_by(leak["allowed_by"], t, have_allowlist), leak=True)
            for leak in data["leaks"]]
    rows += [dict(kind=t["kind"]["attempt"], day=local_time(a["first"], zone)[:10], host=a["host"],
                  category=t["category"][a["category"]], client=a["client"], first=local_time(a["first"], zone),
                  last=local_time(a["last"], zone), count=a["count"], allowed_by="", leak=False)
             for a in data["attempts"]]
    return rows


CSV_COLUMNS = ("kind", "day", "client", "host", "category", "first", "last", "count", "allowed_by")


def _csv(rows: list[dict], t: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([t["column"]["number" if name == "count" else name] for name in CSV_COLUMNS])
    writer.writerows([row[name] for name in CSV_COLUMNS] for row in rows)
    return out.getvalue()


def _text(data: dict, zone: ZoneInfo, have_allowlist: bool) -> str:
    lines = []
    for leak in data["leaks"]:
        by = leak["allowed_by"] or ("not in the allowlist: another rule of the proxy" if have_allowlist
                                    else "no allowlist given")
        lines.append(f"LEAK {leak['host']} ({leak['category']}): {leak['requests']} requests from "
                     f"{len(leak['clients'])} machine(s) ({', '.join(leak['clients'][:5])}"
                     f"{' …' if len(leak['clients']) > 5 else ''}), {local_time(leak['first'], zone)} – "
                     f"{local_time(leak['last'], zone, False)}; let through by {by}")
    if data["attempts"]:
        lines.append("Attempts per machine (denied by the proxy):")
    client = None
    for attempt in data["attempts"]:
        if attempt["client"] != client:
            client = attempt["client"]
            lines.append(f"  {client}")
        lines.append(f"    {local_time(attempt['first'], zone)} – {local_time(attempt['last'], zone, False)}  "
                     f"{attempt['host']} ({attempt['category']}), {attempt['count']} attempt(s)")
    lines.append(f"{data['lines']} lines, {data['malformed']} malformed; {len(data['leaks'])} leak(s), "
                 f"{len(data['attempts'])} host(s) attempted by machines")
    return "\n".join(lines) + "\n"
