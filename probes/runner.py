"""Run probes through one ``Browsers`` seam: one Playwright, one browser per engine, many contexts."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar


from nettsjekk.probes.browsers import Browsers, BrowserSettings, running_playwright
from nettsjekk.probes.probe import ProbeOptions, probe_url
from nettsjekk.probes.results import ProbeResult

T = TypeVar("T")


@dataclass(frozen=True)
class Cell:
    """One probe of a matrix: a resource's URL in one engine from one location."""

    resource_id: str
    url: str
    engine: str
    options: ProbeOptions


async def probe_once(url: str, engine: str, options: ProbeOptions, trust_ca: tuple[Path, ...] = ()) -> ProbeResult:
    """Start Playwright, probe one URL, shut everything down."""
    async with running_playwright() as playwright:
        browsers = Browsers(playwright, BrowserSettings(trust_ca=trust_ca))
        try:
            return await probe_url(browsers, url, engine, options)
        finally:
            await browsers.close()


async def gather_limited(calls: Iterable[Callable[[], Awaitable[T]]], concurrency: int) -> list[T]:
    """Await every call, at most ``concurrency`` at a time; the results in the order given."""
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def probe_cells(browsers: Browsers, cells: Iterable[Cell], concurrency: int = 4) -> list[tuple[Cell, ProbeResult]]:
    """Probe every cell, at most ``concurrency`` at a time, in the order given."""

    async def one(cell: Cell) -> tuple[Cell, ProbeResult]:
        return cell, await probe_url(browsers, cell.url, cell.engine, cell.options)

    return await gather_limited([functools.partial(one, cell) for cell in cells], concurrency)
