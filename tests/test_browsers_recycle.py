"""A long run does not let one browser grow without bound: after ``recycle_after`` contexts a fresh
browser takes over, and the old one closes once the probes still using it are done."""

from __future__ import annotations

import asyncio

import pytest

from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.service import ProbeService

pytestmark = pytest.mark.browser


@pytest.fixture()
def service():
    service = ProbeService(BrowserSettings(recycle_after=2))
    yield service
    service.close()


def test_a_browser_is_replaced_after_its_contexts_and_closes_when_the_last_one_does(service, engine):
    async def scenario():
        browsers = service.browsers
        first = await browsers.new_context(engine)
        second = await browsers.new_context(engine)
        old = first.browser
        assert second.browser is old
        third = await browsers.new_context(engine)  # the old browser handed out two: a fresh one serves
        new = third.browser
        assert new is not old and old.is_connected(), "the old browser waits for its open contexts"
        await first.close()
        assert old.is_connected()
        await second.close()
        for _ in range(100):
            if not old.is_connected():
                break
            await asyncio.sleep(0.1)
        assert not old.is_connected() and new.is_connected()
        page = await third.new_page()
        await page.set_content("<title>fortsatt i live</title>")
        assert await page.title() == "fortsatt i live"
        await third.close()

    service.run(scenario(), timeout=120)
