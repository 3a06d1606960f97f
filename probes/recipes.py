"""Logging in: a person in a headed browser (``manual_login``), or a vendor's login recipe (``scripted_login``).

Both return the Playwright ``storage_state`` of the logged-in context, for ``sessions.SessionStore.save``.

A **login recipe** is data in the vendor file (``login_recipe:``), for identity providers that allow a
scripted login::

    login_recipe:
      start: https://www.lisens-demo.no/          # optional; default: the resource's url
      steps:
        - click: 'a.feide-login'                   # e.g. "Logg inn med Feide" on the vendor's page
        - fill: {selector: '#username', credential: username}
        - fill: {selector: '#password', credential: password}
        - click: 'button[type=submit]'
      success: {selector: '#elevmeny'}             # and/or url: REGEX the page ends on
      credentials:                                 # never the values themselves
        username: {env: NETTSJEKK_FEIDE_USER}
        password: {env: NETTSJEKK_FEIDE_PASSWORD}  # or {secret: BLOCK}: a Prefect Secret block

Credentials are named, never written: an environment variable or a Prefect ``Secret`` block (the
flows layer reads them; this module gets the values and never logs, records or repeats them; an
error message that would contain one is scrubbed).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nettsjekk.core.errors import LoginFailed, NettsjekkError
from nettsjekk.lists.recipes import LoginRecipe, Step, Success
from nettsjekk.probes.redact import redact_text, scrub

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

    from nettsjekk.probes.browsers import Browsers

log = logging.getLogger(__name__)
STEP_TIMEOUT_S = 20.0
WALL_PATIENCE_S = 3.0


PersonHook = Callable[["Page"], Awaitable[None]]


async def scripted_login(browsers: Browsers, engine: str, url: str, recipe: LoginRecipe, credentials: dict[str, str],
                         *, proxy: str | None = None, login_hosts: tuple[str, ...] = (),
                         timeout_s: float = 60.0) -> dict:
    """Run ``recipe`` in a fresh headless context; the ``storage_state`` when ``success`` holds."""
    from playwright.async_api import Error as PlaywrightError

    secrets = list(credentials.values())
    context = await browsers.new_context(engine, proxy=proxy, timeout_ms=int(STEP_TIMEOUT_S * 1000))
    deadline = time.monotonic() + timeout_s
    try:
        page = await context.new_page()
        try:
            await page.goto(recipe.start or url, wait_until="domcontentloaded")
            for index, step in enumerate(recipe.steps):
                if time.monotonic() > deadline:
                    raise LoginFailed(f"the login took longer than {timeout_s:g} s (at step {index + 1})")
                await _step(page, step, credentials, index)
            await _await_success(page, recipe.success, max(1.0, deadline - time.monotonic()), login_hosts,
                                 urlsplit(url).hostname or "")
        except PlaywrightError as exc:
            raise LoginFailed(_safe(f"the login recipe failed at {redact_text(page.url)}: "
                                    f"{str(exc).splitlines()[0]}", secrets)) from None
        return await context.storage_state()
    finally:
        await _close(context)


async def _step(page: Page, step: Step, credentials: dict[str, str], index: int) -> None:
    if step.click is not None:
        await page.click(step.click)
    elif step.fill is not None:
        value = credentials[step.fill.credential] if step.fill.credential else step.fill.text
        if step.fill.credential and not value:
            raise LoginFailed(f"step {index + 1}: the credential {step.fill.credential!r} is empty")
        await page.fill(step.fill.selector, value or "")
    elif step.press is not None:
        await page.press(step.press.selector, step.press.key)
    elif step.wait_for is not None:
        await page.wait_for_selector(step.wait_for, state="visible")
    elif step.goto is not None:
        await page.goto(step.goto, wait_until="domcontentloaded")


async def _await_success(page: Page, success: Success, timeout_s: float, login_hosts: tuple[str, ...],
                         own_host: str) -> None:
    """Wait until ``success`` holds; give up early when the page stays a login wall (a wrong
    password shows the form again) for ``WALL_PATIENCE_S``."""
    from playwright.async_api import Error as PlaywrightError

    from nettsjekk.probes.login import find_login_wall

    deadline, walled_since = time.monotonic() + timeout_s, None
    pattern = re.compile(success.url) if success.url else None
    while True:
        try:
            url_ok = pattern is None or bool(pattern.search(page.url))
            shown = success.selector is None or await page.locator(success.selector).first.is_visible()
            if url_ok and shown:
                return
            wall = await find_login_wall(page, login_hosts, own_host)
        except PlaywrightError:
            wall = None  # navigating
        now = time.monotonic()
        walled_since = (walled_since or now) if wall is not None else None
        if walled_since is not None and now - walled_since >= WALL_PATIENCE_S or now > deadline:
            where = wall.describe() if wall is not None else f"the page ended at {redact_text(page.url)}"
            raise LoginFailed(f"the login did not succeed: {where}, without "
                              f"{'the expected address' if success.url else 'the logged-in element'} "
                              "(wrong user name or password, or a changed login page?)")
        await asyncio.sleep(0.25)


async def manual_login(browsers: Browsers, engine: str, url: str, *, proxy: str | None = None,
                       login_hosts: tuple[str, ...] = (), timeout_s: float = 600.0, poll_s: float = 1.0,
                       done: asyncio.Event | None = None, person: PersonHook | None = None) -> dict:
    """Open ``url`` in a (headed) browser and wait until the person has logged in.

    Logged in means: a login page was seen, and now the page is back on a host that is not a login
    host and shows no login wall. ``done`` (set when the person presses Enter) ends the wait
    early; ``person`` is what a test does in place of a person. Raises ``LoginFailed`` when the
    time runs out or the window is closed before the login finished.
    """
    from playwright.async_api import Error as PlaywrightError

    from nettsjekk.probes.login import find_login_wall, login_host_of

    own = urlsplit(url).hostname or ""
    context = await browsers.new_context(engine, proxy=proxy, timeout_ms=int(STEP_TIMEOUT_S * 1000))
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="domcontentloaded")
        helper = asyncio.ensure_future(person(page)) if person else None
        saw_wall, deadline = False, time.monotonic() + timeout_s
        while True:
            if page.is_closed():
                raise LoginFailed("the browser window was closed before the login finished")
            try:
                wall = await find_login_wall(page, login_hosts, own)
            except PlaywrightError:
                wall = None  # the page is navigating; look again
            saw_wall = saw_wall or wall is not None
            on_login_host = login_host_of(page.url, login_hosts, own) is not None
            if (saw_wall and wall is None and not on_login_host) or (done is not None and done.is_set()):
                break
            if time.monotonic() > deadline:
                raise LoginFailed(f"no login within {timeout_s:g} s")
            await asyncio.sleep(poll_s)
        if helper is not None:
            await helper
        await asyncio.sleep(min(poll_s, 1.0))  # let the last cookies land
        return await context.storage_state()
    finally:
        await _close(context)


def _safe(text: str, secrets: list[str]) -> str:
    text = scrub(text, secrets)
    for secret in secrets:  # short ones too: this text is about to be shown
        if secret:
            text = text.replace(secret, "REDACTED")
    return text


async def _close(context: BrowserContext) -> None:
    from playwright.async_api import Error as PlaywrightError

    try:
        await asyncio.wait_for(context.close(), 10)
    except (asyncio.TimeoutError, PlaywrightError) as exc:
        log.debug("closing the login context: %s", exc)
