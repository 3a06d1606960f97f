"""Strict data models for exam resource lists and vendor whitelists.

Two kinds of YAML file are modelled here:

* a **list file** (``lists/*.yaml``, ``lists/local/*.yaml``): :class:`ListFile` holding
  :class:`Resource` entries, one per web resource pupils may use during an exam;
* a **vendor file** (``vendor_whitelists/<id>.yaml``): :class:`Vendor`, the hosts a resource's
  owner needs opened in the exam network (:class:`DomainEntry`) and the hosts that must stay
  blocked.

Every model forbids unknown keys, so a typo in a key is an error instead of a silently ignored
setting. Checks that need more than one file (unique ids, known vendors) live in
``nettsjekk.lists.catalog``. Validators raise :class:`pydantic_core.PydanticCustomError` of type
``nettsjekk`` with a finished, human-readable message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from nettsjekk.core.domains import is_ip_address, normalize_hostname, public_suffix
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.core.hosts import HostPattern, covered_by, host_pattern
from nettsjekk.lists.recipes import LoginRecipe

ListName = Literal["national", "local"]
Login = Literal["none", "feide", "other"]
DomainStatus = Literal["confirmed", "inferred", "doubtful"]

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$")
_VENDOR_ID = re.compile(r"^_?[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$")

# Hosts run by the operator behind the 2024 polyfill.io supply-chain attack, which served malware
# to the visitors of every site embedding them. Never allow them silently.
KNOWN_COMPROMISED = ("polyfill.io", "bootcdn.net", "bootcss.com", "staticfile.net", "staticfile.org")


def problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user exactly as given."""
    return PydanticCustomError("nettsjekk", "{message}", {"message": message})


def _raise_at(items: list[tuple[tuple[str | int, ...], str, object]]) -> None:
    """Raise one ValidationError holding several problems, each at its own field location."""
    details = [InitErrorDetails(type=problem(message), loc=loc, input=value) for loc, message, value in items]
    raise ValidationError.from_exception_data("nettsjekk", details)


# ---------------------------------------------------------------- field checks


def check_slug(value: str) -> str:
    """Accept 2–64 lower-case letters a–z, digits and inner hyphens (``store-norske-leksikon``)."""
    if not _SLUG.match(value):
        raise problem(
            f"{value!r} is not a valid id (use 2-64 lower-case letters a-z, digits and hyphens, "
            "not starting or ending with a hyphen)"
        )
    return value


def check_vendor_id(value: str) -> str:
    """Accept a slug, optionally with one leading underscore for built-in vendors (``_platform``)."""
    if not _VENDOR_ID.match(value):
        raise problem(
            f"{value!r} is not a valid vendor id (use 2-64 lower-case letters a-z, digits and hyphens; "
            "a leading '_' is reserved for built-in files)"
        )
    return value


def check_text(value: str) -> str:
    """Reject empty or whitespace-only text."""
    if not value.strip():
        raise problem("must not be empty")
    return value


def check_regex(value: str) -> str:
    """Reject a regular expression Python's ``re`` cannot compile."""
    try:
        re.compile(value)
    except re.error as exc:
        raise problem(f"{value!r} is not a valid regular expression ({exc})") from None
    return value


def check_url(value: str) -> str:
    """Accept an absolute http(s) URL whose host is a valid DNS name; return it unchanged."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise problem(f"{value!r} contains spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError as exc:
        raise problem(f"{value!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise problem(f"{value!r} is not an http(s) URL")
    if parts.username is not None:
        shown = f"{parts.scheme}://{parts.hostname}{'' if parts.port is None else ':' + str(parts.port)}{parts.path}"
        raise problem(f"{shown!r}: a URL must not contain a user name or password (write it without 'name:password@')")
    if is_ip_address(parts.hostname):
        raise problem(f"{value!r} uses an IP address; use the host name (IP addresses change)")
    try:
        _hostname(parts.hostname)
    except PydanticCustomError as exc:
        raise problem(f"{_short(value)} has an invalid host: {exc.message()}") from None
    return value


def check_host_pattern(value: str) -> str:
    """Normalise a whitelist host (``www.example.no`` or ``*.example.no``) to lower-case ASCII.

    Rejects ``*`` alone, wildcards that are not the first label, wildcards over a public suffix
    (``*.com``, ``*.cloudfront.net``), IP addresses, single-label names and invalid hostnames
    (:class:`nettsjekk.core.hosts.HostPattern` reads it).
    """
    if value.strip() == "*":
        raise problem("'*' alone would allow every site; list the vendor's hosts")
    try:
        pattern = HostPattern.parse(value)
    except InvalidHostname as exc:
        raise problem(str(exc)) from None
    if pattern.covers_public_suffix:
        raise problem(f"{value!r} covers a whole public suffix ({pattern.base}), i.e. every site under it")
    return str(pattern)


def _hostname(raw: str) -> str:
    """``normalize_hostname`` with a short message for absurdly long input."""
    for label in raw.split("."):
        if len(label) > 63:
            raise problem(f"{_short(raw)} is not a valid hostname (a label has {len(label)} characters; at most 63)")
    try:
        return normalize_hostname(raw)
    except InvalidHostname as exc:
        raise problem(str(exc)) from None


def _short(value: str, limit: int = 60) -> str:
    """``repr(value)``, cut to about ``limit`` characters so a message stays on one readable line."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."


