"""Render a compiled allowlist for each target, from the Jinja2 templates in ``templates/allowlist/``.

Every format gets the same header (:mod:`.header`) and the entries sorted by domain. Only
``HostPattern`` values, cleaned header lines and checked options reach a template. What each
target makes of an entry (``*.snl.no`` means the subdomains of snl.no, not snl.no itself):

=========  ======================  ===============================================================
format     exact host              wildcard ``*.snl.no``
=========  ======================  ===============================================================
plain      ``www.snl.no``          the hosts known under it (firewalls that take host names only)
wildcard   ``www.snl.no``          ``*.snl.no``
squid      ``www.snl.no``          ``.snl.no`` (also matches snl.no; an exact line under it is dropped,
                                   because Squid refuses ``x`` and ``.x`` in one ACL)
pac        exact compare           ``dnsDomainIs(host, ".snl.no")``
chrome     ``.www.snl.no``         ``snl.no`` (host and subdomains; a leading dot means exact)
seb        ``.www.snl.no``         ``*.snl.no``; SEB tests block rules first, so denied domains are
                                   block rules only where no allowed entry lies under them
=========  ======================  ===============================================================

Free text (list versions, exception reasons, who approved them) reaches a file only through the
target format's own serializer: plistlib for SEB (the header is the string array
``nettsjekkExportHeader``, a key SEB does not read), the csv module for CSV (each header line is the
quoted second cell of a ``#`` row), JSON string literals in PAC, comment lines stripped of every line
break in Squid and the text formats; Chrome's JSON holds no free text at all.
"""

from __future__ import annotations

import csv
import io
import json
import plistlib
import re
from typing import Any

from jinja2 import Environment
from nettsjekk.core.templating import environment as shared_environment

from nettsjekk.core.deny import DenyCatalog, load_deny_catalog
from nettsjekk.core.errors import ExportLimitError, ExportOptionError
from nettsjekk.allowlists.header import ExportContext, clean, header_lines
from nettsjekk.core.hosts import HostPattern
from nettsjekk.allowlists.model import Allowlist

FORMATS = ("plain", "wildcard", "squid", "pac", "chrome", "seb", "csv")
CHROME_MAX_ENTRIES = 1000
BLACKHOLE = "PROXY 127.0.0.1:9"
_PAC_RESULT = re.compile(r"(DIRECT|(PROXY|HTTPS|SOCKS|SOCKS4|SOCKS5) [A-Za-z0-9.-]{1,253}:[0-9]{1,5})"
                         r"(; ?(DIRECT|(PROXY|HTTPS|SOCKS|SOCKS4|SOCKS5) [A-Za-z0-9.-]{1,253}:[0-9]{1,5}))*")
_ACL_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def environment() -> Environment:
    """nettsjekk's one strict Jinja2 environment (:mod:`nettsjekk.core.templating`: undefined names
    fail, trailing newlines kept, ``.html.j2``/``.xml.j2`` autoescaped), with the export filters."""
    env = shared_environment()
    for name, function in _FILTERS.items():
        env.filters.setdefault(name, function)
    return env


def render(template: str, **values: Any) -> str:
    """Render ``templates/allowlist/<template>`` with ``values``."""
    return environment().get_template(f"allowlist/{template}").render(**values)


def render_export(allowlist: Allowlist, fmt: str, context: ExportContext, *, allowed_proxy: str = "DIRECT",
                  blackhole: str = BLACKHOLE, deny: DenyCatalog | None = None,
                  squid_acl_path: str = "/etc/squid/nettsjekk-allowlist.txt") -> str:
    """The export of ``allowlist`` in ``fmt`` (one of ``FORMATS``)."""
    header = header_lines(allowlist, context, fmt)
    if fmt == "plain":
        return _plain(allowlist, header)
    if fmt == "wildcard":
        return render("wildcard.txt.j2", header=header, entries=[str(p) for p in allowlist.patterns()])
    if fmt == "squid":
        return render("squid.dstdomain.j2", header=header, entries=squid_entries(allowlist),
                      snippet=squid_snippet_lines(squid_acl_path))
    if fmt == "pac":
        return _pac(allowlist, header, allowed_proxy, blackhole)
    if fmt == "chrome":
        return render("chrome.json.j2", entries=chrome_entries(allowlist))
    if fmt == "seb":
        return seb_plist(header, seb_rules(allowlist, deny or load_deny_catalog()))
    if fmt == "csv":
        return render("allowlist.csv.j2", header=[["#", line] for line in header], rows=csv_rows(allowlist))
    raise ExportOptionError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


def _plain(allowlist: Allowlist, header: list[str]) -> str:
    missing = [f"{p} has no known host under it and cannot be written as host names; use --format wildcard"
               for p in allowlist.wildcards_without_hosts()]
    return render("plain.txt.j2", header=header + missing, hosts=allowlist.exact_hosts())


def _pac(allowlist: Allowlist, header: list[str], allowed_proxy: str, blackhole: str) -> str:
    for name, value in (("allowed proxy", allowed_proxy), ("black-hole proxy", blackhole)):
        if not _PAC_RESULT.fullmatch(value):
            raise ExportOptionError(f"{name} {value[:60]!r} is not a PAC result like 'DIRECT' or 'PROXY host:port'")
    patterns = allowlist.patterns()
    return render("pac.js.j2", header=header, allowed_proxy=allowed_proxy, blackhole=blackhole,
                  exact=[p.base for p in patterns if not p.wildcard],
                  suffixes=["." + p.base for p in patterns if p.wildcard])


