"""Extra certificate authorities for the browsers (the fake internet's, or a school's TLS-inspecting proxy).

Chromium on Linux trusts the NSS database in ``$HOME/.pki/nssdb``; Firefox trusts ``cert9.db`` in its
profile. Both are built here with NSS's ``certutil`` (Debian package ``libnss3-tools``), so the
browsers really validate certificates: an expired or wrong-host certificate still fails as ``tls``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from nettsjekk.core.errors import ConfigError

CERTUTIL_HINT = "install NSS tools first (Debian/Ubuntu: apt-get install libnss3-tools)"


def make_nss_db(folder: Path, ca_files: list[Path]) -> Path:
    """Create an NSS database in ``folder`` that trusts every PEM file in ``ca_files``."""
    certutil = shutil.which("certutil")
    if certutil is None:
        raise ConfigError(f"trusting an extra certificate authority needs the 'certutil' command: {CERTUTIL_HINT}")
    if (folder / "cert9.db").exists():
        return folder  # made by an earlier launch of the same browser
    folder.mkdir(parents=True, exist_ok=True)
    _run([certutil, "-N", "-d", f"sql:{folder}", "--empty-password"])
    for index, ca_file in enumerate(ca_files):
        if not Path(ca_file).is_file():
            raise ConfigError(f"certificate authority file {ca_file} does not exist")
        _run([certutil, "-A", "-d", f"sql:{folder}", "-n", f"nettsjekk-ca-{index}", "-t", "C,,", "-i", str(ca_file)])
    return folder


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL, timeout=60)
    if done.returncode != 0:
        raise ConfigError(f"{' '.join(command[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
