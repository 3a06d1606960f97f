"""What the exam-day watch tests share: a webhook receiver (Teams/Slack stand-in), a minimal SMTP
server, a checkpoint run seeded into the store (the inventory of hosts the watch reads), a config."""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.probes.results import ProbeResult, RequestRecord

DATA = Path(__file__).parent / "watchdata"
SITES = DATA / "sites"
INVENTORY = {"ordbok-vakt": [("www.ordbok-vakt.no", "document"), ("cdn.vaktnett.no", "script")],
             "leksikon-vakt": [("www.leksikon-vakt.no", "document")]}


class Webhook:
    """A local HTTP server that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Smtp:
    """Just enough SMTP to take mail: every message's DATA is kept in ``messages``."""

    def __init__(self) -> None:
        messages = self.messages = []

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 localhost ESMTP test\r\n")
                while line := self.rfile.readline():
                    command = line.decode("ascii", "replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250 localhost\r\n")
                    elif command == "DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(data)
                        messages.append(b"".join(lines).decode("utf-8", "replace"))
                        self.wfile.write(b"250 queued\r\n")
                    elif command == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def seed_inventory(database: Path, locations: list[str]) -> str:
    """A finished checkpoint run whose cells say which hosts each resource needs."""
    store = Store(database)
    run_id = store.start_run("pre-exam", {"list": None, "locations": locations, "browsers": ["chromium"]})
    for resource, hosts in INVENTORY.items():
        for location in locations:
            requests = [RequestRecord(url=f"https://{host}/", host=host, domain=host.split(".", 1)[1], type=kind,
                                      status=200) for host, kind in hosts]
            result = ProbeResult(url=requests[0].url, final_url=requests[0].url, browser="chromium", location=location,
                                 status=200, ok=True, requests=requests, hosts=[h for h, _ in hosts])
            store.save_cell(run_id, CellKey(resource, "chromium", location), "ok", 1, result)
    store.finish_run(run_id)
    store.close()
    return run_id


def write_config(folder: Path, locations: list, **extra) -> Path:
    """``nettsjekk.yaml`` over the watch's list; ``locations``: (name, FakeInternet) pairs."""
    settings = {"lists": [str(DATA / "lists" / "vakt.yaml")], "vendor_dir": str(DATA / "vendors"),
                "browsers": ["chromium"], "timeout_s": 10, "database": "store.db", "output_dir": "runs",
                "locations": [{"name": name, "kind": "proxy", "proxy": rig.proxy_url,
                               "trust_ca": [str(rig.ca_cert_path)]} for name, rig in locations], **extra}
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


class Clock:
    """A watch's clock that the test moves: one minute per round."""

    def __init__(self, start: str = "2027-05-20T07:00:00+00:00") -> None:
        self.now = dt.datetime.fromisoformat(start)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float = 60) -> None:
        self.now += dt.timedelta(seconds=seconds)
