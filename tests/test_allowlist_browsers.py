"""Exports proven by their real consumers: Debian's Squid and Chromium's PAC evaluator in front of the
fake internet, real Chromium and Firefox behind them, and the exam-mode replay.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from allowlist_rig import (
    FIXTURES,
    SITES,
    SQUID,
    SquidProxy,
    denied_standins,
    exported_entries,
)
from nettsjekk.fakenet import FakeInternet
from nettsjekk.allowlists.compiler import CompileOptions, compile_allowlist
from nettsjekk.core.deny import deny_category, load_deny_catalog
from nettsjekk.allowlists.header import ExportContext
from nettsjekk.core.hosts import HostPattern
from nettsjekk.allowlists.inventory import build_inventory
from nettsjekk.allowlists.probe_results import from_pairs
from nettsjekk.allowlists.exports import FORMATS, render_export, squid_entries
from nettsjekk.allowlists.selection import select
from nettsjekk.core.shared_suffixes import wildcard_refusal
from nettsjekk.lists.catalog import bundled_vendor_dir, load_catalog
from nettsjekk.probes.replay import ReplayOptions, replay, verdict_from_probe

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")]

RESOURCE = "https://www.eksamensressurs.no/"
FORBIDDEN = {"www.youtube.com", "www.facebook.com", "www.google.com", "chatgpt.com", "translate.googleapis.com"}
CONTEXT = ExportContext(__import__("datetime").date(2026, 11, 23), "T-7")
DEMO_WEB = Path(__file__).resolve().parents[1] / "demo_web"
DEMO_LIST = Path(__file__).resolve().parents[1] / "lists" / "demo.yaml"


def rig_sharing_ca(fake_internet, roots: list[Path], name: str) -> FakeInternet:
    """A fake internet over ``roots`` whose certificates come from the CA the test browsers trust."""
    rig = FakeInternet(roots, name=name)
    rig.ca = fake_internet.ca
    return rig.start()


@pytest.fixture(scope="module")
def allow_rig(fake_internet, tmp_path_factory):
    standins = denied_standins(tmp_path_factory.mktemp("denied-standins"))
    rig = rig_sharing_ca(fake_internet, [SITES, standins], "exam")
    yield rig
    rig.stop()


@pytest.fixture(scope="module")
def fixture_allowlist():
    selection = select([FIXTURES / "lists"], FIXTURES / "vendor_whitelists", [FIXTURES / "results.json"])
    resource = selection.catalog.resource("eksamensressurs")
    return compile_allowlist(selection.catalog, [resource], selection.inventory)


@pytest.fixture(scope="module")
def squid(allow_rig, fixture_allowlist):
    text = render_export(fixture_allowlist, "squid", CONTEXT)
    with SquidProxy(allow_rig.port, {"ressurs": text}) as proxy:
        yield proxy


def test_a_resource_loads_through_squid_and_a_denied_host_is_refused(browsers, engine, allow_rig, squid,
                                                                     fixture_allowlist):
    allow_rig.reset()
    result = browsers.probe(RESOURCE, engine, squid.url("ressurs"), settle_s=0.3)
    verdict = verdict_from_probe(result, fixture_allowlist.allows)

    assert result.ok and verdict.works, (result.error, verdict.summary())
    assert [(b.host, b.category) for b in verdict.denied] == [("translate.googleapis.com", "translation")]
    assert verdict.review == []
    assert {"api.eksamensressurs.no", "lyd.ressurs-media.no"} <= allow_rig.hosts_requested()

    refused = browsers.probe("https://www.youtube.com/", engine, squid.url("ressurs"), settle_s=0)
    assert refused.error == "blocked", (refused.error, refused.error_detail)
    assert not FORBIDDEN & allow_rig.hosts_requested()
    assert "TCP_DENIED/403" in squid.access_log() and "www.youtube.com:443" in squid.access_log()


def test_chromium_with_the_exported_pac_reaches_allowed_hosts_only(browsers, fake_internet, allow_rig,
                                                                   fixture_allowlist):
    from nettsjekk.probes.browsers import Browsers, BrowserSettings

    pac = render_export(fixture_allowlist, "pac", CONTEXT, allowed_proxy=f"PROXY 127.0.0.1:{allow_rig.port}")
    arg = "--proxy-pac-url=data:application/x-ns-proxy-autoconfig;base64," + base64.b64encode(pac.encode()).decode()
    pac_browsers = Browsers(browsers.browsers.playwright, BrowserSettings(trust_ca=(fake_internet.ca_cert_path,),
                                                                 chromium_args=(arg,)))

    async def visit(urls: list[str]) -> list[str]:
        context = await pac_browsers.new_context("chromium", timeout_ms=15_000)
        page, outcomes = await context.new_page(), []
        for url in urls:
            try:
                response = await page.goto(url)
                outcomes.append(f"{response.status} {await page.title()}")
            except Exception as exc:  # noqa: BLE001 - the error text is the outcome
                outcomes.append(str(exc).splitlines()[0])
        await context.close()
        await pac_browsers.close()
        return outcomes

    allow_rig.reset()
    allowed, denied = browsers.run(visit([RESOURCE, "https://www.youtube.com/"]))

    assert allowed == "200 Eksamensressurs"
    assert "ERR_PROXY_CONNECTION_FAILED" in denied  # sent to the black hole, not to the internet
    assert "www.youtube.com" not in allow_rig.hosts_requested()


def test_exam_mode_replay_works_splits_blocked_requests_and_proves_forbidden_links_unreachable(
        browsers, engine, allow_rig, fixture_allowlist):
    allow_rig.reset()
    options = ReplayOptions(proxy=allow_rig.proxy_url, settle_s=0.3, timeout_s=20)

    result = browsers.run(replay(browsers.browsers, RESOURCE, engine, fixture_allowlist.allows, options=options))

    assert result.works, result.summary()
    assert [(b.host, b.category) for b in result.denied] == [("translate.googleapis.com", "translation")]
    assert result.review == []
    assert {(c.host, c.category, c.unreachable) for c in result.links} == {
        ("www.youtube.com", "video", True), ("www.facebook.com", "social", True),
        ("www.google.com", "search_engine", True), ("chatgpt.com", "ai", True)}
    assert not FORBIDDEN & allow_rig.hosts_requested()


def test_exam_mode_replay_flags_hosts_missing_from_a_vendor_only_allowlist(browsers, allow_rig):
    selection = select([FIXTURES / "lists"], FIXTURES / "vendor_whitelists", [])
    vendor_only = compile_allowlist(selection.catalog, [selection.catalog.resource("eksamensressurs")])
    options = ReplayOptions(proxy=allow_rig.proxy_url, settle_s=0.3, check_links=False)

    result = browsers.run(replay(browsers.browsers, RESOURCE, "chromium", vendor_only.allows, options=options))

    assert not result.works
    assert {(b.host, b.type) for b in result.review} == {("api.eksamensressurs.no", "fetch"),
                                                         ("bilder.mangler-i-lista.no", "image")}
    assert [b.host for b in result.breaking] == ["api.eksamensressurs.no"]  # an image alone would not break it
    assert "missing from the allowlist? (review): api.eksamensressurs.no fetch" in result.summary()


def test_done_when_every_demo_resource_works_under_its_own_allowlist_through_real_squid(browsers, fake_internet):
    """The demo web: open probes -> inventory -> one allowlist per resource -> Squid -> real browsers."""
    catalog = load_catalog([DEMO_LIST], bundled_vendor_dir())
    rig = rig_sharing_ca(fake_internet, [DEMO_WEB], "demo")
    try:
        opened = {r.id: browsers.probe(r.url, "chromium", rig.proxy_url, settle_s=0.3) for r in catalog.resources}
        inventory = build_inventory(from_pairs(opened.items()), catalog)
        allowlists = {r.id: compile_allowlist(catalog, [r], inventory) for r in catalog.resources}
        _no_denied_host_and_no_shared_wildcard(catalog, inventory, allowlists)
        acls = {rid.replace("-", "_"): render_export(a, "squid", CONTEXT) for rid, a in allowlists.items()}
        with SquidProxy(rig.port, acls) as proxy:
            for rid, allowlist in allowlists.items():
                through = browsers.probe(catalog.resource(rid).url, "chromium", proxy.url(rid.replace("-", "_")),
                                         settle_s=0.3)
                verdict = verdict_from_probe(through, allowlist.allows)
                _same_as_open(rid, opened[rid], through, verdict)
    finally:
        rig.stop()


def _same_as_open(rid, opened, through, verdict) -> None:
    """Under its allowlist a resource works exactly when it worked on the open internet."""
    if opened.ok:
        assert verdict.works, f"{rid}: {verdict.summary()}"
    elif rid == "demo-lisens":  # licensed, no session here: the same login wall, reached through the allowlist
        assert (through.error, through.login.host) == (opened.error, opened.login.host) == (
            "login_required", "idp.feide-demo.no")
    else:  # demo-broken answers 404 on the open internet too: the allowlist is not the cause
        assert (through.error, through.status) == (opened.error, opened.status) == ("http_4xx", 404)
    if rid == "demo-chatbot":
        assert [(b.host, b.category) for b in verdict.denied] == [("widget.intercom.io", "communication")]
    assert verdict.review == [], f"{rid}: {verdict.summary()}"


def _no_denied_host_and_no_shared_wildcard(catalog, inventory, allowlists) -> None:
    deny = load_deny_catalog()
    wide = compile_allowlist(catalog, catalog.resources, inventory, CompileOptions(own_domain_wildcards=True))
    for allowlist in [*allowlists.values(), wide]:
        for pattern in allowlist.patterns():
            assert not deny.overlapping(pattern), pattern
            assert not pattern.wildcard or wildcard_refusal(pattern.base) is None, pattern
        for fmt in FORMATS:
            entries = exported_entries(fmt, render_export(allowlist, fmt, CONTEXT))
            assert fmt == "plain" or len(entries) == len(allowlist.entries), fmt
            for entry in entries:
                host = entry.removeprefix("*.").lstrip(".")
                assert deny_category(host) is None and not deny.overlapping(HostPattern.parse(entry.lstrip("."))), entry
    assert "*.demo-eksamen.no" in {str(p) for p in wide.patterns()}
    assert ".demo-eksamen.no" in squid_entries(wide)


def test_exam_mode_replay_closes_websockets_to_hosts_off_the_allowlist(browsers, internet):
    """``context.route`` does not see WebSockets; the replay gates them with ``route_web_socket``."""
    options = ReplayOptions(proxy=internet.proxy_url, settle_s=1.0, check_links=False)

    result = browsers.run(replay(browsers.browsers, "https://www.capture-test.no/", "chromium",
                                 lambda host: host != "ws.socket-host.no", options=options))

    assert ("ws.socket-host.no", "websocket") in {(b.host, b.type) for b in result.review}
    assert "ws.socket-host.no" not in internet.hosts_requested()
