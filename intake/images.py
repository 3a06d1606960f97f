"""Screenshots sent with the form: PNG or JPEG, at most 5 MB, re-encoded on arrival.

The type is read from the file's first bytes (never from its name or the browser's word), the image
is decoded by Pillow with a pixel limit (no decompression bombs), and only its pixels are written
again, as a new PNG or JPEG under a random name in the upload folder (outside anything served):
whatever else the file held (EXIF with a place or a name, appended data, a script) is gone.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


class ScreenshotError(ValueError):
    """The upload is not a screenshot nettsjekk keeps; the message is for the tester (bokmål)."""


def sniff(data: bytes) -> str | None:
    """``png`` or ``jpeg`` from the first bytes, else None."""
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def check(data: bytes) -> str:
    """The image type of ``data``; ``ScreenshotError`` when it is too large or not a PNG or JPEG."""
    if len(data) > MAX_BYTES:
        raise ScreenshotError(f"Skjermbildet er for stort ({len(data) / 1024 / 1024:.1f} MB). Det største som "
                              "tas imot er 5 MB.")
    kind = sniff(data)
    if kind is None:
        raise ScreenshotError("Filen er ikke et PNG- eller JPEG-bilde. Velg et skjermbilde (PNG eller JPEG).")
    return kind


def reencode(data: bytes) -> tuple[bytes, str]:
    """The image's pixels as a fresh PNG or JPEG (same type as sent), and its type."""
    from PIL import Image

    kind = check(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG" if kind == "png" else "JPEG"]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ScreenshotError("Skjermbildet har for mange bildepunkter. Ta et vanlig skjermbilde.")
                image.load()
                pixels = image.convert("RGBA" if kind == "png" and image.mode in ("RGBA", "LA", "P") else "RGB")
    except ScreenshotError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file; all mean the same here
        raise ScreenshotError("Bildet kunne ikke leses (skadet eller ikke et ekte PNG/JPEG-bilde).") from None
    out = io.BytesIO()
    if kind == "png":
        pixels.save(out, "PNG", optimize=False)
    else:
        pixels.save(out, "JPEG", quality=85)
    return out.getvalue(), kind


def save(data: bytes, folder: Path) -> str:
    """Re-encode ``data`` and write it under a random name in ``folder`` (0600); return the name."""
    clean, kind = reencode(data)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.{'png' if kind == 'png' else 'jpg'}"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(clean)
    return name