def host_matches(pattern: str, host: str) -> bool:
    """True when the whitelist ``pattern`` (a host or ``*.domain``) covers ``host``.

    ``*.snl.no`` covers ``www.snl.no`` and ``a.b.snl.no`` but not ``snl.no`` itself.
    """
    return covered_by(host, (pattern,))


def _covers(pattern: str, host: str) -> bool:
    """True when the ``domains`` entry ``pattern`` covers ``host`` (a host or a wildcard)."""
    return host_pattern(pattern).covers_pattern(host_pattern(host))


def _risk(host: str) -> str:
    """Why opening ``host`` without review would be dangerous; empty when it is not."""
    if is_known_compromised(host):
        return "a known-compromised CDN (polyfill.io attack, 2024)"
    if not host_pattern(host).wildcard and public_suffix(host) == host:
        return "a public suffix shared by many unrelated sites"
    return ""


def is_known_compromised(host: str) -> bool:
    """True for a host (or wildcard) under a domain known to have served malware."""
    bare = host_pattern(host).base
    return any(HostPattern.domain(bad).covers(bare) for bad in KNOWN_COMPROMISED)


Slug = Annotated[str, AfterValidator(check_slug)]
VendorId = Annotated[str, AfterValidator(check_vendor_id)]
Text = Annotated[str, AfterValidator(check_text)]
HttpUrl = Annotated[str, AfterValidator(check_url)]
Regex = Annotated[str, AfterValidator(check_regex)]
HostPatternText = Annotated[str, AfterValidator(check_host_pattern)]
# Aliases, because a field named ``list`` hides the builtin inside the model classes.
Texts = list[Text]
HttpUrls = list[HttpUrl]
Regexes = list[Regex]


def _no_items() -> list[Any]:
    return []


class StrictModel(BaseModel):
    """Base: unknown keys are errors; instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- list files


class Resource(StrictModel):
    """One web resource on a national or local exam list."""

    id: Slug = Field(description="Unique across all list files, e.g. 'snl'.")
    name: Text = Field(description="Name as the list shows it.")
    url: HttpUrl = Field(description="Start page pupils open; its host must be in the vendor's domains.")
    list: ListName = Field(description="'national' (same for all counties) or 'local' (one county).")
    county: Slug | None = Field(default=None, validate_default=True, description="Only for local entries.")
    subjects: Texts = Field(default_factory=_no_items)
    vendor: VendorId = Field(description="Id of a vendor_whitelists/<id>.yaml file.")
    login: Login = "none"
    extra_urls: HttpUrls = Field(default_factory=_no_items)
    notes: str = ""
    source: str = Field(default="", validate_default=True, description="Where the fact comes from.")
    confirmed: bool = Field(default=False, validate_default=True, description="Does the source confirm it?")
    include: Regexes = Field(default_factory=_no_items, description="Link-crawl scope: URLs to follow.")
    exclude: Regexes = Field(default_factory=_no_items, description="Link-crawl scope: URLs to skip.")
    obey_robots: bool = Field(default=True, description="Link crawl: obey robots.txt (false only with the owner's consent).")

    @field_validator("list", "county", mode="before")
    @classmethod
    def _not_contradicting_file(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, _Contradiction):
            raise problem(f"{value.value!r} contradicts the file's {info.field_name}: {value.file_value!r}")
        if value is INVALID_FILE_DEFAULT:
            raise PydanticCustomError(
                FILE_DEFAULT_INVALID, "the file's {field} is not valid", {"field": info.field_name}
            )
        return value

    @field_validator("county")
    @classmethod
    def _county_matches_list(cls, county: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("list")
        if kind == "local" and county is None:
            raise problem("required for a local resource (which county's list is it on?)")
        if kind == "national" and county is not None:
            raise problem("not allowed for a national resource (national entries apply to every county)")
        return county

    @field_validator("source")
    @classmethod
    def _national_needs_source(cls, source: str, info: ValidationInfo) -> str:
        if info.data.get("list") == "national" and not source.strip():
            raise problem("required for a national resource (where does this entry come from?)")
        return source

    @field_validator("confirmed")
    @classmethod
    def _confirmed_needs_source(cls, confirmed: bool, info: ValidationInfo) -> bool:
        if confirmed and "source" in info.data and not info.data["source"].strip():
            raise problem("confirmed: true needs a source")
        return confirmed

    @property
    def host(self) -> str:
        """The normalised (lower-case ASCII) host of ``url``."""
        return normalize_hostname(urlsplit(self.url).hostname or "")


FILE_DEFAULT_INVALID = "file_default_invalid"
"""Error type of a resource field whose file-level default is itself invalid (reported once, there)."""
INVALID_FILE_DEFAULT = object()


class _Contradiction:
    """Marks a resource value that contradicts its file's default, so the resource reports it."""

    def __init__(self, value: object, file_value: object) -> None:
        self.value, self.file_value = value, file_value


