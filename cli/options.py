"""The options several commands share, each defined once.

Each factory returns a Click decorator; ``stack`` applies a list of them in reading order. Choices
come from the packages that own them (checkpoints from ``checkpoints.config``), so the CLI cannot
offer a value the run would refuse.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import click

from nettsjekk.checkpoints.config import CHECKPOINTS

ENGINE_NAMES = ("chromium", "firefox", "webkit")
ENGINES = click.Choice(ENGINE_NAMES)
LIST_CHOICES = ("national", "local", "all")
CONFIG_HELP = "The configuration file (see README: Configuration)."

Decorator = Callable[[Callable], Callable]


def stack(*options: Decorator) -> Decorator:
    """Apply ``options`` so that they appear in ``--help`` in the order given."""

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def config_option(help: str = CONFIG_HELP) -> Decorator:  # noqa: A002 - Click's own word
    return click.option("--config", "config_path", type=click.Path(dir_okay=False), default="nettsjekk.yaml",
                        show_default=True, help=help)


def engine_option(help: str = "Browser engine.") -> Decorator:  # noqa: A002
    """One engine (``--browser``, default chromium)."""
    return click.option("--browser", "engine", type=ENGINES, default="chromium", show_default=True, help=help)


def engines_option(help: str = "Only this engine (repeatable).") -> Decorator:  # noqa: A002
    """Several engines (``--browser`` repeatable, into ``engines``)."""
    return click.option("--browser", "engines", type=ENGINES, multiple=True, help=help)


def checkpoint_option(required: bool = True, default: str | None = None) -> Decorator:
    return click.option("--checkpoint", type=click.Choice(CHECKPOINTS), required=required, default=default,
                        show_default=default is not None,
                        help="Which of the season's three checkpoints: when the list is published, "
                             "the test exam, or right before the exam period.")


class Seconds(click.FloatRange):
    """A number of seconds from ``min`` up to a day: ``nan`` and ``inf`` are refused (exit 2)."""

    name = "seconds"

    def __init__(self, min: float = 0) -> None:  # noqa: A002 - Click's own word
        super().__init__(min=min, max=86_400)

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - Click's signature
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


def _check_proxy(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from nettsjekk.core.errors import InvalidUrl
    from nettsjekk.probes.urls import check_proxy_url

    try:
        return None if value is None else check_proxy_url(value)
    except InvalidUrl as exc:
        raise click.BadParameter(str(exc)) from None


def proxy_option(help: str = "Forward proxy every request goes through, e.g. http://127.0.0.1:3128.") -> Decorator:  # noqa: A002
    return click.option("--proxy", metavar="URL", help=help, callback=_check_proxy)


def trust_ca_option(must_exist: bool = True) -> Decorator:
    return click.option("--trust-ca", "trust_ca", multiple=True, type=click.Path(exists=must_exist, dir_okay=False),
                        help="Also trust this CA certificate (PEM), e.g. a TLS-inspecting exam proxy's (repeatable).")


def session_options(doing: str) -> Decorator:
    """``--session/--no-session`` and ``--state-dir``: use the saved login session of a licensed resource."""
    return stack(
        click.option("--session/--no-session", "use_session", default=True, show_default=True,
                     help=f"Use the resource's saved login session (nettsjekk login) when {doing}."),
        click.option("--state-dir", type=click.Path(file_okay=False),
                     help="Folder of saved sessions (default: state_dir of the configuration where there is one, "
                          "else $NETTSJEKK_STATE_DIR or ~/.local/state/nettsjekk)."),
    )


def selection_options(command: Callable) -> Callable:
    """What to load and which resources to cover (``export``, ``whitelist-doc`` and ``replay``)."""
    return stack(
        click.option("--list", "list_name", type=click.Choice(LIST_CHOICES), default="all", show_default=True,
                     help="Resources of the national list, the local lists, or all."),
        click.option("--vendor", metavar="ID", help="Only the resources of this vendor."),
        click.option("--results", "results", multiple=True, type=click.Path(dir_okay=False), metavar="FILE.json",
                     help="Probe results ({\"results\": [{\"resource\": id, ...}]}); repeatable."),
        click.option("--lists", "list_paths", multiple=True, type=click.Path(), metavar="PATH",
                     help="List files or folders (default: the bundled lists except demo.yaml); repeatable."),
        click.option("--vendor-dir", type=click.Path(file_okay=False), metavar="DIR",
                     help="Vendor whitelist folder (default: the bundled vendor_whitelists/)."),
        click.option("--run", "run_id", metavar="RUN_ID",
                     help="Use the probe results of this checkpoint run (the store and lists of --config)."),
        config_option("Configuration whose results store --run reads."),
    )(command)


def compile_options(command: Callable) -> Callable:
    """How the allowlist is compiled (``export`` and ``replay``)."""
    return stack(
        click.option("--exceptions", "exceptions_file", type=click.Path(dir_okay=False), metavar="FILE",
                     help="YAML file of approved exceptions to the deny guard (host, reason, who, expires)."),
        click.option("--include-inferred", is_flag=True, help="Also export inferred vendor entries no probe saw."),
        click.option("--own-domain-wildcards", is_flag=True,
                     help="Allow *.<registered domain> of each resource's own host (never over shared infrastructure)."),
        click.option("--no-platform", is_flag=True, help="Leave out the hosts of vendor_whitelists/_platform.yaml."),
    )(command)
