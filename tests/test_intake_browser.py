"""The intake form in real browsers (Chromium and Firefox), as a pupil at the test exam uses it:
open the link, search for the resource without JavaScript, fill the form by label, attach a
screenshot, send; then the Testmal shows the row and the ICT report the disagreement (the pupil says
the dictionary does not load where the run loaded it). One server and one browser service per module."""

from __future__ import annotations

import re

import pytest

from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.store import Store
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.service import ProbeService
from nettsjekk.reports.build import build_report
from nettsjekk.reports.messages import Messages
from nettsjekk.reports.render import render_format

from intake_rig import png, start_school, stop_school

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("intake")]
PAYLOAD = "<script>alert('pwn')</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    school = start_school(tmp_path_factory.mktemp("intake-browser"))
    yield school
    assert "Traceback" not in stop_school(school)


@pytest.fixture(scope="module")
def service():
    with ProbeService(BrowserSettings()) as service:
        yield service


async def fill_and_send(browsers, engine: str, url: str, screenshot: bytes) -> dict:  # noqa: ANN001
    context = await browsers.new_context(engine)
    dialogs: list[str] = []
    try:
        page = await context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        base = url.split("/skjema/")[0]
        forbidden = (await page.goto(f"{base}/skjema/")).status
        await page.goto(url)
        unlabelled = await page.evaluate("() => [...document.querySelectorAll('main form input:not([type=hidden]), "
                                         "main form select, main form textarea')].filter(el => el.labels.length === 0)"
                                         ".map(el => el.name)")
        await page.keyboard.press("Tab")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        await page.get_by_label("Søk etter ressurs").fill("ordbok")
        await page.get_by_role("button", name="Søk").click()
        await page.wait_for_url(re.compile(r"q=ordbok"))
        options = await page.locator("#f-resource_id option").all_inner_texts()
        await page.get_by_label("Skole (sted)").select_option("kontoret")
        await page.get_by_role("combobox", name=re.compile("^Ressurs")).select_option("demo-ordbok")
        for question, answer in (("Åpnet ressursen seg", "Nei"), ("Virket innloggingen", "Ikke relevant"),
                                 ("oversettelse", "Nei"), ("kommunikasjon", "Nei"), ("søkemotor", "Nei"),
                                 ("KI", "Usikker"), ("YouTube eller Facebook", "Ikke prøvd"), ("Jeg er", "Elev")):
            await page.get_by_role("group", name=re.compile(question)).get_by_label(answer, exact=False).check()
        await page.get_by_label("Initialer").fill("eb")
        await page.get_by_label("Kommentar").fill(f"{engine}: {PAYLOAD}")
        await page.get_by_label("Skjermbilde").set_input_files(
            {"name": "skjerm.png", "mimeType": "image/png", "buffer": screenshot})
        await page.get_by_role("button", name="Send inn").click()
        await page.wait_for_url(re.compile(r"/takk"))
        heading = await page.locator("h1").inner_text()
        return {"forbidden": forbidden, "unlabelled": unlabelled, "outline": outline, "options": options,
                "heading": heading, "dialogs": dialogs}
    finally:
        await context.close()


async def read_report(browsers, engine: str, path) -> tuple[str, list[str]]:  # noqa: ANN001
    context = await browsers.new_context(engine)
    dialogs: list[str] = []
    try:
        page = await context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        await page.goto(path.as_uri())
        return await page.locator("body").inner_text(), dialogs
    finally:
        await context.close()


@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_a_pupil_fills_the_form_and_the_row_and_the_disagreement_reach_the_reports(school, service, engine):
    seen = service.run(fill_and_send(service.browsers, engine, school.url, png()), timeout=180)
    assert seen["forbidden"] == 403
    assert seen["unlabelled"] == [] and seen["outline"] not in ("none", "")
    assert seen["options"][1:] == ["Demo-ordbok"], "the search narrows the list without JavaScript"
    assert seen["heading"] == "Takk! Svaret er lagret." and seen["dialogs"] == []
    test = next(t for t in school.stored() if t.comment.startswith(engine))
    assert test.comment == f"{engine}: {PAYLOAD}" and test.screenshot and test.os == "Linux"
    assert test.browser.startswith({"chromium": "Chrome", "firefox": "Firefox"}[engine])

    store = Store(school.database, create=False)
    model = build_report(store, school.run_id, load_config(school.config))
    store.close()
    out = school.folder / f"reports-{engine}"
    testmal = render_format(model, "html", Messages("nb"), out / "test-template.html")
    ict = render_format(model, "ict", Messages("nb"), out / "ict")
    text, dialogs = service.run(read_report(service.browsers, engine, testmal), timeout=60)
    assert f"{engine}: {PAYLOAD}" in text and "Elev (EB)" in text and dialogs == []
    text, dialogs = service.run(read_report(service.browsers, engine, ict), timeout=60)
    assert "Demo-ordbok ved kontoret, lastes: Elev (EB) sier nei" in text and dialogs == []
