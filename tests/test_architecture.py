"""The package layers of README's Architecture section, enforced: a module imports only from its own
layer's package or from layers below it, and only ``flows`` (and the CLI above it) imports Prefect.

    core → lists → probes → checkpoints → allowlists, reports → flows → cli

Data packages (templates, vendor_whitelists, demo_web) hold files, not code: any layer may locate them.
``fakenet`` is the fake internet of the demo and the tests; only the CLI (``nettsjekk demo``) uses it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"core": 0, "lists": 1, "probes": 2, "checkpoints": 3, "allowlists": 4, "reports": 4, "observe": 4,
          "watch": 4, "intake": 4, "flows": 5, "fakenet": 5, "cli": 6}
DATA_PACKAGES = {"templates", "vendor_whitelists", "demo_web"}
PREFECT_ALLOWED = {"flows", "cli"}
PREFECT_EXCEPTIONS = {
    "checkpoints/logins.py": "a login recipe may take a credential from a Prefect Secret block (read lazily)",
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at any depth of the file (lazy imports in functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}:{node.lineno}: relative import (write the absolute module name)"
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if node.module == "nettsjekk"]
    return found


def package_files() -> list[Path]:
    return sorted(p for package in LAYERS for p in (ROOT / package).rglob("*.py"))


def violations(path: Path) -> list[str]:
    own = path.relative_to(ROOT).parts[0]
    problems = []
    for line, module in imported_modules(path):
        parts = module.split(".")
        where = path.relative_to(ROOT).as_posix()
        if parts[0] == "prefect" and own not in PREFECT_ALLOWED and where not in PREFECT_EXCEPTIONS:
            problems.append(f"{path.relative_to(ROOT)}:{line}: imports prefect (only flows/ and cli/ may)")
        if parts[0] != "nettsjekk" or len(parts) < 2 or parts[1] in DATA_PACKAGES:
            continue
        target = parts[1]
        if target not in LAYERS:
            problems.append(f"{path.relative_to(ROOT)}:{line}: imports unknown package nettsjekk.{target}")
        elif target != own and LAYERS[target] >= LAYERS[own]:
            problems.append(f"{path.relative_to(ROOT)}:{line}: {own} (layer {LAYERS[own]}) imports {module} "
                            f"(layer {LAYERS[target]}): imports run core → lists → probes → checkpoints → "
                            "allowlists, reports → flows → cli")
    return problems


def test_every_package_imports_only_downwards():
    problems = [problem for path in package_files() for problem in violations(path)]
    assert problems == []


def test_the_checker_catches_an_upward_import(tmp_path):
    """The rule itself can fail: a probe module that imports the checkpoint store is reported."""
    fake_root = tmp_path
    module = fake_root / "probes" / "bad.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from nettsjekk.checkpoints.store import Store\n    import prefect\n")
    global ROOT
    saved, ROOT = ROOT, fake_root
    try:
        found = violations(module)
    finally:
        ROOT = saved
    assert any("imports nettsjekk.checkpoints.store" in p for p in found)
    assert any("imports prefect" in p for p in found)


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_every_layer_is_a_folder_of_the_package(package):
    assert (ROOT / package / "__init__.py").is_file()
