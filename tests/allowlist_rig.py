"""Test rig for the allowlist exports: stand-ins for denied destinations, and Debian's real Squid.

``denied_standins(root)`` writes hosts such as www.youtube.com into a scratch folder that the test
adds as an extra fake-internet root (tests/sites stays free of well-known hosts, so other tests see
them as unknown). ``SquidProxy`` runs /usr/sbin/squid on a free loopback port with its own config,
log, pid and (absent) cache, forwarding everything to the fake internet as its parent.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

SQUID = shutil.which("squid") or "/usr/sbin/squid"
FIXTURES = Path(__file__).parent / "allowlist_fixtures"
SITES = Path(__file__).parent / "sites"
STANDINS = {
    "www.youtube.com/index.html": "<!doctype html><title>YouTube stand-in</title><p>video</p>",
    "www.youtube.com/watch": "<!doctype html><title>YouTube stand-in</title><p>video</p>",
    "www.facebook.com/eksamensressurs": "<!doctype html><title>Facebook stand-in</title>",
    "www.google.com/search": "<!doctype html><title>Google stand-in</title>",
    "chatgpt.com/index.html": "<!doctype html><title>ChatGPT stand-in</title>",
    "translate.googleapis.com/translate_a/element.js": "window.googleTranslateStandIn = true;\n",
    "widget.intercom.io/widget/demo123": "window.Intercom = function () {};\n",
}


def denied_standins(root: Path) -> Path:
    """Write stand-ins for denied hosts under ``root``; return it (an extra fake-internet root)."""
    for relative, body in STANDINS.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def squid_parse(conf: Path) -> tuple[int, str]:
    """``squid -k parse -f conf``: its exit code and output (it exits 0 even on a missing ACL file)."""
    done = subprocess.run([SQUID, "-k", "parse", "-f", str(conf)], capture_output=True, text=True, timeout=30,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def parse_problems(output: str) -> list[str]:
    """The ERROR, FATAL and WARNING lines of Squid's output."""
    return [line for line in output.splitlines() if any(word in line for word in ("ERROR", "FATAL", "WARNING"))]


class SquidProxy:
    """Squid in front of the fake internet, one ``http_port`` per ACL (``acls``: name -> dstdomain text).

    Requests to port ``ports[name]`` are allowed when the host is in that ACL and refused otherwise,
    so one Squid serves several resources, each under its own allowlist.
    """

    def __init__(self, parent_port: int, acls: dict[str, str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="nettsjekk-squid-"))
        self.ports = {name: free_port() for name in acls}
        for name, text in acls.items():
            (self.dir / f"{name}.dstdomain").write_text(text, encoding="utf-8")
        self.conf = self.dir / "squid.conf"
        self.conf.write_text(self._config(parent_port), encoding="utf-8")
        self._own_dirs()
        self.process: subprocess.Popen | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _config(self, parent_port: int) -> str:
        lines = [f"http_port 127.0.0.1:{port} name={name}" for name, port in self.ports.items()]
        lines += [f"cache_peer 127.0.0.1 parent {parent_port} 0 no-query no-digest default",
                  "never_direct allow all", "cache deny all", "pinger_enable off", "shutdown_lifetime 0 seconds",
                  f"cache_log {self.dir}/cache.log", f"access_log stdio:{self.dir}/access.log",
                  f"pid_filename {self.dir}/squid.pid", f"coredump_dir {self.dir}"]
        if os.geteuid() == 0:
            lines.append("cache_effective_user proxy")
        for name in self.ports:
            lines += [f"acl port_{name} myportname {name}",
                      f'acl allow_{name} dstdomain "{self.dir}/{name}.dstdomain"',
                      f"http_access allow port_{name} allow_{name}"]
        return "\n".join(lines + ["http_access deny all", ""])

    def _own_dirs(self) -> None:
        """When run as root Squid drops to ``proxy``: give that user the scratch folder."""
        if os.geteuid() != 0:
            return
        user = pwd.getpwnam("proxy")
        for path in [self.dir, *self.dir.iterdir()]:
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> SquidProxy:
        self.process = subprocess.Popen([SQUID, "-N", "-f", str(self.conf)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not all(self._listening(port) for port in self.ports.values()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"squid did not start: {self.log()[-2000:]}")
            time.sleep(0.05)
        return self

    @staticmethod
    def _listening(port: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
        except OSError:
            return False
        return True

    def log(self) -> str:
        path = self.dir / "cache.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self) -> str:
        path = self.dir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # a clean shutdown takes Squid 2 s even with shutdown_lifetime 0; -N has no children
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def exported_entries(fmt: str, text: str) -> list[str]:
    """The allowed entries of an export, read back the way its consumer reads it (comments skipped)."""
    import csv
    import json
    import plistlib
    import re

    if fmt in ("plain", "wildcard", "squid"):
        return [line for line in text.splitlines() if line and not line.startswith("#")]
    if fmt == "chrome":
        return json.loads(text)["URLAllowlist"]
    if fmt == "seb":
        return [r["expression"] for r in plistlib.loads(text.encode())["URLFilterRules"] if r["action"] == 1]
    if fmt == "csv":
        rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
        return [row["entry"] for row in rows if row["decision"] == "export"]
    if fmt == "pac":
        body = text.split("var EXACT", 1)[1].split("function FindProxyForURL")[0]  # after the HEADER array
        return re.findall(r'^\s+"([^"]+)"', body, flags=re.MULTILINE)
    raise ValueError(fmt)
