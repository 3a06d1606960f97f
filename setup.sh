#!/usr/bin/env bash
# Set up nettsjekk: a virtual environment with the package and its test tools, plus browsers.
# Safe to run again: each step says what it did or why it was skipped.
#
#   ./setup.sh              # venv in .venv, Playwright-managed browsers where they can be downloaded,
#                           # else the system's chromium / firefox-esr (installed with apt when run as root)
#   NETTSJEKK_VENV=/path ./setup.sh
#   NETTSJEKK_SKIP_PLAYWRIGHT_INSTALL=1 ./setup.sh   # go straight to system browsers
set -euo pipefail
cd "$(dirname "$0")"
VENV=${NETTSJEKK_VENV:-.venv}
say() { printf '[setup] %s\n' "$*"; }

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "nettsjekk needs Python 3.11 or newer" >&2; return 1
}

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "please install the Debian/Ubuntu packages: $*  (not root or no apt-get: skipped)"; return 0
  fi
  if [ -z "${NETTSJEKK_APT_UPDATED:-}" ]; then
    apt-get update -qq; export NETTSJEKK_APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. Virtual environment and package ------------------------------------------------------------
if [ -x "$VENV/bin/python" ]; then
  say "virtual environment $VENV exists"
else
  PY=$(pick_python); say "creating virtual environment $VENV with $($PY --version)"
  "$PY" -m venv "$VENV"
fi
say "installing nettsjekk (editable) with test extras"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
pip_log="$VENV/pip-install.log"
if ! "$VENV/bin/python" -m pip install -q -e '.[test]' >"$pip_log" 2>&1; then
  cat "$pip_log" >&2; echo "package install failed (log above, also in $pip_log)" >&2; exit 1
fi
"$VENV/bin/python" -c 'import nettsjekk.probes, playwright' || { echo "package install failed (see $pip_log)" >&2; exit 1; }

# 2. Browsers: Playwright-managed where downloadable, else the system's --------------------------
missing_system=()
for engine in chromium firefox webkit; do
  managed=$("$VENV/bin/python" - "$engine" <<'PY'
import sys
from pathlib import Path
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    print("yes" if Path(getattr(p, sys.argv[1]).executable_path).is_file() else "no")
PY
)
  if [ "$managed" = yes ]; then say "$engine: Playwright-managed build present"; continue; fi
  if [ -z "${NETTSJEKK_SKIP_PLAYWRIGHT_INSTALL:-}" ] && timeout 600 "$VENV/bin/playwright" install "$engine" >/dev/null 2>&1; then
    say "$engine: installed with 'playwright install'"; continue
  fi
  case $engine in
    chromium) command -v chromium >/dev/null 2>&1 && say "chromium: using system $(command -v chromium)" || missing_system+=(chromium) ;;
    firefox) command -v firefox-esr >/dev/null 2>&1 && say "firefox: using system $(command -v firefox-esr) (WebDriver-BiDi)" || missing_system+=(firefox-esr) ;;
    webkit) say "webkit: not available (only 'playwright install webkit' provides it); skipped" ;;
  esac
done
command -v certutil >/dev/null 2>&1 || missing_system+=(libnss3-tools)  # trust stores for --trust-ca and tests
if [ ${#missing_system[@]} -gt 0 ]; then apt_install "${missing_system[@]}" fonts-dejavu-core; fi

"$VENV/bin/python" - <<'PY'
from playwright.sync_api import sync_playwright
from nettsjekk.probes.browsers import available_engines, find_engine
with sync_playwright() as p:
    for name in available_engines(p):
        engine = find_engine(name, getattr(p, name).executable_path)
        print(f"[setup] ready: {name} ({engine.source}: {engine.executable})")
PY
say "done. Try: $VENV/bin/nettsjekk demo"
