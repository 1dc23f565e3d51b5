"""Every route, enumerated from the URL map, answers with the security headers."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import make_app
from tests.support.sandbox import sandbox_info

SAMPLE_ARGS = {
    "PathConverter": "app.css", "ProjectKeyConverter": "ACME", "IssueKeyConverter": "ACME-1",
    "UnicodeConverter": "10000", "IntegerConverter": 10000, "NumericIdConverter": "10000",  # a missing id: a 404 page, still checked
}
THIRD_PARTY = re.compile(r"""\b(?:src|href|action)=["']?(?:https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)|<style\b|\son[a-z]+\s*=", re.I)


def sandbox_app(tmp_path, sandbox, mode: str = "single_user", **overrides):
    """Return a test app on the live sandbox: as its admin (single_user) or with its OAuth client."""
    info = sandbox_info(sandbox)
    admin = next(user for user in info["users"] if user["admin"])
    oauth = {
        "JIRA_OAUTH_CLIENT_ID": info["oauth"]["client_id"], "JIRA_OAUTH_CLIENT_SECRET": info["oauth"]["client_secret"],
        "JIRA_OAUTH_REDIRECT_URI": "http://localhost/auth/callback", "ATLASSIAN_AUTH_URL": sandbox.url, "ATLASSIAN_API_URL": sandbox.url,
    }
    return make_app(
        tmp_path, APP_MODE=mode, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"],
        **oauth, **overrides,
    )


def get_urls(app) -> list[tuple[str, str]]:
    """Return (endpoint, URL) for every GET route, with sample values for its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        args = {}
        for name, converter in rule._converters.items():
            if type(converter).__name__ not in SAMPLE_ARGS:
                pytest.fail(f"{rule.rule}: add a sample value for {type(converter).__name__} to SAMPLE_ARGS")
            args[name] = SAMPLE_ARGS[type(converter).__name__]
        with app.test_request_context():
            from flask import url_for

            urls.append((rule.endpoint, url_for(rule.endpoint, **args)))
    return urls


def header_problems(endpoint: str, response, https: bool) -> list[str]:
    """Return what is wrong with one response's security headers."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    problems = [f"{name}={headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value]
    if directives.get("frame-ancestors") != "'none'" or directives.get("default-src") != "'self'":
        problems.append(f"CSP {csp!r}")
    if directives.get("script-src") != "'self'" or "unsafe" in directives.get("style-src", "unsafe"):
        problems.append(f"CSP sources {csp!r}")
    if "camera=()" not in headers.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy")
    if endpoint != "static" and headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control={headers.get('Cache-Control')!r}")
    if https != ("max-age=31536000" in headers.get("Strict-Transport-Security", "")):
        problems.append(f"HSTS={headers.get('Strict-Transport-Security')!r}")
    if response.mimetype == "text/html" and INLINE_SCRIPT.search(response.get_data(as_text=True)):
        problems.append("inline script or style element in the page")
    return [f"{endpoint}: {problem}" for problem in problems]


@pytest.mark.parametrize("mode", ["single_user", "multi_user"])
@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_every_get_route_sends_the_security_headers(tmp_path, sandbox, https, mode):
    overrides = {"FORCE_HTTPS": "true"} if https else {}
    app = sandbox_app(tmp_path, sandbox, mode, **overrides)
    client = app.test_client()
    base_url = "https://localhost" if https else "http://localhost"
    problems, statuses = [], {}
    for endpoint, url in get_urls(app):
        response = client.get(url, base_url=base_url)
        statuses[endpoint] = response.status_code
        problems += header_problems(endpoint, response, https)
        response.close()  # a streamed file (an attachment) is not read here: end it before the next request

    assert not problems  # error pages included: the headers must hold whatever the status
    assert {"projects.show", "issues.show", "health.healthz", "static"} <= set(statuses)


def test_error_pages_and_redirects_carry_the_headers_too(app):
    client = app.test_client()
    for response in (client.get("/does-not-exist"), client.get("/search/quick?q=ACME-1")):
        assert response.status_code in (302, 404)
        assert not header_problems("page", response, https=False)


def test_the_policy_lets_validated_colour_attributes_through_but_no_inline_script(app):
    csp = app.test_client().get("/healthz").headers["Content-Security-Policy"]

    assert "style-src-attr 'unsafe-inline'" in csp  # ADF colours: style="color:#rrggbb"
    assert "'unsafe-inline'" not in csp.split("style-src-attr")[0]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-eval" not in csp


def test_the_callback_page_loads_nothing_from_another_origin(tmp_path, sandbox):
    client = sandbox_app(tmp_path, sandbox, "multi_user").test_client()
    for url in ("/auth/callback?code=stolen&state=forged", "/auth/callback?error=access_denied&state=x", "/login"):
        response = client.get(url)
        page = response.get_data(as_text=True)

        assert response.status_code < 500
        assert not THIRD_PARTY.findall(page), url
        assert not header_problems(url, response, https=False)


def test_a_view_that_sets_a_security_header_itself_keeps_it_and_gets_the_others(app):
    @app.get("/_own_policy")
    def own_policy():
        return "x", {"Content-Security-Policy": "sandbox", "x-frame-options": "SAMEORIGIN"}

    headers = app.test_client().get("/_own_policy").headers

    assert headers.getlist("Content-Security-Policy") == ["sandbox"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]  # names match whatever their case
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"] and headers["Referrer-Policy"] == "same-origin"
