"""The one place that launches browser engines.

``Browsers`` keeps one browser per engine for the life of the process (launched on first use,
relaunched if it died) and hands out a fresh, locked-down context per probe. Engines are found in
this order: a path in ``NETTSJEKK_<ENGINE>`` (e.g. ``NETTSJEKK_CHROMIUM=/opt/chrome/chrome``), the
Playwright-managed build (``playwright install``), then the system browser (Debian's ``chromium``
and ``firefox-esr``, Firefox driven over WebDriver-BiDi).

No browser outlives the run: each is started through a launcher that ties it to the Playwright driver
(``probes.launcher``), and its profile lives in the run's temporary folder (``probes.run_folder``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nettsjekk.core.errors import EngineUnavailable
from nettsjekk.probes.launcher import launcher_for
from nettsjekk.probes.run_folder import RunFolder
from nettsjekk.probes.trust import make_nss_db

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

log = logging.getLogger(__name__)

ENGINES = ("chromium", "firefox", "webkit")
SYSTEM_EXECUTABLES = {
    "chromium": ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"),
    "firefox": ("/usr/bin/firefox-esr", "firefox-esr", "firefox"),
    "webkit": (),
}
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-default-apps", "--disable-quic"]
CHROMIUM_NO_SITE_ISOLATION = ["--disable-site-isolation-trials"]
FIREFOX_PREFS = {
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "app.update.enabled": False,
    "extensions.update.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "network.proxy.allow_hijacking_localhost": True,
    # Paint at most 10 frames a second instead of 60: a probe reads pages, it does not watch them, and
    # Firefox repaints while a page loads even without animations. -14 % CPU per probe
    # (bench/profile_probes.py, Firefox, 12 probes: 4.45 -> 3.79 CPU s); timers, network and
    # screenshots are unaffected, requestAnimationFrame runs every 100 ms.
    "layout.frame_rate": 10,
}


@dataclass(frozen=True)
class Engine:
    """An engine that can be launched here: ``source`` is ``env``, ``managed`` or ``system``."""

    name: str
    executable: str
    source: str


@dataclass(frozen=True)
class BrowserSettings:
    """How contexts are made; the same for every probe of a run."""

    trust_ca: tuple[Path, ...] = ()
    headless: bool = True
    locale: str = "nb-NO"
    timezone_id: str = "Europe/Oslo"
    viewport: tuple[int, int] = (1366, 900)
    user_agent_suffix: str = "nettsjekk"
    chromium_args: tuple[str, ...] = ()
    """Extra Chromium command-line switches, e.g. ``--proxy-pac-url=...`` to test an exported PAC
    file in the browser itself. Empty for probes; only tests and exam-mode checks set it."""
    site_isolation: bool = False
    """Give every site (and cross-site iframe) its own renderer process, as a desktop browser does.
    Off by default: probes visit listed resources in throwaway contexts, and one process per site
    costs about a tenth more CPU and memory per probe (measured with ``bench/profile_probes.py``).
    Turn it on when a saved login session must be kept from third-party frames at all costs."""
    recycle_after: int = 30
    """A browser hands out this many contexts, then a fresh one takes over (the old one closes once
    its last context has): Firefox's parent process keeps about 15 MB per closed context over
    WebDriver-BiDi, and the Playwright driver grows too. 0 never recycles."""


def find_engine(name: str, managed_path: str | None = None) -> Engine:
    """Locate ``name`` or raise ``EngineUnavailable`` saying how to install it."""
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown browser engine {name!r} (choose from {', '.join(ENGINES)})")
    override = os.environ.get(f"NETTSJEKK_{name.upper()}")
    if override:
        if not Path(override).is_file():
            raise EngineUnavailable(f"NETTSJEKK_{name.upper()}={override} does not exist")
        return Engine(name, override, "env")
    if managed_path and Path(managed_path).is_file():
        return Engine(name, managed_path, "managed")
    for candidate in SYSTEM_EXECUTABLES[name]:
        found = shutil.which(candidate)
        if found:
            return Engine(name, found, "system")
    hint = {"chromium": "apt-get install chromium", "firefox": "apt-get install firefox-esr"}.get(name, "")
    raise EngineUnavailable(
        f"browser engine {name!r} is not installed: run 'playwright install {name}'"
        + (f" or '{hint}'" if hint else " (WebKit comes only from 'playwright install webkit')")
    )


def available_engines(playwright: Playwright) -> list[str]:
    """The engines that can be launched on this machine, in ``ENGINES`` order."""
    found = []
    for name in ENGINES:
        try:
            find_engine(name, getattr(playwright, name).executable_path)
        except EngineUnavailable:
            continue
        found.append(name)
    return found


async def start_playwright() -> Playwright:
    """Start Playwright's driver with its temporary files (Chromium's profile, downloads) in the run's
    folder and the run's mark in its environment, which every browser it starts inherits."""
    from playwright.async_api import async_playwright

    with RunFolder.current().temporary_files_here():
        return await async_playwright().start()


