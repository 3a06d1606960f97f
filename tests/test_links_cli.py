"""``nettsjekk links``: JSON and text output, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nettsjekk.cli.main import cli
from nettsjekk.cli.links import register

from test_links_scope import write_catalog

register(cli)
FAST = ["--timeout", "1.5", "--contact", "drift@lenkesjekk-test.no"]
ODELAGT = """\
  - id: ren-odelagt
    name: Ren, med en død lenke
    url: http://ren.lenkesjekk-test.no/odelagt.html
    vendor: lenkeleverandor
    source: tests
"""


def run(*args: str):
    return CliRunner().invoke(cli, ["links", *args])


def test_a_clean_site_exits_0_with_the_documented_json(internet):
    result = run("http://ren.lenkesjekk-test.no/", "--proxy", internet.proxy_url, *FAST)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert list(report)[:4] == ["resource", "pages_crawled", "links", "summary"]
    assert (report["resource"], report["pages_crawled"], report["summary"]["ok"]) == ("http://ren.lenkesjekk-test.no/", 3, 3)
    assert {"url", "source", "text", "status", "http_status", "reason", "redirects"} <= set(report["links"][0])


def test_a_broken_link_exits_1_and_the_text_names_it(internet, tmp_path):
    list_file, vendors = write_catalog(tmp_path)
    list_file.write_text(list_file.read_text(encoding="utf-8") + ODELAGT, encoding="utf-8")
    result = run("ren-odelagt", "--lists", str(list_file), "--vendors", str(vendors), "--depth", "0",
                 "--proxy", internet.proxy_url, "--format", "text", *FAST)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ren-odelagt: 1 pages crawled, 3 links (finished)"
    assert any(line.startswith("broken") and "http://ren.lenkesjekk-test.no/mangler.html" in line for line in lines)
    assert lines[-1] == "ok 2, broken 1"


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://ren.lenkesjekk-test.no/", *FAST], "error: 'ftp://ren.lenkesjekk-test.no/' is not an http(s) URL"),
    (["http://ren.lenkesjekk-test.no/"], "error: no contact address: pass --contact EMAIL or set NETTSJEKK_CONTACT"),
    (["http://ren.lenkesjekk-test.no/", "--contact", "drift"], "error: invalid link-crawl settings: contact: 'drift' is not an e-mail address"),
    (["ukjent-ressurs", *FAST], "error: unknown resource id 'ukjent-ressurs' (known: "),
    (["http://ren.lenkesjekk-test.no/", "--proxy", "socks5://127.0.0.1:1080", *FAST], "error: --proxy 'socks5://127.0.0.1:1080': the link crawl needs an HTTP proxy"),
    (["http://ren.lenkesjekk-test.no/", "--depth", "-1", *FAST], "Invalid value for '--depth'"),
])
def test_bad_input_exits_2_with_one_clear_line(args, message, monkeypatch):
    monkeypatch.delenv("NETTSJEKK_CONTACT", raising=False)
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
