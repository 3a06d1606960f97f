"""Helpers more than one command needs: choosing resources, the saved login session of a resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from nettsjekk.allowlists.selection import Selection


def select_resources(list_paths: tuple[str, ...], vendor_dir: str | None, results: tuple[str, ...], list_name: str,
            vendor: str | None, run_id: str | None = None, config_path: str = "nettsjekk.yaml") -> Selection:
    """The selection of ``export``, ``replay`` and ``whitelist-doc``: with ``--run``, the run's cells too."""
    from nettsjekk.allowlists.selection import select, select_run

    if run_id:
        from nettsjekk.checkpoints.config import load_config

        return select_run(load_config(Path(config_path)), run_id, list_name, vendor, list_paths, vendor_dir,
                          results)
    return select(list_paths or None, vendor_dir, results, list_name, vendor)


@contextmanager
def writing_to(target: str | Path) -> Iterator[None]:
    """Turn a failure to write ``target`` (a missing or read-only folder, a full disk) into one line, exit 2."""
    from nettsjekk.core.errors import OutputPathError

    try:
        yield
    except OSError as exc:
        raise OutputPathError(f"cannot write {target}: {exc.strerror or exc}") from None


def write_file(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8); the folder must exist."""
    with writing_to(path):
        Path(path).write_text(text, encoding="utf-8")


def saved_session_state(resource_id: str, engine: str, state_dir: str | Path | None,
                        doing: str = "crawling") -> dict | None:
    """The resource's saved login session (``engine``'s or another engine's) as a Playwright storage
    state: for the crawl, its cookies go with the requests and the browser recheck starts logged in.
    Says on stderr which session is used for what (``doing``), never its contents."""
    from nettsjekk.probes.sessions import SessionStore

    session = SessionStore(state_dir).find(resource_id, engine)
    if session is None:
        return None
    click.echo(f"{resource_id}: {doing} with the saved login session ({session.engine}, saved "
               f"{session.saved_at_text})", err=True)
    return session.storage_state
