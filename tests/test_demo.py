"""`nettsjekk demo` runs the whole probe path over the bundled demo web, offline."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.browser


def test_the_demo_probes_every_demo_resource_in_both_engines_and_writes_json(tmp_path):
    output = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "nettsjekk.flows.cli", "demo", "--browser", "chromium",
                           "--browser", "firefox", "-o", str(output)], capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["resource", "browser", "result", "status", "error", "time", "hosts", "title"]
    assert "8 probes in" in done.stdout and "6 loaded, 2 failed" in done.stdout

    document = json.loads(output.read_text(encoding="utf-8"))
    cells = {(r["resource"], r["browser"]): r for r in document["results"]}
    assert set(cells) == {(rid, engine) for rid in ("demo-ordbok", "demo-leksikon", "demo-chatbot", "demo-broken")
                          for engine in ("chromium", "firefox")}
    for engine in ("chromium", "firefox"):
        assert cells[("demo-broken", engine)]["error"] == "http_4xx"
        assert cells[("demo-ordbok", engine)]["hosts"] == ["ordbok.demo-eksamen.no", "static.demo-cdn.no"]
        assert "widget.intercom.io" in cells[("demo-chatbot", engine)]["hosts"]
        assert cells[("demo-leksikon", engine)]["title"] == "Demo-leksikon"
