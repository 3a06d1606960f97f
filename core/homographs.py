"""Host names that pass for other host names: invalid punycode and mixed-script look-alikes.

``punycode_problem(host)`` says why an ``xn--`` label of an ASCII host name is not valid punycode
(it decodes to nothing, or does not encode back to itself); ``homograph_warning(host)`` says why a
host may be a look-alike: a label mixing scripts a reader confuses (``www.snl.nо`` with a Cyrillic
``о``), or a label written wholly in such letters (``аррӏе.com``). The letters and scripts are data
(``homographs.yaml``).

>>> homograph_warning("www.snl.xn--n-1tb")
"label 'nо' mixes Cyrillic and Latin letters; it reads as 'no' (a homograph?)"
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parent / "homographs.yaml"


@lru_cache(maxsize=1)
def _data() -> tuple[frozenset[str], dict[str, str]]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return frozenset(data["confusable_scripts"]), dict(data["latin_lookalikes"])


def unicode_label(label: str) -> str:
    """An ASCII label as Unicode (``xn--n-1tb`` -> ``nо``); raises ``UnicodeError`` for bad punycode."""
    if not label.lower().startswith("xn--"):
        return label
    decoded = label.encode("ascii").decode("idna")
    if decoded.encode("idna").decode("ascii").lower() != label.lower() or decoded.isascii():
        raise UnicodeError(f"{label!r} does not encode back to itself")
    return decoded


def punycode_problem(host: str) -> str | None:
    """Why an ``xn--`` label of ``host`` (lower-case ASCII) is not valid punycode, or None."""
    for label in host.split("."):
        try:
            unicode_label(label)
        except UnicodeError:
            return f"label {label!r} is not valid punycode (an internationalised name cannot be written so)"
    return None


def homograph_warning(host: str) -> str | None:
    """Why ``host`` (lower-case ASCII, ``*.`` allowed) may pass for another host name, or None."""
    scripts, lookalikes = _data()
    for label in host.removeprefix("*.").split("."):
        try:
            text = unicode_label(label)
        except UnicodeError:
            continue
        if text.isascii():
            continue
        found = {_script(ch) for ch in text if ch.isalpha()} & scripts
        reads_as = "".join(lookalikes.get(ch, ch) for ch in text)
        if len(found) > 1:
            names = " and ".join(sorted(s.title() for s in found))
            return f"label {text!r} mixes {names} letters; it reads as {reads_as!r} (a homograph?)"
        if found and found != {"LATIN"} and reads_as.isascii():
            return f"label {text!r} is written in {found.pop().title()} letters that look like {reads_as!r}"
    return None


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]
