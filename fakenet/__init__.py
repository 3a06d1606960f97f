"""The fake internet: an HTTP(S) forward proxy that serves virtual hosts from a folder tree.

Used by the tests, ``nettsjekk demo`` and the benchmarks, so nothing ever touches a real site.
``<root>/<host>/<path>`` is served for ``http(s)://<host>/<path>``; see ``nettsjekk.fakenet.server``.
"""

from nettsjekk.fakenet.routes import Route
from nettsjekk.fakenet.server import FakeInternet, HandlerRequest

__all__ = ["FakeInternet", "HandlerRequest", "Route"]
