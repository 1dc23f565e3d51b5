"""A company network on loopback: an HTTP CONNECT proxy, a TLS front with its own CA, and name lookups kept local.

- ``ConnectProxy``: a small threaded proxy. ``CONNECT host:port`` opens a tunnel; an absolute-form
  request (``GET http://host:port/path``) is forwarded. It reaches only the names it is given
  (each mapped to a loopback address) and records what it was asked, headers included.
- ``TlsFront``: serves an existing WSGI app (the sandbox's, so its state is shared) over https
  with a certificate from a CA made for the test; ``ca_path`` is that CA's PEM file.
- ``fake_dns``: name lookups for the given names answer 127.0.0.1, any other name fails at once,
  so a call that should have gone through the proxy never leaves the machine (or asks real DNS).

Fixtures (a plugin module): ``fake_dns`` (a dict to fill with names), ``connect_proxy`` (started,
stopped after the test), ``tls_sandbox`` (the live sandbox also served over https).
"""

from __future__ import annotations

import datetime
import ipaddress
import select
import socket
import socketserver
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

LOOPBACK = "127.0.0.1"
TEST_NAMES = ("jira.test", "auth.test", "api.test", "localhost")


# --- the proxy ---------------------------------------------------------------------------------


class _ProxyHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        proxy: ConnectProxy = self.server.proxy
        head, rest = _read_head(self.request)
        if not head:
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, version = (request_line.split(" ") + ["", ""])[:3]
        headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
        proxy.record(method, target, headers)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = proxy.open(host, int(port))
            if upstream is None:
                self.request.sendall(b"HTTP/1.1 502 Unknown host\r\nContent-Length: 0\r\n\r\n")
                return
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            parts = urlsplit(target)
            upstream = proxy.open(parts.hostname or "", parts.port or 80)
            if upstream is None:
                self.request.sendall(b"HTTP/1.1 502 Unknown host\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            kept = [f"{name}: {value}" for name, value in headers.items()
                    if not name.lower().startswith("proxy-") and name.lower() != "connection"]
            upstream.sendall("\r\n".join([f"{method} {path or '/'} {version}", *kept, "Connection: close", "", ""]).encode("latin-1"))
        if rest:
            upstream.sendall(rest)
        _relay(self.request, upstream)


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    sockets = [client, upstream]
    try:
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (upstream if sock is client else client).sendall(data)
    except OSError:
        return
    finally:
        upstream.close()


class ConnectProxy:
    """A threaded HTTP proxy on loopback that reaches only the names in ``hosts``."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        self.hosts = dict(hosts or {})
        self.seen: list[dict] = []
        self._lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer((LOOPBACK, 0), _ProxyHandler)
        self.server.daemon_threads = True
        self.server.proxy = self
        self.port = self.server.server_address[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def record(self, method: str, target: str, headers: dict) -> None:
        with self._lock:
            self.seen.append({"method": method, "target": target, "headers": headers})

    def targets(self, method: str | None = None) -> list[str]:
        """Return the targets asked for (of ``method`` only, when given)."""
        with self._lock:
            return [entry["target"] for entry in self.seen if method is None or entry["method"] == method]

    def open(self, host: str, port: int) -> socket.socket | None:
        """Return a connection to ``host`` (only a known name or loopback), or None."""
        address = self.hosts.get(host) or (host if host == LOOPBACK else None)
        if address is None:
            return None
        try:
            return socket.create_connection((address, port), timeout=30)
        except OSError:
            return None

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# --- TLS with a CA of the test's own ------------------------------------------------------------


def make_certificates(directory: Path, names=TEST_NAMES) -> tuple[Path, Path, Path]:
    """Write a CA and a server certificate for ``names`` and 127.0.0.1; return (ca, cert, key) paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Company Proxy CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alternative = [x509.DNSName(name) for name in names] + [x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class TlsFront:
    """Serves ``app`` over https on a loopback port, with a certificate from a CA made for the test."""

    def __init__(self, app, directory: Path) -> None:
        self.ca_path, cert, key = make_certificates(directory)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = make_server(LOOPBACK, 0, app, threaded=True, ssl_context=context)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        """Return the front's URL under ``name`` (one of the certificate's names)."""
        return f"https://{name}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def fake_dns(monkeypatch) -> dict[str, str]:
    """Name lookups: the names put in the returned dict answer their address, any other name fails at once."""
    names: dict[str, str] = {}
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in names:
            return real(names[name], *args, **kwargs)
        try:
            ipaddress.ip_address(str(name))
        except ValueError:
            if name != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, f"{name}: no real DNS in tests") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return names


@pytest.fixture
def connect_proxy():
    """A proxy on loopback that reaches the test names (jira.test, auth.test, api.test) as 127.0.0.1."""
    proxy = ConnectProxy({name: LOOPBACK for name in TEST_NAMES})
    yield proxy
    proxy.stop()


@pytest.fixture
def tls_sandbox(sandbox, tmp_path):
    """The live sandbox also served over https (same data and counters); ``ca_path`` is its CA."""
    directory = tmp_path / "tls"
    directory.mkdir()
    front = TlsFront(sandbox.app, directory)
    yield front
    front.stop()
