"""The intake web application (Starlette): one form per checkpoint, behind a signed link.

    GET  /skjema/TOKEN          the form (``?q=`` filters the resources, no JavaScript needed)
    POST /skjema/TOKEN          a submission: checked, stored, then 303 to the thank-you page
    GET  /skjema/TOKEN/takk     thank-you page with a link to test one more resource

Anything else, and any page with a missing, forged, expired or other checkpoint's token, is 403.
Every page carries a strict Content-Security-Policy (no script at all, the style allowed by hash),
``no-referrer`` (the token stays out of other sites' logs) and ``no-store``. Nothing a tester typed
reaches a page unescaped (Jinja2 autoescapes every ``.html.j2`` template); no IP address is stored
or logged (the rate limiter keeps hashed keys in memory).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from nettsjekk.checkpoints.manual_tests import ManualTest
from nettsjekk.checkpoints.store import Store
from nettsjekk.core.templating import TEMPLATES_DIR, render
from nettsjekk.intake import images, tokens
from nettsjekk.intake.form import Choices, check_submission, spec
from nettsjekk.intake.limits import BodyLimit, RateLimiter
from nettsjekk.intake.useragent import browser_and_os

log = logging.getLogger(__name__)

CSRF_COOKIE = "nettsjekk_csrf"
MAX_BODY = images.MAX_BYTES + 256 * 1024
"""The largest request body read: a 5 MB screenshot and the form's text fields."""
FORBIDDEN_TEXT = {
    "missing": "Denne siden åpnes bare med lenken du har fått fra IKT-ansvarlig (den har en tilgangskode).",
    "malformed": "Lenken er ufullstendig eller feil. Åpne hele lenken du har fått, eller skann QR-koden igjen.",
    "forged": "Lenken er ikke gyldig her. Be IKT-ansvarlig om en ny lenke.",
    "other_checkpoint": "Lenken gjelder et annet kontrollpunkt. Be IKT-ansvarlig om lenken til dette.",
    "expired": "Lenken er utløpt. Be IKT-ansvarlig om en ny lenke.",
    "csrf": "Skjemaet er for gammelt eller ble ikke sendt fra denne siden. Last skjemaet på nytt og send igjen.",
}
STATUS_TEXT = {
    411: "Innsendingen manglet lengde. Send skjemaet fra nettleseren.",
    413: "Innsendingen er for stor. Skjermbildet kan være høyst 5 MB: gå tilbake og velg et mindre bilde. "
         "Ingenting ble lagret.",
    429: "For mange innsendinger på kort tid fra denne maskinen. Vent litt og prøv igjen.",
}


@dataclass
class Server:
    """What the application needs: the checkpoint, the signing key, where things go, and the choices."""

    checkpoint: str
    key: bytes
    store: Store
    uploads: Path
    choices: Choices
    secure_cookies: bool = False
    timezone: str = "Europe/Oslo"
    per_address: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=1200, burst=600))
    per_browser: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=10, burst=10))


def create_app(server: Server) -> BodyLimit:
    """The ASGI application: the routes, behind the request body limit."""
    app = Starlette(routes=[
        Route("/skjema/{token}", _handler(server, _form), methods=["GET", "POST"]),
        Route("/skjema/{token}/takk", _handler(server, _thanks), methods=["GET"]),
        Route("/{path:path}", _handler(server, None), methods=["GET", "POST", "HEAD"]),
    ])
    return BodyLimit(app, MAX_BODY, _status_page)


def _handler(server: Server, view):  # noqa: ANN001, ANN202
    async def handle(request: Request) -> Response:
        if view is None:
            return _forbidden("missing")
        if not server.per_address.allow(f"a|{_address(request)}"):
            return _page("intake/message.html.j2", 429, heading="Vent litt", text=STATUS_TEXT[429])
        try:
            link = tokens.check_token(server.key, request.path_params["token"], server.checkpoint)
        except tokens.BadToken as bad:
            return _forbidden(bad.reason)
        return await view(server, request, link)

    return handle


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


async def _form(server: Server, request: Request, link: tokens.LinkToken) -> Response:
    if request.method == "POST":
        return await _submit(server, request, link)
    values = {"location": request.query_params.get("sted", ""), "role": request.query_params.get("rolle", ""),
              "initials": request.query_params.get("init", "")}
    return _form_page(server, request, link, values, {}, 200)


