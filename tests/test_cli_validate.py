"""``nettsjekk validate`` end to end, in a subprocess like a county administrator would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BAD_LIST = """\
list: national
version: 2026-vår
resources:
  - id: snl-copy
    name: Store norske leksikon
    url: htp://snl.no
    vendor: snl
    source: https://meta.snl.no/
"""


def _validate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nettsjekk.cli.main", "validate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_bundled_files_are_valid() -> None:
    result = _validate()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("validated ") and result.stderr.rstrip().endswith(": 0 problems")


def test_bad_file_exits_1_with_the_message(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD_LIST, encoding="utf-8")
    result = _validate("bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["bad.yaml:6: resources[0].url: 'htp://snl.no' is not an http(s) URL"]
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("vendor files (bundled): 1 problem")


def test_broken_files_never_give_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "tabs.yaml").write_text("list: national\nresources:\n\t- id: x\n", encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\x00\xff\xfe\x00")
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    result = _validate("tabs.yaml", "binary.yaml", "deep.yaml", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tabs.yaml:3: tab character; YAML needs spaces",
        "binary.yaml:1: not UTF-8 text; save the file as UTF-8",
        "deep.yaml:1: not valid YAML: nested too deeply",
        "missing.yaml: no such file or folder",
    ]
    assert "Traceback" not in result.stderr
