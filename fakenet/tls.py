"""The fake internet's certificate authority: a fresh CA per rig, a certificate per host.

Browsers are told to trust the CA (see ``nettsjekk.probes.browsers``), so https fixtures behave
like real sites. A host folder's ``_host.yaml`` may ask for a broken certificate
(``tls: expired`` or ``tls: wrong-host``) to test TLS errors.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from pathlib import Path

import trustme

BROKEN_TLS_MODES = ("expired", "wrong-host")


class CertificateAuthority:
    """A trustme CA that writes its certificate to ``workdir`` and issues server contexts."""

    def __init__(self, workdir: Path) -> None:
        self._ca = trustme.CA(organization_name="nettsjekk fake internet")
        self._workdir = workdir
        self._contexts: dict[tuple[str, str], ssl.SSLContext] = {}
        self._lock = threading.Lock()
        self.cert_path = workdir / "fakenet-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.cert_path))

    @property
    def cert_pem(self) -> bytes:
        return self._ca.cert_pem.bytes()

    def server_context(self, host: str, mode: str = "valid") -> ssl.SSLContext:
        """An SSL context presenting a certificate for ``host`` (cached per host and mode)."""
        with self._lock:
            key = (host, mode)
            if key not in self._contexts:
                self._contexts[key] = self._build_context(host, mode)
            return self._contexts[key]

    def _build_context(self, host: str, mode: str) -> ssl.SSLContext:
        identity = f"not-{host}" if mode == "wrong-host" else host
        kwargs = {}
        if mode == "expired":
            now = dt.datetime.now(dt.timezone.utc)
            kwargs = {"not_before": now - dt.timedelta(days=400), "not_after": now - dt.timedelta(days=30)}
        cert = self._ca.issue_cert(identity, **kwargs)
        chain = self._workdir / f"{mode}-{host}.chain.pem"
        key = self._workdir / f"{mode}-{host}.key.pem"
        # The CA certificate travels in the chain, so a browser that trusts it by its SPKI hash can anchor it.
        chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems) + self._ca.cert_pem.bytes())
        cert.private_key_pem.write_to_path(str(key))
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(chain), str(key))
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx
