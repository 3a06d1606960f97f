"""Signed links and CSRF fields for the intake form.

A link carries ``TOKEN = base64url("checkpoint|expires") "." base64url(hmac)``: the server needs no
list of links, only the key, and a link cannot be changed to another checkpoint or a later expiry.
The key is a file beside the results store (``intake.key``, created readable by its owner only);
delete it to make every link given out so far invalid.

The CSRF field is a keyed hash of a random value the browser keeps in a cookie and of the time the
form was shown: a form posted from another site (without the cookie) or one older than
``CSRF_MAX_AGE_S`` is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nettsjekk.core.errors import StoreError

KEY_FILE = "intake.key"
CSRF_MAX_AGE_S = 4 * 3600


@dataclass(frozen=True)
class LinkToken:
    checkpoint: str
    expires: dt.datetime


class BadToken(Exception):
    """The token is missing, malformed, forged, for another checkpoint or expired (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def load_key(folder: Path) -> bytes:
    """The signing key in ``folder/intake.key``, made (32 random bytes, mode 0600) when missing."""
    path = Path(folder) / KEY_FILE
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return bytes.fromhex(path.read_text().strip())
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read or create the intake key {path}: {exc}") from exc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, purpose: str, message: str) -> bytes:
    return hmac.new(key, f"{purpose}|{message}".encode(), hashlib.sha256).digest()[:18]


def make_token(key: bytes, checkpoint: str, expires: dt.datetime) -> str:
    payload = f"{checkpoint}|{int(expires.timestamp())}"
    return f"{_b64(payload.encode())}.{_b64(_mac(key, 'link', payload))}"


def check_token(key: bytes, token: str | None, checkpoint: str, now: dt.datetime | None = None) -> LinkToken:
    """The token's checkpoint and expiry; ``BadToken`` unless it is genuine, for ``checkpoint`` and unexpired."""
    if not token:
        raise BadToken("missing")
    try:
        payload_part, mac_part = token.split(".")
        payload = _unb64(payload_part).decode()
        given = _unb64(mac_part)
        name, expires_s = payload.split("|")
        expires = dt.datetime.fromtimestamp(int(expires_s), dt.UTC)
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise BadToken("malformed") from None
    if not hmac.compare_digest(given, _mac(key, "link", payload)):
        raise BadToken("forged")
    if name != checkpoint:
        raise BadToken("other_checkpoint")
    if (now or dt.datetime.now(dt.UTC)) >= expires:
        raise BadToken("expired")
    return LinkToken(name, expires)


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def csrf_field(key: bytes, cookie: str, now: float) -> str:
    stamp = str(int(now))
    return f"{stamp}.{_b64(_mac(key, 'csrf', f'{cookie}|{stamp}'))}"


def csrf_ok(key: bytes, cookie: str | None, field: str | None, now: float) -> bool:
    """The field was made for this cookie by this server less than ``CSRF_MAX_AGE_S`` ago."""
    if not cookie or not field or "." not in field:
        return False
    stamp, mac = field.split(".", 1)
    if not stamp.isdigit() or not 0 <= now - int(stamp) <= CSRF_MAX_AGE_S:
        return False
    try:
        return hmac.compare_digest(_unb64(mac), _mac(key, "csrf", f"{cookie}|{stamp}"))
    except ValueError:
        return False