@asynccontextmanager
async def running_playwright() -> AsyncIterator[Playwright]:
    """``start_playwright`` for an ``async with`` block; the driver stops at its end."""
    playwright = await start_playwright()
    try:
        yield playwright
    finally:
        await playwright.stop()


def installed_engines() -> list[str]:
    """``available_engines`` for callers without a running Playwright (starts one briefly)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return available_engines(playwright)  # type: ignore[arg-type]


@dataclass
class Browsers:
    """One browser per engine in this process; a fresh context per probe."""

    playwright: Playwright
    settings: BrowserSettings = field(default_factory=BrowserSettings)
    _browsers: dict[str, Browser] = field(default_factory=dict)
    _engines: dict[str, Engine] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _served: dict[str, int] = field(default_factory=dict)
    """Contexts handed out by the current browser of each engine."""
    _open: dict[Browser, int] = field(default_factory=dict)
    """Contexts per browser, counted from the moment one is asked for until it closes."""
    _retired: set[Browser] = field(default_factory=set)
    """Browsers replaced by a fresh one, closed once their last context closes."""
    _closing: set = field(default_factory=set)
    _tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="browsers-", dir=RunFolder.current().path)))
    """Profiles and trust stores of these browsers, inside the run's folder."""

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            self._engines[name] = find_engine(name, getattr(self.playwright, name).executable_path)
        return self._engines[name]

    async def browser(self, name: str) -> Browser:
        """The running browser for ``name``, launched (or relaunched after a crash) on demand."""
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            current = self._browsers.get(name)
            recycle = self.settings.recycle_after
            if current is not None and current.is_connected() and recycle and self._served.get(name, 0) >= recycle:
                log.info("%s browser handed out %d contexts; a fresh one takes over", name, self._served[name])
                self._retire(name, current)
                current = None
            if current is None or not current.is_connected():
                if current is not None:
                    log.warning("%s browser was gone; launching it again", name)
                self._browsers[name] = await self._launch(self.engine(name))
                self._served[name] = 0
            return self._browsers[name]

    def _retire(self, name: str, browser: Browser) -> None:
        self._browsers.pop(name, None)
        if self._open.get(browser, 0) > 0:
            self._retired.add(browser)
        else:
            self._close_later(browser)

    def _context_closed(self, browser: Browser) -> None:
        self._open[browser] = max(0, self._open.get(browser, 0) - 1)
        if self._open[browser] == 0 and browser in self._retired:
            self._retired.discard(browser)
            self._close_later(browser)

    def _close_later(self, browser: Browser) -> None:
        self._open.pop(browser, None)
        task = asyncio.get_running_loop().create_task(self._close_quietly(browser))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close_quietly(browser: Browser) -> None:
        try:
            await asyncio.wait_for(browser.close(), 30)
        except Exception as exc:  # noqa: BLE001 - a dead browser fails to close in many ways
            log.debug("closing a replaced browser: %s", exc)

    async def new_context(self, name: str, proxy: str | None = None, timeout_ms: int = 30_000,
                          storage_state: dict | None = None) -> BrowserContext:
        """A fresh context: own cookies and cache, downloads off, service workers blocked.

        ``storage_state`` (a saved login session, see ``probes.sessions``) starts it logged in.
        """
        browser = await self.browser(name)
        # Counted before the first await: a browser replaced meanwhile waits for this context too.
        self._served[name] = self._served.get(name, 0) + 1
        self._open[browser] = self._open.get(browser, 0) + 1
        options: dict = {
            "locale": self.settings.locale,
            "timezone_id": self.settings.timezone_id,
            "viewport": {"width": self.settings.viewport[0], "height": self.settings.viewport[1]},
            "accept_downloads": False,
            "service_workers": "block",
            "permissions": [],
        }
        if proxy:
            options["proxy"] = {"server": proxy}
        if storage_state is not None:
            options["storage_state"] = storage_state
        if self.settings.trust_ca and name == "webkit":
            options["ignore_https_errors"] = True  # WebKit has no per-run trust store; documented in README
        try:
            context = await browser.new_context(**options)
        except Exception:
            self._context_closed(browser)
            raise
        context.on("close", lambda _context: self._context_closed(browser))
        context.set_default_timeout(timeout_ms)
        context.set_default_navigation_timeout(timeout_ms)
        return context

    async def forget(self, name: str) -> None:
        """Drop (and try to close) the browser of ``name``; the next use launches a new one."""
        browser = self._browsers.pop(name, None)
        if browser is not None:
            try:
                await asyncio.wait_for(browser.close(), 10)
            except Exception as exc:  # noqa: BLE001 - a dead browser fails to close in many ways
                log.debug("closing the old %s browser: %s", name, exc)

    async def close(self) -> None:
        """Close every browser; quiet if one is already gone."""
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        for browser in [*self._browsers.values(), *self._retired]:
            try:
                await browser.close()
            except Exception as exc:  # noqa: BLE001 - closing a crashed browser may fail in many ways
                log.debug("closing browser: %s", exc)
        self._browsers.clear()
        self._retired.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)

    async def _launch(self, engine: Engine) -> Browser:
        log.info("launching %s (%s: %s)", engine.name, engine.source, engine.executable)
        try:
            if engine.name == "chromium":
                return await self._launch_chromium(engine)
            if engine.name == "firefox":
                return await self._launch_firefox(engine)
            return await self.playwright.webkit.launch(headless=self.settings.headless)
        except Exception as exc:
            if "Executable doesn't exist" in str(exc) or "not found" in str(exc).lower():
                raise EngineUnavailable(f"could not start {engine.name} at {engine.executable}: {exc}") from exc
            fatal = fatal_launch_line(str(exc))
            if fatal:  # the browser itself gave up: relaunching cannot help
                raise EngineUnavailable(f"{engine.name} ({engine.executable}) stopped at start: {fatal}") from exc
            raise

    async def _launch_chromium(self, engine: Engine) -> Browser:
        check_socket_room(Path(os.environ.get("TMPDIR") or "/tmp"))
        args = [*CHROMIUM_ARGS, *([] if self.settings.site_isolation else CHROMIUM_NO_SITE_ISOLATION),
                *self.settings.chromium_args]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")
        env = None
        if self.settings.trust_ca:
            home = self._tmp / "chromium-home"
            make_nss_db(home / ".pki" / "nssdb", list(self.settings.trust_ca))
            env = {**os.environ, "HOME": str(home)}
        return await self.playwright.chromium.launch(
            executable_path=launcher_for(engine.executable, self._tmp), args=args, headless=self.settings.headless,
            env=env)

    async def _launch_firefox(self, engine: Engine) -> Browser:
        profile = Path(tempfile.mkdtemp(prefix="firefox-profile-", dir=self._tmp))
        if self.settings.trust_ca:
            make_nss_db(profile, list(self.settings.trust_ca))
        prefs = {**FIREFOX_PREFS, "fission.autostart": self.settings.site_isolation}
        options: dict = {"headless": self.settings.headless, "firefox_user_prefs": prefs}
        options["executable_path"] = launcher_for(engine.executable, self._tmp)
        if engine.source != "managed":
            options["channel"] = "moz-firefox"
        # A persistent launch is the only way to hand Firefox a profile (and so a trust store);
        # probes never use its default context, only fresh ones from ``context.browser``.
        context = await self.playwright.firefox.launch_persistent_context(str(profile), **options)
        if context.browser is None:
            raise EngineUnavailable("Firefox started without a browser handle; upgrade Playwright (>=1.58)")
        return context.browser


# Chromium's single-instance socket lives at $TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket, and a
# Unix socket path has room for 107 bytes: measured, Chromium 156 aborts when TMPDIR is longer than 61.
SOCKET_PATH_ROOM = 107 - len("/org.chromium.Chromium.XXXXXX/SingletonSocket")


def check_socket_room(temporary_folder: Path) -> None:
    """Refuse, with the fix, a temporary folder whose path is too long for Chromium to start in."""
    length = len(str(temporary_folder).encode())
    if length > SOCKET_PATH_ROOM:
        raise EngineUnavailable(
            f"the temporary folder {temporary_folder} has a path of {length} characters; Chromium cannot start "
            f"when it is longer than {SOCKET_PATH_ROOM} (its socket path would pass the Unix limit). "
            "Set TMPDIR to a shorter folder, for example TMPDIR=/tmp")


def fatal_launch_line(message: str) -> str:
    """The browser's own reason for giving up at start (Chromium's ``FATAL:`` log line), or ``""``."""
    for line in message.splitlines():
        if ":FATAL:" in line:
            return line.split("] ", 1)[-1].strip()
    return ""
