"""``nettsjekk intake serve|link|export``: the manual-test form of the test exam.

``serve`` runs the form (bound to 127.0.0.1 unless told otherwise) and prints its link; ``link``
prints a link (and a QR code) for the classroom screen; ``export`` writes the submissions as CSV.
A link is signed with the key beside the results store, so links made by ``link`` work with any
``serve`` of the same configuration until they expire.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nettsjekk.cli.options import checkpoint_option, config_option

if TYPE_CHECKING:
    from nettsjekk.checkpoints.config import Config

_VALID_DAYS = click.option("--valid-days", type=click.IntRange(1, 90), default=7, show_default=True,
                           help="How many days the link works.")
_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~/\-]*)?$")


def register(cli: click.Group) -> None:
    cli.add_command(intake)


@click.group()
def intake() -> None:
    """Manual tests at the test exam: a web form for pupils, teachers and ICT staff."""


@intake.command("serve")
@config_option()
@checkpoint_option(default="test-exam")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets the exam machines of the network reach it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port (0: any free port).")
@click.option("--base-url", metavar="URL", help="The address testers open (e.g. behind a TLS proxy: "
              "https://nettsjekk.skole.no); default http://HOST:PORT.")
@click.option("--uploads", type=click.Path(file_okay=False), help="Folder for screenshots (default: "
              "intake-uploads/ next to the results store; never served).")
@_VALID_DAYS
def serve(config_path: str, checkpoint: str, host: str, port: int, base_url: str | None, uploads: str | None,
          valid_days: int) -> None:
    """Run the form of CHECKPOINT's manual tests and print its link (Ctrl-C stops it).

    \b
    Examples:
        nettsjekk intake serve --config nettsjekk.yaml --checkpoint test-exam
        nettsjekk intake serve --host 0.0.0.0 --port 8080 --base-url http://10.0.0.5:8080
    """
    import uvicorn

    from nettsjekk.checkpoints.store import Store
    from nettsjekk.intake.app import Server, create_app
    from nettsjekk.intake.form import choices
    from nettsjekk.intake.tokens import load_key

    config = _config(config_path)
    offered = choices(config)
    _check_base_url(base_url)
    sock = _bind(host, port)
    key = load_key(config.database.parent)
    store = Store(config.database)
    server = Server(checkpoint, key, store, Path(uploads) if uploads else config.database.parent / "intake-uploads",
                    offered, secure_cookies=bool(base_url and base_url.startswith("https:")),
                    timezone=config.settings.timezone)
    actual = sock.getsockname()[1]
    url = _link(key, checkpoint, base_url or f"http://{_shown_host(host)}:{actual}", valid_days)
    click.echo(f"intake form of {checkpoint} for {len(offered.locations)} location(s) and "
               f"{len(offered.resources)} resource(s); stores into {config.database}", err=True)
    if not _loopback(host):
        click.echo(f"listening on {host}: every machine that reaches it and has the link can submit", err=True)
    click.echo(url)
    sys.stdout.flush()
    settings = uvicorn.Config(create_app(server), log_level="warning", access_log=False, lifespan="off",
                              timeout_graceful_shutdown=5, timeout_keep_alive=30)
    try:
        uvicorn.Server(settings).run(sockets=[sock])
    finally:
        store.close()


@intake.command("link")
@config_option()
@checkpoint_option()
@click.option("--base-url", metavar="URL", default="http://127.0.0.1:8080", show_default=True,
              help="Where 'nettsjekk intake serve' is reached from the exam machines.")
@click.option("--qr", "qr_path", type=click.Path(dir_okay=False), metavar="FILE.png",
              help="Also write the QR code as a PNG (for the classroom screen).")
@_VALID_DAYS
def link(config_path: str, checkpoint: str, base_url: str, qr_path: str | None, valid_days: int) -> None:
    """Print the form's link for CHECKPOINT (on its own line) and its QR code.

    \b
    Example:
        nettsjekk intake link --checkpoint test-exam --base-url http://10.0.0.5:8080 --qr lenke.png
    """
    import segno

    from nettsjekk.cli.common import writing_to
    from nettsjekk.intake.tokens import load_key

    config = _config(config_path)
    _check_base_url(base_url)
    url = _link(load_key(config.database.parent), checkpoint, base_url, valid_days)
    click.echo(url)
    code = segno.make(url, error="m")
    if qr_path:
        with writing_to(qr_path):
            code.save(qr_path, scale=10, border=4)
        click.echo(f"QR code written to {qr_path}", err=True)
    code.terminal(out=sys.stdout, compact=True)
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=valid_days)
    click.echo(f"valid until {until:%Y-%m-%d %H:%M} UTC", err=True)


@intake.command("export")
@config_option()
@checkpoint_option(required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the CSV here instead of stdout.")
def export(config_path: str, checkpoint: str | None, output: str | None) -> None:
    """Write the stored manual tests as CSV (one row per submission; all checkpoints unless --checkpoint)."""
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.cli.common import writing_to
    from nettsjekk.intake.export import to_csv

    config = _config(config_path)
    store = Store(config.database, create=False)
    try:
        tests = store.manual_tests(checkpoint)
    finally:
        store.close()
    text = to_csv(tests)
    if output:
        with writing_to(output):
            Path(output).write_text(text, encoding="utf-8-sig", newline="")
        click.echo(f"{len(tests)} manual test(s) written to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _config(config_path: str) -> Config:
    from nettsjekk.checkpoints.config import load_config

    return load_config(Path(config_path))


def _link(key: bytes, checkpoint: str, base_url: str, valid_days: int) -> str:
    from nettsjekk.intake.tokens import make_token

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=valid_days)
    return f"{base_url.rstrip('/')}/skjema/{make_token(key, checkpoint, expires)}"


def _check_base_url(base_url: str | None) -> None:
    from nettsjekk.core.errors import ConfigError

    if base_url is not None and not _BASE_URL.match(base_url):
        raise ConfigError(f"--base-url {base_url!r}: write http(s)://HOST[:PORT][/PATH], e.g. http://10.0.0.5:8080")


def _bind(host: str, port: int):  # noqa: ANN202 - a socket
    import socket

    from nettsjekk.core.errors import ConfigError

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --host or "
                          "--port)") from None
    sock.listen(2048)
    return sock


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _shown_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        import socket

        return socket.gethostname()
    return f"[{host}]" if ":" in host else host
