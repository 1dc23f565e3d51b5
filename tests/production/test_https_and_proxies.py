"""Cookie flags under http and https, and forwarded headers believed only from trusted proxies."""

from __future__ import annotations

from flask import request, session, url_for

from tests.support.apps import make_app

TRUSTED_PEER = {"REMOTE_ADDR": "10.1.2.3"}
UNTRUSTED_PEER = {"REMOTE_ADDR": "203.0.113.9"}
HTTP = "http://localhost"  # Flask's test client would otherwise follow PREFERRED_URL_SCHEME
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Host": "evil.test"}
BEHIND_PROXY = {"TRUSTED_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.0/8"}


def probe_app(tmp_path, **overrides):
    """Return a test app with /_probe: it writes the session and reports how it sees the request."""
    app = make_app(tmp_path, **overrides)

    @app.get("/_probe")
    def probe():
        session["visited"] = True
        return {"url": url_for("projects.index", _external=True), "remote_addr": request.remote_addr}

    return app


def session_cookie(response) -> str:
    """Return the session's Set-Cookie header."""
    cookies = [value for value in response.headers.getlist("Set-Cookie") if "session=" in value]
    assert len(cookies) == 1, response.headers
    return cookies[0]


def test_under_http_the_cookie_is_httponly_and_lax_without_secure_or_prefix(tmp_path):
    response = probe_app(tmp_path).test_client().get("/_probe")
    cookie = session_cookie(response)

    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Domain" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_https_from_a_trusted_proxy_gives_a_secure_host_prefixed_cookie(tmp_path):
    app = probe_app(tmp_path, FORCE_HTTPS="true", **BEHIND_PROXY)
    response = app.test_client().get("/_probe", HTTP, headers=FORWARDED, environ_base=TRUSTED_PEER)
    cookie = session_cookie(response)

    assert response.status_code == 200
    assert cookie.startswith("__Host-session=")
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"))
    assert "Domain" not in cookie
    assert response.json == {"url": "https://localhost/projects", "remote_addr": "198.51.100.7"}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path):
    app = probe_app(tmp_path, **BEHIND_PROXY)
    response = app.test_client().get("/_probe", headers=FORWARDED, environ_base=UNTRUSTED_PEER)

    assert response.json == {"url": "http://localhost/projects", "remote_addr": "203.0.113.9"}
    assert "Secure" not in session_cookie(response)


def test_with_https_forced_an_untrusted_claim_of_https_is_sent_to_https_instead(tmp_path):
    app = probe_app(tmp_path, FORCE_HTTPS="true", **BEHIND_PROXY)
    response = app.test_client().get("/_probe?x=1", HTTP, headers=FORWARDED, environ_base=UNTRUSTED_PEER)

    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/_probe?x=1"
    assert "Set-Cookie" not in response.headers


def test_only_the_last_hop_of_x_forwarded_for_is_believed(tmp_path):
    app = probe_app(tmp_path, **BEHIND_PROXY)
    spoofed = {**FORWARDED, "X-Forwarded-For": "6.6.6.6, 198.51.100.7"}
    response = app.test_client().get("/_probe", headers=spoofed, environ_base=TRUSTED_PEER)

    assert response.json["remote_addr"] == "198.51.100.7"


def test_x_forwarded_host_is_believed_only_when_configured(tmp_path):
    default = probe_app(tmp_path, **BEHIND_PROXY).test_client()
    trusting = probe_app(tmp_path, TRUST_FORWARDED_HOST="true", **BEHIND_PROXY).test_client()

    assert default.get("/_probe", headers=FORWARDED, environ_base=TRUSTED_PEER).json["url"] == "https://localhost/projects"
    assert trusting.get("/_probe", headers=FORWARDED, environ_base=TRUSTED_PEER).json["url"] == "https://evil.test/projects"


def test_without_a_proxy_count_no_forwarded_header_is_used(tmp_path):
    response = probe_app(tmp_path).test_client().get("/_probe", headers=FORWARDED, environ_base=TRUSTED_PEER)

    assert response.json == {"url": "http://localhost/projects", "remote_addr": "10.1.2.3"}


def test_forced_https_redirects_plain_http_but_serves_health_probes(tmp_path):
    client = probe_app(tmp_path, FORCE_HTTPS="true").test_client()

    assert client.get("/projects", HTTP).headers["Location"] == "https://localhost/projects"
    assert client.post("/issues/ACME-1/comments", HTTP).status_code == 308  # keeps the method and body
    assert client.get("/healthz", HTTP).status_code == 200
