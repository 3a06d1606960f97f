"""``Retry-After`` in both of its forms (RFC 9110 §10.2.3)."""

from __future__ import annotations

import pytest

from nettsjekk.probes.crawler.retry_after import parse_retry_after

NOW = 1_445_412_470.0  # Wed, 21 Oct 2015 07:27:50 GMT


@pytest.mark.parametrize(("value", "expected"), [
    ("2", 2.0),
    (b"120", 120.0),
    (" 0 ", 0.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
    ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),   # in the past: go ahead now
    (None, None),
    ("", None),
    ("soon", None),
    ("-5", None),
    ("1.5", None),                            # delay-seconds is an integer
])
def test_retry_after_values(value, expected):
    assert parse_retry_after(value, now=NOW) == expected
