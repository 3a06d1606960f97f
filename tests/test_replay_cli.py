"""``nettsjekk replay``: an administrator checks, before the exam, that each resource works with only the
allowlist reachable, whether compiled from the lists or read back from the file about to be deployed."""

from __future__ import annotations

import json

import pytest
from allowlist_rig import FIXTURES, SITES, denied_standins
from click.testing import CliRunner
from nettsjekk.fakenet import FakeInternet
from nettsjekk.allowlists.readback import read_allowlist
from nettsjekk.cli.main import cli
from nettsjekk.core.errors import ConfigError

SOURCES = ["--lists", str(FIXTURES / "lists"), "--vendor-dir", str(FIXTURES / "vendor_whitelists"),
           "--results", str(FIXTURES / "results.json")]
NEEDED = ["www.eksamensressurs.no", "api.eksamensressurs.no", "static.eksamensressurs-cdn.no", "lyd.ressurs-media.no"]


@pytest.fixture(scope="module")
def exam_net(fake_internet, tmp_path_factory):
    """The fake internet with stand-ins for YouTube, Facebook, Google and ChatGPT, sharing the tests' CA."""
    rig = FakeInternet([SITES, denied_standins(tmp_path_factory.mktemp("standins"))], name="exam-replay")
    rig.ca = fake_internet.ca
    rig.start()
    yield rig
    rig.stop()


def replay(exam_net, fake_internet, *args: str):
    exam_net.reset()
    where = ["--proxy", exam_net.proxy_url, "--trust-ca", str(fake_internet.ca_cert_path), "--browser", "chromium"]
    return CliRunner().invoke(cli, ["replay", *SOURCES, *where, *args])


@pytest.mark.browser
def test_the_compiled_allowlist_lets_the_resource_work_and_keeps_youtube_and_chatgpt_out(exam_net, fake_internet):
    outcome = replay(exam_net, fake_internet, "eksamensressurs", "--format", "json")

    assert outcome.exit_code == 0, outcome.output
    (result,) = json.loads(outcome.stdout)["replays"]
    assert result["resource"] == "eksamensressurs" and result["works"] and result["passes"]
    assert [(d["host"], d["category"]) for d in result["denied"]] == [("translate.googleapis.com", "translation")]
    assert {(link["host"], link["unreachable"]) for link in result["links"]} >= {
        ("www.youtube.com", True), ("chatgpt.com", True)}
    assert not {"www.youtube.com", "chatgpt.com", "translate.googleapis.com"} & exam_net.hosts_requested()


@pytest.mark.browser
def test_a_deployed_squid_file_works_and_one_missing_the_api_host_fails_naming_it(exam_net, fake_internet, tmp_path):
    squid_file = tmp_path / "allowlist.txt"
    squid_file.write_text("# hand-edited\n.eksamensressurs.no\nstatic.eksamensressurs-cdn.no\n", encoding="utf-8")
    too_short = tmp_path / "too-short.txt"
    too_short.write_text("www.eksamensressurs.no\nstatic.eksamensressurs-cdn.no\nlyd.ressurs-media.no\n",
                         encoding="utf-8")

    fine = replay(exam_net, fake_internet, "eksamensressurs", "--allowlist", str(squid_file), "--no-links")
    broken = replay(exam_net, fake_internet, "eksamensressurs", "--allowlist", str(too_short), "--no-links")

    assert fine.exit_code == 0, fine.output  # .eksamensressurs.no covers www and api
    assert "missing from the allowlist? (review): lyd.ressurs-media.no image" in fine.stdout  # a logo, not essential
    assert broken.exit_code == 1, broken.output
    assert "FAILS (blocked: api.eksamensressurs.no)" in broken.stdout
    assert "0 of 1 replays pass" in broken.stdout


@pytest.mark.browser
def test_a_hand_edited_allowlist_that_opens_youtube_fails_the_replay(exam_net, fake_internet, tmp_path):
    opened = tmp_path / "opened.txt"
    opened.write_text("\n".join([*NEEDED, "www.youtube.com"]) + "\n", encoding="utf-8")

    outcome = replay(exam_net, fake_internet, "eksamensressurs", "--allowlist", str(opened))

    assert outcome.exit_code == 1, outcome.output
    assert "forbidden link www.youtube.com (video): REACHABLE" in outcome.stdout
    assert "forbidden link chatgpt.com (ai): unreachable" in outcome.stdout


def test_an_unknown_resource_and_a_pac_file_are_named_not_replayed(tmp_path):
    pac = tmp_path / "exam.pac"
    pac.write_text("// header\nfunction FindProxyForURL(url, host) { return 'DIRECT'; }\n", encoding="utf-8")

    unknown = CliRunner().invoke(cli, ["replay", *SOURCES, "snll"])
    wrong_format = CliRunner().invoke(cli, ["replay", *SOURCES, "--allowlist", str(pac)])

    assert unknown.exit_code == 2 and "resource 'snll' is not among the selected resources" in unknown.output
    assert wrong_format.exit_code == 2 and "looks like a PAC file" in wrong_format.output
    assert "--format squid" in wrong_format.output


def test_plain_wildcard_and_squid_files_read_back_as_a_firewall_reads_them(tmp_path):
    listing = tmp_path / "mixed.txt"
    listing.write_text("# comment\nwww.snl.no  # exact\n*.ndla.no\n.ordbokene.no\n\nBLÅBÆR.no\n", encoding="utf-8")

    allowlist = read_allowlist(listing)

    assert allowlist.allows("www.snl.no") and not allowlist.allows("snl.no") and not allowlist.allows("a.www.snl.no")
    assert allowlist.allows("api.ndla.no") and not allowlist.allows("ndla.no")
    assert allowlist.allows("ordbokene.no") and allowlist.allows("www.ordbokene.no")
    assert allowlist.allows("xn--blbr-roah.no")
    assert not allowlist.allows("evilndla.no") and not allowlist.allows("ordbokene.no.evil.com")


@pytest.mark.parametrize(("content", "message"), [
    ("www.snl.no\nhttps://ndla.no/fag\n", ":2: 'https://ndla.no/fag': not a host name"),
    ("www.snl.no\nlocalhost\n", ":2: 'localhost': not a full host name"),
    ("# only a comment\n", "no hosts in the allowlist file"),
    ('{"URLAllowlist": ["snl.no"]}', "looks like a Chrome policy"),
])
def test_a_bad_allowlist_file_names_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "allowlist.txt"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        read_allowlist(path)

    assert str(path) in str(raised.value) and message in str(raised.value)


def test_the_replay_help_names_every_allowlist_source():
    text = CliRunner().invoke(cli, ["replay", "--help"]).output
    for option in ("--allowlist", "--run", "--results", "--location", "--no-links", "--no-session"):
        assert option in text


@pytest.mark.parametrize(("location", "message"), [
    ("bergen", "runs on work pool 'bergen-pool'"),
    ("nowhere", "no location named 'nowhere' (known: kontoret, bergen)"),
])
def test_a_location_the_replay_cannot_use_here_is_named(tmp_path, location, message):
    config = tmp_path / "nettsjekk.yaml"
    config.write_text(f"lists: [{FIXTURES / 'lists' / 'eksamen.yaml'}]\nbrowsers: [chromium]\nlocations:\n"
                      "  - {name: kontoret, kind: local}\n  - {name: bergen, kind: pool, work_pool: bergen-pool}\n",
                      encoding="utf-8")

    outcome = CliRunner().invoke(cli, ["replay", *SOURCES, "--config", str(config), "--location", location])

    assert outcome.exit_code == 2 and message in outcome.output, outcome.output