def apply_file_defaults(data: Any) -> Any:
    """Copy the file-level ``list``/``county`` into each resource mapping that lacks them.

    A resource value that differs from the file's is replaced by a marker that
    :class:`Resource` reports as a contradiction. Anything that is not the expected shape is
    returned unchanged for the models to report.
    """
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        return data
    defaults = _valid_file_defaults(data)
    resources = [_with_defaults(item, defaults) for item in data["resources"]]
    return {**data, "resources": resources}


def _valid_file_defaults(data: dict[str, Any]) -> dict[str, object]:
    """The file-level values to copy; ``INVALID_FILE_DEFAULT`` for one that is given but wrong."""
    defaults: dict[str, object] = {}
    if "list" in data:
        valid = data["list"] in ("national", "local")
        defaults["list"] = data["list"] if valid else INVALID_FILE_DEFAULT
    county = data.get("county")
    if data.get("list") == "local" and "county" in data:
        valid = isinstance(county, str) and bool(_SLUG.match(county))
        defaults["county"] = county if valid else INVALID_FILE_DEFAULT
    return defaults


def _with_defaults(item: Any, defaults: dict[str, object]) -> Any:
    if not isinstance(item, dict):
        return item
    merged = dict(item)
    for key, file_value in defaults.items():
        if key not in merged:
            merged[key] = file_value
        elif merged[key] != file_value and file_value is not INVALID_FILE_DEFAULT:
            merged[key] = _Contradiction(merged[key], file_value)
    return merged


Resources = list[Resource]


