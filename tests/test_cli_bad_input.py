"""Every command of ``nettsjekk``, run as a subprocess with input it must refuse: exit 2, one line on
stderr, no traceback, and nothing started (no browser, no Prefect) before the refusal.

The table holds the reproductions of issue 17 (``--timeout nan``, a port out of range, a proxy that is
no URL, results nested too deeply, ``-o`` into a folder that cannot exist, an unknown location or run,
a mistyped ``database:``) and more of the same kind for every command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NETTSJEKK = str(Path(sys.executable).with_name("nettsjekk"))
FIXTURES = Path(__file__).parent / "allowlist_fixtures"
NO_FOLDER = "/proc/nettsjekk-no-folder/out"  # cannot be created, not even by root


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A folder with the files the table names: configurations, a store with one run, bad files."""
    from nettsjekk.checkpoints.store import Store

    root = tmp_path_factory.mktemp("bad-input")
    base = {"lists": [str(ROOT / "lists" / "demo.yaml")], "browsers": ["chromium"],
            "locations": [{"name": "kontoret", "kind": "local"}], "output_dir": "results"}

    def config(name: str, **extra) -> None:
        (root / name).write_text(yaml.safe_dump({**base, **extra}), encoding="utf-8")

    config("mistyped.yaml", database="results/nettsjkek.db")
    config("stored.yaml", database="results/nettsjekk.db")
    config("tester.yaml", tester="Kari\x07 Nordmann")
    config("proxy.yaml", locations=[{"name": "skolen", "kind": "proxy", "proxy": "garbage"}])
    store = Store(root / "results" / "nettsjekk.db")
    store.start_run("test-exam", {"list": None, "locations": ["kontoret"], "browsers": ["chromium"]}, "Kari",
                    run_id="run-1")
    store.close()
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (root / "huge-number.json").write_text('{"results": [{"resource": "x", "status": ' + "9" * 5000 + "}]}")
    (root / "exceptions.yaml").write_text("exceptions:\n  - host: translate.google.se\n    reason: \"a\\u2028b\"\n"
                                          "    who: Kari\n    expires: 2099-01-01\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "lists", root / "lists")
    return root


SOURCES = ("--lists", str(FIXTURES / "lists"), "--vendor-dir", str(FIXTURES / "vendor_whitelists"))
CASES = [
    # command line itself
    (["nosuch-command"], "No such command"),
    (["validate", "--bogus"], "No such option '--bogus'"),
    # probe
    (["probe", "https://www.snl.no/", "--timeout", "nan"], "'nan' is not a number of seconds"),
    (["probe", "https://www.snl.no/", "--timeout", "inf"], "--timeout"),
    (["probe", "https://www.snl.no/", "--settle", "-1"], "--settle"),
    (["probe", "http://[::1]:99999/"], "has an invalid port"),
    (["probe", "https://www.snl.no/", "--proxy", "garbage"], "is not a proxy URL"),
    (["probe", "https://www.snl.no/", "--proxy", "http://proxy:notaport"], "is not a proxy URL"),
    (["probe", "ftp://www.snl.no/"], "is not an http(s) URL"),
    (["probe", "https://ex ample.no/"], "invalid host"),
    (["probe", "https://www.snl.no/", "--browser", "netscape"], "--browser"),
    # verify, runs, baseline, schedule
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/stored.yaml", "--location", "mars"],
     "no location named 'mars'"),
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/stored.yaml", "--resume", "nosuch"],
     "no run 'nosuch'"),
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/mistyped.yaml", "--resume", "nosuch"],
     "no such store"),
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/tester.yaml"], "tester: must be one line"),
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/proxy.yaml"], "is not a proxy URL"),
    (["verify", "--checkpoint", "someday"], "--checkpoint"),
    (["verify", "--checkpoint", "test-exam", "--config", "{work}/nosuch.yaml"], "nosuch.yaml"),
    (["runs", "--config", "{work}/mistyped.yaml"], "no such store"),
    (["baseline", "approve", "nosuch", "--config", "{work}/stored.yaml"], "no run 'nosuch'"),
    (["baseline", "approve", "run-1", "--config", "{work}/mistyped.yaml"], "no such store"),
    (["schedule", "--config", "{work}/tester.yaml"], "tester: must be one line"),
    # export and whitelist-doc
    (["export", "--format", "word"], "--format"),
    (["export", "--format", "plain", *SOURCES, "--results", "{work}/deep.json"], "nested too deeply"),
    (["export", "--format", "plain", *SOURCES, "--results", "{work}/huge-number.json"], "not a results file"),
    (["export", "--format", "plain", *SOURCES, "-o", NO_FOLDER], "cannot write"),
    (["export", "--format", "squid", *SOURCES, "--squid-conf", NO_FOLDER], "cannot write"),
    (["export", "--format", "plain", "--run", "nosuch", "--config", "{work}/mistyped.yaml"], "no such store"),
    (["export", "--format", "plain", "--run", "nosuch", "--config", "{work}/stored.yaml"], "no run 'nosuch'"),
    (["export", "--format", "pac", *SOURCES, "--pac-proxy", 'DIRECT"; alert(1); "'], "is not a PAC result"),
    (["export", "--format", "squid", *SOURCES, "--squid-acl-path", '/etc/x" all'], "may not contain quotes"),
    (["export", "--format", "plain", *SOURCES, "--checkpoint", "T-7\nhttp_access allow all"], "checkpoint name"),
    (["export", "--format", "plain", *SOURCES, "--exceptions", "{work}/exceptions.yaml"], "one line of plain text"),
    (["whitelist-doc", "--format", "pdf"], "--format"),
    (["whitelist-doc", *SOURCES, "-o", NO_FOLDER], "cannot write"),
    # report and whitelist-pdf
    (["report", "run-1", "--config", "{work}/mistyped.yaml"], "no such store"),
    (["report", "nosuch", "--config", "{work}/stored.yaml"], "no run 'nosuch'"),
    (["report", "run-1", "--config", "{work}/stored.yaml", "--format", "csv", "-o", NO_FOLDER + "/t.csv"],
     "cannot write"),
    (["report", "run-1", "--config", "{work}/stored.yaml", "--lang", "de"], "--lang"),
    (["whitelist-pdf", "{work}/nosuch.html"], "does not exist"),
    # links
    (["links", "ftp://www.snl.no/", "--contact", "it@agder.no"], "is not an http(s) URL"),
    (["links", "https://www.snl.no/", "--contact", "it@agder.no", "--timeout", "nan"], "not a number of seconds"),
    (["links", "https://www.snl.no/", "--contact", "it@agder.no", "--proxy", "garbage"], "is not a proxy URL"),
    (["links", "https://www.snl.no/", "--contact", "it@agder.no", "--depth", "-1"], "--depth"),
    # review
    (["review", "accept", "nosuch", "--rule", "r", "--reason", "x", "--by", "Kari", "--config",
      "{work}/stored.yaml"], "nosuch"),
    (["review", "accept", "demo-ordbok", "--rule", "r", "--reason", "x", "--by", "Kari", "--expires", "2026-13-01",
      "--config", "{work}/stored.yaml"], "--expires"),
    # replay
    (["replay", "--proxy", "garbage"], "is not a proxy URL"),
    (["replay", "--timeout", "nan"], "not a number of seconds"),
    (["replay", *SOURCES, "--results", "{work}/deep.json"], "nested too deeply"),
    (["replay", "--run", "nosuch", "--config", "{work}/mistyped.yaml"], "no such store"),
    # login and demo
    (["login", "--browser", "netscape"], "--browser"),
    (["login", "nosuch", "--config", "{work}/stored.yaml"], "nosuch"),
    (["demo", "--checkpoint", "someday"], "--checkpoint"),
    (["demo", "--browser", "netscape"], "--browser"),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_input_exits_2_with_one_line_and_no_traceback(work, args, message):
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api", "NETTSJEKK_CONTACT": "",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    command = [NETTSJEKK, *(a.replace("{work}", str(work)) for a in args)]

    done = subprocess.run(command, capture_output=True, text=True, cwd=work, env=env, timeout=60, check=False)

    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, (done.returncode, done.stderr, done.stdout[-500:])
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert message in done.stderr