def _form_page(server: Server, request: Request, link: tokens.LinkToken, values: dict[str, str],
               errors: dict[str, str], status: int) -> Response:
    cookie = request.cookies.get(CSRF_COOKIE) or tokens.new_csrf_cookie()
    query = request.query_params.get("q", "") if request.method == "GET" else ""
    response = _page("intake/form.html.j2", status, form=spec(), choices=server.choices, values=values,
                     errors=errors, query=query, resources=server.choices.search(query),
                     csrf=tokens.csrf_field(server.key, cookie, time.time()), token=request.path_params["token"],
                     checkpoint=server.checkpoint, expires=_local(link.expires, server.timezone))
    response.set_cookie(CSRF_COOKIE, cookie, max_age=tokens.CSRF_MAX_AGE_S, httponly=True, samesite="lax",
                        secure=server.secure_cookies, path="/skjema/")
    return response


async def _submit(server: Server, request: Request, link: tokens.LinkToken) -> Response:
    try:
        posted = await request.form(max_files=1, max_fields=40, max_part_size=64 * 1024)
    except Exception:  # noqa: BLE001 - Starlette's parser errors (malformed or too many parts) all mean "bad form"
        return _page("intake/message.html.j2", 400, heading="Skjemaet kunne ikke leses",
                     text="Innsendingen var ikke et gyldig skjema. Last skjemaet på nytt og send igjen.")
    cookie = request.cookies.get(CSRF_COOKIE)
    if not tokens.csrf_ok(server.key, cookie, _text(posted.get("csrf")), time.time()):
        return _forbidden("csrf")
    cookie_key = f"b|{_address(request)}|{cookie}"
    if not server.per_browser.allow(cookie_key):
        return _page("intake/message.html.j2", 429, heading="Vent litt", text=STATUS_TEXT[429])
    values = {name: _text(value) for name, value in posted.items() if not isinstance(value, UploadFile)}
    answers, errors = check_submission(values, server.choices)
    upload = posted.get("screenshot")
    data = await _read_upload(upload)
    if data and "screenshot" not in errors:
        try:
            images.check(data)
        except images.ScreenshotError as exc:
            errors["screenshot"] = str(exc)
    if errors:
        return _form_page(server, request, link, values, errors, 400)
    screenshot = None
    if data:
        try:
            screenshot = await run_in_threadpool(images.save, data, server.uploads)
        except images.ScreenshotError as exc:
            return _form_page(server, request, link, values, {"screenshot": str(exc)}, 400)
    browser, system = browser_and_os(request.headers.get("user-agent"))
    test = ManualTest(checkpoint=server.checkpoint, **answers, browser=browser, os=system,
                      submitted_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), screenshot=screenshot)
    number = await run_in_threadpool(server.store.save_manual_test, test)
    log.info("manual test %s stored: %s at %s", number, test.resource_id, test.location)
    again = urlencode({"sted": test.location, "rolle": test.role, "init": test.initials, "r": test.resource_id})
    return RedirectResponse(f"{request.path_params['token']}/takk?{again}", status_code=303,
                            headers=_HEADERS)


async def _read_upload(upload: object) -> bytes:
    """The uploaded file's bytes (at most one more than the limit); empty when no file was chosen."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return b""
    return await upload.read(images.MAX_BYTES + 1)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


async def _thanks(server: Server, request: Request, link: tokens.LinkToken) -> Response:
    params = request.query_params
    names = {o.value: o.label for o in server.choices.resources}
    again = urlencode({k: params.get(k, "") for k in ("sted", "rolle", "init")})
    return _page("intake/thanks.html.j2", 200, resource=names.get(params.get("r", ""), ""),
                 again=f"../{request.path_params['token']}?{again}")


def _forbidden(reason: str) -> Response:
    return _page("intake/message.html.j2", 403, heading="Ingen tilgang", text=FORBIDDEN_TEXT[reason])


async def _status_page(status: int) -> tuple[bytes, dict[str, str]]:
    heading = {413: "For stor innsending", 411: "Mangler lengde"}.get(status, "Feil")
    response = _page("intake/message.html.j2", status, heading=heading, text=STATUS_TEXT[status])
    return bytes(response.body), {k: v for k, v in response.headers.items() if k != "content-length"}


# ---------------------------------------------------------------- pages


def _css() -> tuple[str, str]:
    css = (TEMPLATES_DIR / "intake" / "intake.css").read_text(encoding="utf-8")
    return css, "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


_STYLE, _STYLE_HASH = _css()
_HEADERS = {
    "Content-Security-Policy": f"default-src 'none'; style-src '{_STYLE_HASH}'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _page(template: str, status: int, **values: object) -> HTMLResponse:
    from markupsafe import Markup

    html = render(template, css=Markup(_STYLE), **values)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _local(moment: dt.datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y kl. %H:%M")