class ListFile(StrictModel):
    """A list file: file-level defaults and the resources on that list."""

    list: ListName = Field(description="Default for every resource in the file.")
    county: Slug | None = Field(default=None, validate_default=True, description="Local lists only.")
    version: Text = Field(description="Exam period the list is for, e.g. '2026-vår'.")
    resources: Resources = Field(description="The resources; may be empty.")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return apply_file_defaults(data)

    @field_validator("county")
    @classmethod
    def _county_only_local(cls, county: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("list") == "national" and county is not None:
            raise problem("not allowed in a national list (national entries apply to every county)")
        return county


# ---------------------------------------------------------------- vendor files


class DomainEntry(StrictModel):
    """A host a vendor's resources need (or, under ``blocked_hosts``, one that must stay blocked).

    In YAML either a bare string (``www.unibok.no``: confirmed by the vendor file's ``sources``)
    or a mapping ``{host, status, source, note}``.
    """

    host: HostPatternText = Field(description="'www.example.no' or '*.example.no', stored lower-case ASCII.")
    status: DomainStatus = Field(description="confirmed (a source says so), inferred, or doubtful.")
    source: str = ""
    note: str = Field(default="", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"host": data, "status": "confirmed"}
        if not isinstance(data, dict):
            raise problem("expected a host name or a mapping with host, status, source and note")
        return data

    @field_validator("note")
    @classmethod
    def _doubtful_needs_note(cls, note: str, info: ValidationInfo) -> str:
        if info.data.get("status") == "doubtful" and not note.strip():
            raise problem("a doubtful entry needs a note saying why")
        return note

    @model_validator(mode="after")
    def _risky_hosts_are_doubtful(self) -> DomainEntry:
        if self.status == "doubtful":
            return self
        risk = _risk(self.host)
        if risk:
            _raise_at([(("host",), f"{self.host!r} is {risk}; mark it status: doubtful with a note", self.host)])
        return self

    @property
    def allows(self) -> bool:
        """True unless the entry is doubtful (doubtful hosts never reach an allowlist unreviewed)."""
        return self.status != "doubtful"


class Vendor(StrictModel):
    """A vendor whitelist file: the hosts one owner's resources need in the exam network."""

    id: VendorId = Field(description="Must equal the file name without .yaml.")
    name: Text
    sources: list[Text] = Field(default_factory=_no_items, description="Sources for entries without their own.")
    verified: date | None = Field(default=None, description="When the list was last checked against the vendor.")
    domains: list[DomainEntry] = Field(min_length=1, description="Hosts to open.")
    blocked_hosts: list[DomainEntry] = Field(default_factory=_no_items, description="Hosts that must stay blocked.")
    notes: str = ""
    login_hosts: list[HostPatternText] = Field(
        default_factory=_no_items,
        description="Hosts of the login pages its resources send pupils to (identity provider, own sign-in); "
                    "each must also be under domains, so the exam network lets pupils log in.")
    login_recipe: LoginRecipe | None = Field(default=None, description="A scripted login (see probes/recipes.py).")

    @field_validator("domains")
    @classmethod
    def _domains_sourced_and_unique(cls, domains: list[DomainEntry], info: ValidationInfo) -> list[DomainEntry]:
        found = _duplicates(domains) + _unsourced(domains, info.data)
        if found:
            _raise_at(found)
        return domains

    @field_validator("blocked_hosts")
    @classmethod
    def _blocked_not_allowed(cls, blocked: list[DomainEntry], info: ValidationInfo) -> list[DomainEntry]:
        allowed = {entry.host: index for index, entry in enumerate(info.data.get("domains") or [])}
        found = _duplicates(blocked) + _unsourced(blocked, info.data)
        for index, entry in enumerate(blocked):
            if entry.host in allowed:
                found.append(
                    (
                        (index, "host"),
                        f"{entry.host!r} is also in domains[{allowed[entry.host]}]; "
                        "a host cannot be both allowed and blocked",
                        entry.host,
                    )
                )
        if found:
            _raise_at(found)
        return blocked

    @field_validator("login_hosts")
    @classmethod
    def _login_hosts_declared(cls, login_hosts: list[str], info: ValidationInfo) -> list[str]:
        domains = [entry.host for entry in info.data.get("domains") or [] if entry.allows]
        if "domains" not in info.data:
            return login_hosts  # domains itself is invalid and reported
        found = [((index,), f"{host!r} is not under domains (a login host must be reachable in the exam network); "
                           "add it there", host)
                 for index, host in enumerate(login_hosts)
                 if not any(_covers(pattern, host) for pattern in domains)]
        if found:
            _raise_at(found)
        return login_hosts

    def allowed_hosts(self) -> list[str]:
        """Hosts and wildcards to open, doubtful entries left out."""
        return [entry.host for entry in self.domains if entry.allows]

    def covers(self, host: str) -> bool:
        """True when a non-doubtful ``domains`` entry covers ``host`` and no blocked entry names it."""
        if covered_by(host, (entry.host for entry in self.blocked_hosts)):
            return False
        return covered_by(host, self.allowed_hosts())


def _duplicates(entries: list[DomainEntry]) -> list[tuple[tuple[str | int, ...], str, object]]:
    first: dict[str, int] = {}
    found: list[tuple[tuple[str | int, ...], str, object]] = []
    for index, entry in enumerate(entries):
        if entry.host in first:
            found.append(
                ((index, "host"), f"{entry.host!r} is listed twice (also at [{first[entry.host]}])", entry.host)
            )
        first.setdefault(entry.host, index)
    return found


def _unsourced(entries: list[DomainEntry], vendor: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, object]]:
    if "sources" not in vendor or vendor["sources"]:
        return []  # no sources check while the sources field itself is invalid
    return [
        ((index, "source"), "a confirmed entry needs a source (here, or in the vendor's sources)", entry.host)
        for index, entry in enumerate(entries)
        if entry.status == "confirmed" and not entry.source.strip()
    ]