def squid_entries(allowlist: Allowlist) -> list[str]:
    """``dstdomain`` lines without parent/child overlap: ``.x`` swallows ``x`` (Squid: FATAL otherwise)."""
    patterns = allowlist.patterns()
    wild = {p.base for p in patterns if p.wildcard}
    return ["." + p.base if p.wildcard else p.base for p in patterns if p.wildcard or p.base not in wild]


def squid_snippet_lines(acl_path: str, acl_name: str = "nettsjekk_exam") -> list[str]:
    """The ``squid.conf`` lines that use the ``dstdomain`` file at ``acl_path``."""
    if not _ACL_NAME.fullmatch(acl_name):
        raise ExportOptionError(f"Squid ACL name {acl_name[:40]!r} may hold only letters, digits, '_', '.' and '-'")
    if not acl_path or clean(acl_path) != acl_path or '"' in acl_path:
        raise ExportOptionError(f"Squid ACL file path {acl_path[:60]!r} may not contain quotes or control characters")
    return [f'acl {acl_name} dstdomain "{acl_path}"', f"http_access allow {acl_name}", "http_access deny all"]


def render_squid_snippet(acl_path: str, context: ExportContext, acl_name: str = "nettsjekk_exam") -> str:
    """A ``squid.conf`` fragment (``include`` it before your other ``http_access`` lines)."""
    return render("squid.conf.j2", checkpoint=clean(context.checkpoint or "(none given)"),
                  generated=context.generated_on.isoformat(), lines=squid_snippet_lines(acl_path, acl_name))


def chrome_entries(allowlist: Allowlist) -> list[str]:
    """``URLAllowlist`` filters: ``.host`` is exact, ``domain`` covers it and its subdomains."""
    patterns = allowlist.patterns()
    wild = {p.base for p in patterns if p.wildcard}
    entries = [p.base if p.wildcard else "." + p.base for p in patterns if p.wildcard or p.base not in wild]
    if len(entries) > CHROME_MAX_ENTRIES:
        raise ExportLimitError(
            f"the Chrome policy would need {len(entries)} URLAllowlist entries; Chrome ignores every entry after "
            f"the first {CHROME_MAX_ENTRIES}. Export fewer resources (--list, --vendor) or use Squid or PAC"
        )
    return entries


def seb_rules(allowlist: Allowlist, deny: DenyCatalog) -> list[dict[str, Any]]:
    """SEB ``URLFilterRules``: block rules for denied domains first, then one allow rule per entry."""
    patterns = allowlist.patterns()
    blocks = [e.host for e in deny.hosts() if not any(_opens(p, e.host) for p in patterns)]
    rules = [{"action": 0, "active": True, "expression": host, "regex": False} for host in blocks]
    rules += [{"action": 1, "active": True, "expression": str(p) if p.wildcard else "." + p.base, "regex": False}
              for p in patterns]
    return rules


_SEB_NOTE = """<!--
  Safe Exam Browser URL filter. SEB tests every block rule (action 0) before the allow rules
  (action 1) and blocks whatever no rule allows. ".host" allows exactly that host; "*.domain" the
  subdomains of domain. URLFilterEnableContentFilter applies the rules to embedded content too.
  nettsjekkExportHeader holds the export header; SEB does not read it.
-->
"""


def seb_plist(header: list[str], rules: list[dict[str, Any]]) -> str:
    """The SEB settings plist, written by plistlib (a fixed comment after the document type)."""
    settings = {"nettsjekkExportHeader": header, "URLFilterEnable": True, "URLFilterEnableContentFilter": True,
                "URLFilterRules": rules}
    text = plistlib.dumps(settings, sort_keys=False).decode("utf-8")
    head, _, body = text.partition("<plist ")
    return head + _SEB_NOTE + "<plist " + body


def _opens(pattern: HostPattern, denied: str) -> bool:
    """True when ``pattern`` lets through some host under the denied domain (only via an exception)."""
    return HostPattern.domain(denied).covers(pattern.base) or pattern.covers(denied)


def csv_rows(allowlist: Allowlist) -> list[list[str]]:
    """One row per exported entry, then one per left-out item."""
    rows = [["decision", "entry", "kind", "resources", "vendors", "origins", "engines", "locations",
             "request_types", "pages", "first_seen", "last_seen", "requests", "failed", "covered_hosts", "exception",
             "why"]]
    rows += [_entry_row(entry) for entry in allowlist.entries]
    rows += [["left out", item.entry, "", "", "", item.by, "", "", "", "", "", "", "", "", "", "", item.why]
             for item in allowlist.left_out]
    return rows


def _entry_row(entry) -> list[str]:
    s = entry.sightings
    join = lambda values: " ".join(sorted({v for v in values if v}))
    resources = [o.resource for o in entry.origins] + [x.resource for x in s]
    return ["export", str(entry.pattern), "wildcard" if entry.pattern.wildcard else "exact", join(resources),
            join(o.vendor for o in entry.origins), "; ".join(dict.fromkeys(o.describe() for o in entry.origins)),
            join(e for x in s for e in x.engines), join(loc for x in s for loc in x.locations),
            join(t for x in s for t in x.types), join(p for x in s for p in x.pages),
            min((x.first_seen for x in s if x.first_seen), default=""), max((x.last_seen for x in s), default=""),
            str(sum(x.requests for x in s)), str(sum(x.failed for x in s)), " ".join(entry.covered),
            entry.exception.describe() if entry.exception else "", ""]


def csv_row(values: list[str]) -> str:
    """One CSV line (RFC 4180 quoting); cells are cleaned, and a leading = + - @ is neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_safe_cell(v) for v in values])
    return buffer.getvalue().rstrip("\n")


def _safe_cell(value: str) -> str:
    text = clean(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text



_FILTERS = {"json": json.dumps, "csv_row": csv_row}
