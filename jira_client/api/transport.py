"""The one HTTP session per process (per network setting) that every JiraClient shares.

Keeping one ``requests.Session`` alive means one pool of keep-alive connections to Jira (or
api.atlassian.com) per worker, instead of a TLS handshake per call. It keeps no cookies: Jira sets
some, and a shared jar would carry one person's cookies into another person's calls.

It reads nothing from the environment by itself (``trust_env`` is off): no ``.netrc`` credentials
are ever added to a call. Company networks are served explicitly instead, by a ``Network`` built
from the settings: ``HTTPS_PROXY``/``HTTP_PROXY`` (credentials in the proxy URL are used for the
proxy only), ``NO_PROXY`` (host names, domain suffixes, addresses and networks, ``*`` for all;
loopback never goes through a proxy) and a CA bundle (``REQUESTS_CA_BUNDLE`` or
``SSL_CERT_FILE``) that replaces the default one, for proxies that inspect TLS with their own CA.
The identity-service calls (``auth/atlassian.py``) apply the same ``Network`` to their sessions.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

USER_AGENT = "jira-web-client/0.1 (+self-hosted)"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class Network:
    """How calls leave this machine: a proxy per scheme, the hosts that bypass it, the CAs trusted."""

    https_proxy: str = ""
    http_proxy: str = ""
    no_proxy: str = ""
    ca_bundle: str = ""  # a PEM file or a folder of them; "" = the default bundle (certifi)

    @property
    def verify(self) -> str | bool:
        """Return requests' ``verify``: the CA bundle when one is set, else the default check."""
        return self.ca_bundle or True

    def proxy_for(self, url: str) -> str:
        """Return the proxy URL a call to ``url`` goes through, or "" for a direct connection."""
        parts = urlsplit(url)
        proxy = {"https": self.https_proxy, "http": self.http_proxy}.get(parts.scheme, "")
        if not proxy or bypasses_proxy(parts.hostname or "", parts.port, self.no_proxy):
            return ""
        return proxy

    def proxies_for(self, url: str) -> dict[str, str]:
        """Return requests' ``proxies`` for a call to ``url`` ({} for a direct connection)."""
        proxy = self.proxy_for(url)
        return {urlsplit(url).scheme: proxy} if proxy else {}

    def apply(self, session: requests.Session, url: str) -> None:
        """Point a session that only ever calls ``url``'s host (a token endpoint) at this network."""
        session.trust_env = False
        session.verify = self.verify
        session.proxies = self.proxies_for(url)


DIRECT = Network()


def bypasses_proxy(host: str, port: int | None, no_proxy: str) -> bool:
    """Return whether ``host`` (and ``port``) is reached directly under ``no_proxy`` (curl's rules)."""
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES or _in_network(host, "127.0.0.0/8") or host == "::1":
        return True  # a proxy cannot reach this machine's loopback anyway
    for entry in (part.strip().lower() for part in no_proxy.replace(" ", ",").split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and (not entry_port.isdigit() or port != int(entry_port)):
            continue
        name = name.removeprefix("*").removeprefix(".").strip("[]")
        if host == name or host.endswith("." + name) or ("/" in name and _in_network(host, name)):
            return True
    return False


def _in_network(host: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


class NoCookies(CookieJar):
    """A cookie jar that never stores anything."""

    def set_cookie(self, cookie) -> None:  # noqa: D401 - CookieJar API
        return None

    def extract_cookies(self, response, request) -> None:
        return None


class Transport(requests.Session):
    """A cookie-less session that takes its proxies and CA bundle from a ``Network``, never the environment."""

    def __init__(self, network: Network = DIRECT, pool_size: int = 16) -> None:
        super().__init__()
        self.network = network
        self.cookies = NoCookies()
        self.trust_env = False  # no proxies or .netrc credentials picked up from the environment
        self.verify = network.verify
        self.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        """Add the network's proxy for ``url`` (a call's own ``proxies`` win)."""
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if not proxies:
            settings["proxies"] = self.network.proxies_for(url)
        return settings


def create_transport(pool_size: int = 16, network: Network = DIRECT) -> requests.Session:
    """Return a cookie-less session with a keep-alive pool, no automatic retries and ``network``'s settings."""
    return Transport(network, pool_size)


_transports: dict[Network, requests.Session] = {}
_lock = threading.Lock()


def get_transport(network: Network = DIRECT) -> requests.Session:
    """Return this process's shared transport for ``network``, creating it on first use."""
    transport = _transports.get(network)
    if transport is None:
        with _lock:
            transport = _transports.get(network)
            if transport is None:
                transport = _transports[network] = create_transport(network=network)
    return transport
