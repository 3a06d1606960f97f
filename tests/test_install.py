"""A clean install: the wheel built from the tracked files, installed into a fresh venv outside the
repository, holds every package and data file, and its ``nettsjekk`` validates and probes.

To keep it fast the wheel is installed without its dependencies; the new venv sees them through a
``.pth`` line naming the development venv's site-packages (whose own ``.pth`` files, among them the
editable install's finder, are not run for such a line). The test checks that ``nettsjekk`` itself
is imported from the new venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
DATA_SUFFIXES = (".yaml", ".j2", ".js", ".css")
SKIPPED_DIRS = {"__pycache__"}


def tracked_files() -> list[str]:
    done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    return [name for name in done.stdout.decode().split("\0") if name and (ROOT / name).is_file()]


def package_folders() -> dict[str, Path]:
    """Every folder of the tree that ships: each ``package-dir`` and the folders below it, by package name."""
    found = {}
    for package, folder in SETUPTOOLS["package-dir"].items():
        for path in [ROOT / folder, *sorted(p for p in (ROOT / folder).rglob("*") if p.is_dir())]:
            relative = path.relative_to(ROOT / folder)
            if SKIPPED_DIRS & set(relative.parts) or not any(f.is_file() for f in path.iterdir()):
                continue
            if package == "nettsjekk.demo_web" and relative.parts:
                continue  # the demo web's host folders are data of nettsjekk.demo_web ("**/*")
            found[".".join([package, *relative.parts])] = path
    return found


def wheel_name(path: Path, folder: str, package: str) -> str:
    """Where a file of the tree lands in the wheel."""
    return "/".join([*package.split("."), *path.relative_to(ROOT / folder).parts])


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """The wheel (built from a copy of the tracked files) installed into a fresh venv; its paths."""
    base = tmp_path_factory.mktemp("clean-install")
    source = base / "source"
    for name in tracked_files():
        if name.split("/", 1)[0] not in ("tests", "bench"):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(base / "dist"), str(source)], check=True,
                   capture_output=True, timeout=600)
    wheel = next((base / "dist").glob("nettsjekk-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = base / "work"
    work.mkdir()
    return {"wheel": wheel, "venv": venv, "python": python, "site": site, "work": work}


def run(installed: dict, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """``nettsjekk ARGS`` of the new venv, from a working folder outside the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(installed["venv"] / "bin" / "nettsjekk"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=installed["work"], env=env)


def test_pyprojects_package_list_is_the_tree():
    assert sorted(SETUPTOOLS["packages"]) == sorted(package_folders())


def test_the_wheel_holds_every_module_and_data_file(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    tracked = {ROOT / name for name in tracked_files()}
    missing = []
    for package, folder in SETUPTOOLS["package-dir"].items():
        for path in sorted((ROOT / folder).rglob("*")):
            shipped = path.suffix in (".py", *DATA_SUFFIXES) or package == "nettsjekk.demo_web"
            if path in tracked and shipped and wheel_name(path, folder, package) not in names:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]


def test_the_new_venv_imports_nettsjekk_from_itself_not_from_the_repository(installed):
    probe = ("import json, nettsjekk, nettsjekk.core.hosts as h; "
             "print(json.dumps([list(nettsjekk.__path__), h.__file__]))")
    done = subprocess.run([str(installed["python"]), "-c", probe], capture_output=True, text=True, check=True,
                          cwd=installed["work"])
    paths, module = json.loads(done.stdout)
    site = str(installed["site"])
    assert all(p.startswith(site) for p in paths) and module.startswith(site), (paths, module)
    assert not any(p.startswith(str(ROOT)) for p in [*paths, module])


def test_validate_checks_the_bundled_lists_from_any_folder(installed):
    done = run(installed, "validate")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_bad_input_is_one_line_and_exit_2(installed):
    done = run(installed, "probe", "ftp://x")

    assert done.returncode == 2
    assert done.stderr.strip() == "error: 'ftp://x' is not an http(s) URL (expected e.g. https://snl.no/)"


@pytest.mark.browser
def test_probe_through_the_fake_internet_exits_0_and_a_missing_page_exits_1(installed, fake_internet):
    proxy = ["--proxy", fake_internet.proxy_url, "--trust-ca", str(fake_internet.ca_cert_path)]
    good = run(installed, "probe", "https://www.example-ordbok.no/", *proxy)
    gone = run(installed, "probe", "https://www.example-ordbok.no/borte", *proxy)

    assert good.returncode == 0 and "Traceback" not in good.stderr, good.stderr
    assert (json.loads(good.stdout)["ok"], json.loads(good.stdout)["title"]) == (True, "Eksempelordboka")
    assert gone.returncode == 1 and "Traceback" not in gone.stderr, gone.stderr
    assert json.loads(gone.stdout)["error"] == "http_4xx"
