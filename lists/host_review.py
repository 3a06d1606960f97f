"""The host checks of ``nettsjekk validate`` that read across the deny catalog and the script of names.

* a vendor whitelist that names a denied host (``translate.google.se``, ``*.google.se``): a warning,
  since the export will refuse it unless an exception lets it through;
* a host that may pass for another (mixed scripts, ``www.snl.nо`` with a Cyrillic ``о``): a warning;
* an ``xn--`` label that is not valid punycode: a problem, since no real name is written so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from nettsjekk.core.deny import load_deny_catalog
from nettsjekk.core.domains import normalize_hostname
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.core.hosts import HostPattern
from nettsjekk.core.homographs import homograph_warning, punycode_problem
from nettsjekk.core.yamldoc import Report


def review_hosts(list_files: Iterable, vendor_files: Iterable, problems: Report, warnings: Report) -> None:
    """Add a problem or warning for every host of the valid list and vendor files (``_LoadedList``,
    ``_LoadedVendor`` of ``lists.catalog``)."""
    deny = load_deny_catalog()
    for loaded in vendor_files:
        if loaded.model is None:
            continue
        for index, entry in enumerate(loaded.model.domains):
            where = (loaded.doc.source, loaded.doc.line(("domains", index)), f"domains[{index}]")
            _check_name(str(entry.host), where, problems, warnings)
            hits = deny.overlapping(HostPattern.parse(str(entry.host))) if entry.status != "doubtful" else []
            if hits:
                hit = hits[0]
                warnings.add(*where, f"warning: {entry.host} is denied ({hit.category}: {hit.reason}); the export "
                                     "will refuse it unless an exceptions file lets it through")
    for loaded in list_files:
        for index, resource in loaded.resources:
            for field, url in _urls(resource):
                line = loaded.doc.line(("resources", index, field.split("[")[0]))
                try:
                    host = normalize_hostname(urlsplit(url).hostname or "")
                except InvalidHostname:
                    continue  # already a problem of the list file
                _check_name(host, (loaded.doc.source, line, f"resources[{index}].{field}"), problems, warnings)


def _urls(resource) -> Iterator[tuple[str, str]]:  # noqa: ANN001 - lists.models.Resource
    yield "url", resource.url
    for number, url in enumerate(resource.extra_urls):
        yield f"extra_urls[{number}]", url


def _check_name(host: str, where: tuple, problems: Report, warnings: Report) -> None:
    problem = punycode_problem(host)
    if problem:
        problems.add(*where, f"{host!r}: {problem}")
        return
    warning = homograph_warning(host)
    if warning:
        warnings.add(*where, f"warning: {host!r} may pass for another host name: {warning}")
