"""Manual tests at the test exam (``nettsjekk intake``), without a browser: one server per module
(``nettsjekk intake serve`` as a subprocess over a real configuration and store), spoken to with
httpx as a script filling the HTML form would; the reports and the CSV export read back what landed.
Browsers fill the same form in tests/test_intake_browser.py."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import sys
import subprocess

import httpx
import pytest

from nettsjekk.intake import images, tokens
from nettsjekk.intake.limits import RateLimiter
from nettsjekk.intake.useragent import browser_and_os

from intake_rig import ANSWERS, png, start_school, stop_school

FIREFOX_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    school = start_school(tmp_path_factory.mktemp("intake"))
    yield school
    err = stop_school(school)
    assert "Traceback" not in err


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def submit(client: httpx.Client, url: str, files: dict | None = None, **changes: str) -> httpx.Response:
    """Open the form, then post it with ``ANSWERS`` (and ``changes``), as a browser would."""
    form = client.get(url)
    assert form.status_code == 200
    data = {**ANSWERS, **changes, "csrf": csrf_of(form.text)}
    return client.post(url, data=data, files=files or {"screenshot": ("", b"", "application/octet-stream")})


def test_a_pupil_submits_the_form_with_a_screenshot_and_it_is_stored_re_encoded_and_exported(school):
    before = len(school.stored())
    with httpx.Client(headers={"user-agent": FIREFOX_UA}) as client:
        answer = submit(client, school.url, files={"screenshot": ("skjerm.png", png(extra=b"<?php evil() ?>"),
                                                                  "image/png")},
                        comment="Ordboka åpnet seg fint", initials="kn")
        assert answer.status_code == 303
        thanks = client.get(httpx.URL(school.url).join(answer.headers["location"]))
    assert thanks.status_code == 200 and "Svaret er lagret" in thanks.text and "Demo-ordbok" in thanks.text
    stored = school.stored()[before:]
    assert len(stored) == 1
    test = stored[0]
    assert (test.resource_id, test.location, test.role, test.initials) == ("demo-ordbok", "skolen", "pupil", "KN")
    assert (test.browser, test.os) == ("Firefox 128", "Windows")
    upload = school.folder / "intake-uploads" / test.screenshot
    kept = upload.read_bytes()
    assert kept.startswith(b"\x89PNG") and b"evil" not in kept and re.fullmatch(r"[0-9a-f]{32}\.png", test.screenshot)
    exported = school.nettsjekk("intake", "export", "--config", str(school.config), "--checkpoint", "test-exam")
    assert exported.returncode == 0 and "Traceback" not in exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    mine = [r for r in rows if r["comment"] == "Ordboka åpnet seg fint"]
    assert mine and mine[0]["resource_id"] == "demo-ordbok" and mine[0]["loads"] == "yes" \
        and mine[0]["role"] == "pupil" and mine[0]["communication"] == "no" and "ip" not in ",".join(rows[0]).lower()


@pytest.mark.parametrize("path", ["/", "/skjema/", "/skjema/nonsense", "/skjema/abc.def/takk"])
def test_a_page_without_a_valid_token_is_403(school, path):
    base = school.url.split("/skjema/")[0]
    answer = httpx.get(base + path)
    assert answer.status_code == 403 and "Ingen tilgang" in answer.text


def test_an_expired_or_forged_link_or_one_of_another_checkpoint_is_403(school):
    key = tokens.load_key(school.folder)
    base = school.url.split("/skjema/")[0]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    expired = tokens.make_token(key, "test-exam", past)
    answer = httpx.get(f"{base}/skjema/{expired}")
    assert answer.status_code == 403 and "utløpt" in answer.text
    later = tokens.make_token(key, "pre-exam", dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert httpx.get(f"{base}/skjema/{later}").status_code == 403
    forged = tokens.make_token(b"x" * 32, "test-exam", dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert httpx.get(f"{base}/skjema/{forged}").status_code == 403


def test_a_post_without_the_forms_csrf_field_or_cookie_is_refused_and_nothing_stored(school):
    before = len(school.stored())
    no_field = httpx.post(school.url, data=ANSWERS)
    with httpx.Client() as client:
        field = csrf_of(client.get(school.url).text)
    no_cookie = httpx.post(school.url, data={**ANSWERS, "csrf": field})
    assert no_field.status_code == 403 and no_cookie.status_code == 403 and "Last skjemaet på nytt" in no_cookie.text
    assert len(school.stored()) == before


def test_an_oversized_or_non_image_upload_gets_a_clear_message_and_nothing_is_stored(school):
    before = len(school.stored())
    uploads = school.folder / "intake-uploads"
    files_before = set(uploads.iterdir()) if uploads.exists() else set()
    with httpx.Client() as client:
        big = submit(client, school.url, files={"screenshot": ("stor.png", png() + b"\0" * (6 * 1024 * 1024),
                                                               "image/png")})
        just_over = submit(client, school.url, files={"screenshot": ("stor.png", png() + b"\0" * (5 * 1024 * 1024),
                                                                     "image/png")})
        fake = submit(client, school.url, files={"screenshot": ("bilde.png", b"<html><script>alert(1)</script>",
                                                                "image/png")})
        broken = submit(client, school.url, files={"screenshot": ("bilde.png", b"\x89PNG\r\n\x1a\n" + b"x" * 99,
                                                                  "image/png")})
    assert big.status_code == 413 and "høyst 5 MB" in big.text and "Ingenting ble lagret" in big.text
    assert just_over.status_code == 400 and "for stort" in just_over.text
    assert fake.status_code == 400 and "ikke et PNG- eller JPEG-bilde" in fake.text
    assert broken.status_code == 400 and "kunne ikke leses" in broken.text
    assert 'value="skolen" selected' in fake.text, "the answers are kept for the second try"
    assert len(school.stored()) == before
    assert (set(uploads.iterdir()) if uploads.exists() else set()) == files_before


def test_wrong_answers_are_named_per_field_and_initials_that_look_like_a_name_are_refused(school):
    with httpx.Client() as client:
        answer = submit(client, school.url, initials="Kari Nordmann", resource_id="not-on-the-list", loads="")
    assert answer.status_code == 400
    for field in ("f-initials", "f-resource_id", "f-loads"):
        assert f'href="#{field}"' in answer.text
    assert "Kari Nordmann" not in [t.initials for t in school.stored()]


PAYLOAD = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def reports(school):
    """After three submissions (a teacher who cannot open the dictionary the run loaded; an ICT tester
    who saw no chat where the run found one, commenting with a script; a pupil who saw that chat too):
    the ICT report by the command line, the Testmal (HTML, CSV) from the same model in-process."""
    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.reports.build import build_report
    from nettsjekk.reports.messages import Messages
    from nettsjekk.reports.render import render_format

    with httpx.Client() as client:
        for changes in ({"resource_id": "demo-ordbok", "location": "kontoret", "loads": "no", "role": "teacher",
                         "initials": "LH", "comment": "Får ikke åpnet"},
                        {"resource_id": "demo-chatbot", "location": "kontoret", "communication": "no", "role": "ikt",
                         "initials": "ICT", "comment": PAYLOAD},
                        {"resource_id": "demo-chatbot", "location": "skolen", "communication": "yes", "role": "pupil",
                         "initials": "OK"}):
            assert submit(client, school.url, **changes).status_code == 303
    out = school.folder / "reports"
    done = school.nettsjekk("report", school.run_id, "--config", str(school.config), "--format", "ict", "-o",
                            str(out / "ict"))
    assert done.returncode == 0 and "Traceback" not in done.stderr
    store = Store(school.database, create=False)
    model = build_report(store, school.run_id, load_config(school.config))
    store.close()
    for fmt, name in (("html", "test-template.html"), ("csv", "test-template.csv")):
        render_format(model, fmt, Messages("nb"), out / name)
    return out


def test_a_comment_holding_script_is_shown_as_text_in_the_form_the_testmal_the_ict_report_and_the_csv(school,
                                                                                                      reports):
    with httpx.Client() as client:
        again = submit(client, school.url, comment=PAYLOAD, initials="x1")  # refused: shown again in the form
    assert again.status_code == 400 and PAYLOAD not in again.text and "&lt;script&gt;" in again.text
    for page in (reports / "test-template.html", reports / "ict" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert PAYLOAD not in text and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    exported = school.nettsjekk("intake", "export", "--config", str(school.config))
    assert PAYLOAD in exported.stdout  # CSV is data: kept as typed, never run


def test_the_testmal_shows_manual_rows_with_the_tester_and_the_ict_report_lists_disagreements(reports):
    testmal = (reports / "test-template.html").read_text(encoding="utf-8")
    assert "Lærer (LH)" in testmal and "Får ikke åpnet" in testmal and "manuell test" in testmal
    ict = (reports / "ict" / "index.html").read_text(encoding="utf-8")
    assert 'data-resource="demo-ordbok" data-subject="loads"' in ict
    assert "Demo-ordbok ved kontoret, lastes: Lærer (LH) sier nei" in ict and "kjøringen sier ja (chromium, firefox)" in ict
    # The ICT tester saw no chat where the run found one: the reverse disagreement. The pupil at skolen
    # saw the chat the run found there too: none.
    assert "Demo-læremiddel med chat ved kontoret, kommunikasjon: IKT (ICT) sier nei" in ict
    assert "Demo-læremiddel med chat ved skolen, kommunikasjon" not in ict
    rows = list(csv.reader(io.StringIO((reports / "test-template.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert any("Lærer (LH)" in row and "Får ikke åpnet" in row for row in rows)


def test_one_browser_posting_too_fast_is_slowed_down(school):
    with httpx.Client() as client:
        codes = [submit(client, school.url, initials="rl").status_code for _ in range(12)]
    assert codes.count(303) == 10 and codes[-1] == 429


def test_300_pupils_submitting_at_once_all_land(school):
    before = len(school.stored())

    async def pupil(number: int, transport: httpx.AsyncHTTPTransport) -> int:
        # Its own client (cookies): its own browser. Not closed: that would close the shared transport.
        client = httpx.AsyncClient(timeout=120, transport=transport)
        form = await client.get(school.url)
        data = {**ANSWERS, "initials": f"P{chr(65 + number % 26)}", "comment": f"elev {number}",
                "csrf": csrf_of(form.text)}
        answer = await client.post(school.url, data=data, files={"screenshot": ("", b"", "application/octet-stream")})
        return answer.status_code

    async def classes() -> list[int]:
        async with httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=300)) as transport:
            return await asyncio.gather(*(pupil(n, transport) for n in range(300)))

    codes = asyncio.run(classes())
    assert codes.count(303) == 300, {c: codes.count(c) for c in set(codes)}
    comments = {t.comment for t in school.stored()[before:]}
    assert comments == {f"elev {n}" for n in range(300)}


def test_link_prints_the_url_on_its_own_line_a_terminal_qr_code_and_a_png(school):
    done = school.nettsjekk("intake", "link", "--config", str(school.config), "--checkpoint", "test-exam",
                            "--base-url", school.url.split("/skjema/")[0], "--qr", "lenke.png")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    url = done.stdout.splitlines()[0]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/skjema/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", url)
    assert "█" in done.stdout and (school.folder / "lenke.png").read_bytes().startswith(b"\x89PNG")
    assert httpx.get(url).status_code == 200, "a link made by 'link' opens the running form"


@pytest.mark.parametrize("args, says", [
    (["intake", "link", "--checkpoint", "test-exam", "--base-url", "javascript:alert(1)"], "--base-url"),
    (["intake", "link", "--checkpoint", "no-such"], "no-such"),
    (["intake", "export", "--config", "missing.yaml"], "no such configuration file"),
    (["intake", "export", "-o", "/nonexistent/folder/x.csv"], "cannot write"),
])
def test_bad_input_is_one_line_and_exit_2(school, args, says):
    if "--config" not in args:
        args = [*args, "--config", str(school.config)]
    done = school.nettsjekk(*args)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_on_a_port_in_use_is_one_line_and_exit_2(school):
    port = school.url.split(":")[2].split("/")[0]
    done = subprocess.run([sys.executable, "-m", "nettsjekk.cli.main", "intake", "serve", "--config",
                           str(school.config), "--port", port], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "cannot listen on 127.0.0.1" in done.stderr and "Traceback" not in done.stderr


def test_screenshots_are_re_encoded_and_bombs_and_fakes_refused():
    clean, kind = images.reencode(png(extra=b"trailing secret"))
    assert kind == "png" and b"trailing secret" not in clean
    with pytest.raises(images.ScreenshotError, match="for mange bildepunkter"):
        images.reencode(png(8000, 6000))
    with pytest.raises(images.ScreenshotError, match="ikke et PNG"):
        images.check(b"GIF89a....")


@pytest.mark.parametrize("agent, expected", [
    (FIREFOX_UA, ("Firefox 128", "Windows")),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
     ("Chrome 131", "ChromeOS")),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Mobile/15E148 Safari/604.1", ("Safari 17", "iOS")),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", ("Edge 131", "Windows")),
    (None, ("ukjent", "ukjent")),
])
def test_browser_and_os_come_from_the_user_agent(agent, expected):
    assert browser_and_os(agent) == expected


def test_the_rate_limiter_refills_with_time():
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.allow("k", now=0.0) for _ in range(3)] == [True, True, False]
    assert limiter.allow("k", now=1.5) and not limiter.allow("k", now=1.6)


def test_the_resource_search_ignores_case_accents_and_spelt_out_nordic_letters():
    from nettsjekk.intake.form import Choices, Option

    offered = Choices((), (Option("demo-chatbot", "Demo-læremiddel med chat"), Option("demo-ordbok", "Demo-ordbok")))
    assert [o.value for o in offered.search("LÆRE")] == [o.value for o in offered.search("laere")] == ["demo-chatbot"]
    assert len(offered.search("")) == 2 and offered.search("finnes ikke") == ()
