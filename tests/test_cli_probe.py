"""`nettsjekk probe` as a county tester types it: JSON out, exit codes that scripts can trust."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "nettsjekk.cli.main"]


def nettsjekk(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://x", "error: 'ftp://x' is not an http(s) URL (expected e.g. https://snl.no/)"),
    ("not a url", "error: 'not a url' is not an http(s) URL (expected e.g. https://snl.no/)"),
    ("https://exa mple.no/", "error: 'https://exa mple.no/' has an invalid host: 'exa mple.no' is not a valid "
                             "hostname (contains whitespace or control characters)"),
])
def test_a_url_that_cannot_be_probed_is_refused_with_one_line_and_exit_2(url, message):
    done = nettsjekk("probe", url)

    assert done.returncode == 2
    assert done.stderr.strip() == message
    assert done.stdout == ""


def test_an_unknown_browser_is_a_usage_error():
    done = nettsjekk("probe", "https://snl.no/", "--browser", "netscape")

    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'netscape' is not one of 'chromium', 'firefox', 'webkit'" in done.stderr


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_probe_through_a_proxy_prints_the_documented_json_and_exits_0(fake_internet, engine, tmp_path):
    shot = tmp_path / "side.png"
    done = nettsjekk("probe", "https://www.example-ordbok.no/", "--browser", engine, "--proxy", fake_internet.proxy_url,
                     "--trust-ca", str(fake_internet.ca_cert_path), "--screenshot", str(shot))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["ok"], result["status"], result["title"], result["browser"]) == (True, 200, "Eksempelordboka", engine)
    assert result["location"] == "proxy" and result["screenshot"] == str(shot) and shot.is_file()
    assert "d111abc.cloudfront.net" in result["domains"]


@pytest.mark.browser
def test_a_failing_resource_exits_1_with_the_reason(fake_internet):
    done = nettsjekk("probe", "https://www.example-ordbok.no/borte", "--proxy", fake_internet.proxy_url,
                     "--trust-ca", str(fake_internet.ca_cert_path), "--location", "skole-a")

    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert (result["ok"], result["error"], result["location"]) == (False, "http_4xx", "skole-a")


@pytest.mark.browser
def test_text_format_is_for_people(fake_internet):
    done = nettsjekk("probe", "https://www.example-ordbok.no/", "--proxy", fake_internet.proxy_url,
                     "--trust-ca", str(fake_internet.ca_cert_path), "--format", "text")

    assert done.returncode == 0
    assert done.stdout.startswith("https://www.example-ordbok.no/ [chromium ")
    assert "example.co.uk" in done.stdout


def test_a_missing_engine_says_how_to_install_it():
    from nettsjekk.probes.browsers import find_engine
    from nettsjekk.core.errors import EngineUnavailable

    try:
        find_engine("webkit", managed_path=str(Path("/nonexistent/webkit")))
    except EngineUnavailable as exc:
        assert "playwright install webkit" in str(exc)
    else:  # pragma: no cover - only where a system WebKit exists
        pytest.skip("a WebKit build is installed here")


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "nettsjekk"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "probe" in done.stdout and "validate" in done.stdout


@pytest.mark.browser
def test_a_temporary_folder_too_long_for_chromium_is_named_with_its_fix(tmp_path):
    """Chromium aborts at start ("Socket path too long") when TMPDIR is long, as on a server whose
    temporary folder lies deep in a home folder; the tester gets the folder and the fix, not a traceback."""
    deep = tmp_path / ("x" * 80)
    deep.mkdir()
    done = subprocess.run([*CLI, "probe", "https://www.example-ordbok.no/"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TMPDIR": str(deep)})

    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert str(deep) in done.stderr and "TMPDIR=/tmp" in done.stderr
