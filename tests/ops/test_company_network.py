"""Company networks: calls to Jira and to Atlassian's identity service go through HTTPS_PROXY (a real CONNECT
proxy on loopback here), trust REQUESTS_CA_BUNDLE / SSL_CERT_FILE, skip the proxy for NO_PROXY, and never
take credentials from .netrc. Jira and Atlassian are the sandbox behind https names only the proxy knows."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest
import requests

from jira_client.api.transport import Network, bypasses_proxy
from jira_client.observability.doctor import report, run_checks
from jira_client.settings import Settings, SettingsError
from tests.support.apps import make_app
from tests.support.oauth import REDIRECT_URI, oauth_settings
from tests.support.sandbox import sandbox_admin, sandbox_fault, token_calls


def _single_user(tmp_path, sandbox, base_url: str, **network):
    admin = sandbox_admin(sandbox)
    return make_app(tmp_path, JIRA_BASE_URL=base_url, JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"], **network)


def test_jira_calls_go_through_the_https_proxy_and_trust_the_ca_bundle(tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    jira = tls_sandbox.url("jira.test")
    app = _single_user(tmp_path, sandbox, jira, HTTPS_PROXY=connect_proxy.url, REQUESTS_CA_BUNDLE=str(tls_sandbox.ca_path))

    page = app.test_client().get("/projects")

    assert page.status_code == 200 and b"ACME" in page.data
    assert connect_proxy.targets("CONNECT") == [f"jira.test:{tls_sandbox.port}"]  # one kept-alive tunnel


def test_without_the_companys_ca_the_proxied_call_is_refused(tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    app = _single_user(tmp_path, sandbox, tls_sandbox.url("jira.test"), HTTPS_PROXY=connect_proxy.url)

    assert app.test_client().get("/projects").status_code == 503  # the certificate is not trusted: never sent
    assert connect_proxy.targets("CONNECT")


def test_ssl_cert_file_serves_when_requests_ca_bundle_is_not_set(tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    app = _single_user(tmp_path, sandbox, tls_sandbox.url("jira.test"), https_proxy=connect_proxy.url,
                       SSL_CERT_FILE=str(tls_sandbox.ca_path))

    assert app.test_client().get("/projects").status_code == 200
    assert connect_proxy.targets("CONNECT")


def test_no_proxy_hosts_are_reached_directly(tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    fake_dns["jira.test"] = "127.0.0.1"
    app = _single_user(tmp_path, sandbox, tls_sandbox.url("jira.test"), HTTPS_PROXY=connect_proxy.url,
                       NO_PROXY="localhost, .corp.example, jira.test", REQUESTS_CA_BUNDLE=str(tls_sandbox.ca_path))

    assert app.test_client().get("/projects").status_code == 200
    assert connect_proxy.seen == []


def test_credentials_in_the_proxy_url_go_to_the_proxy_and_netrc_is_never_read(
        tmp_path, sandbox, connect_proxy, fake_dns, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine jira.test login leaked@example.test password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    proxy = connect_proxy.url.replace("http://", "http://corp%5Cme:pa%3Ass@")
    app = _single_user(tmp_path, sandbox, f"http://jira.test:{sandbox.port}", HTTP_PROXY=proxy)

    assert app.test_client().get("/readyz").json["checks"]["jira"]["ok"]  # a call without credentials of its own

    [probe] = connect_proxy.seen
    assert probe["method"] == "GET" and probe["target"] == f"http://jira.test:{sandbox.port}/"
    assert probe["headers"]["Proxy-Authorization"] == "Basic " + base64.b64encode(b"corp\\me:pa:ss").decode()
    assert "Authorization" not in probe["headers"]


def test_sign_in_token_refresh_and_jira_calls_all_go_through_the_proxy(
        tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    auth, api = tls_sandbox.url("auth.test"), tls_sandbox.url("api.test")
    app = make_app(tmp_path, **oauth_settings(auth, ATLASSIAN_API_URL=api, HTTPS_PROXY=connect_proxy.url,
                                              REQUESTS_CA_BUNDLE=str(tls_sandbox.ca_path)))
    client = app.test_client()
    location = client.post("/login/start", data={"next": "/projects"}).headers["Location"]
    assert location.startswith(f"{auth}/authorize")
    with requests.Session() as browser:  # the person's browser, on the same company network
        browser.trust_env = False  # this machine's REQUESTS_CA_BUNDLE would replace the CA below
        browser.proxies, browser.verify = {"https": connect_proxy.url}, str(tls_sandbox.ca_path)
        consent = browser.get(f"{location}&login_hint=bob&sandbox_auto_approve=1", allow_redirects=False, timeout=10)
    callback = urlsplit(consent.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == REDIRECT_URI
    assert client.get(f"{callback.path}?{callback.query}").headers["Location"] == "/projects"
    assert client.get("/projects").status_code == 200

    sandbox_fault(sandbox, expire_access_tokens=True)
    calls = token_calls(sandbox)
    assert client.get("/projects").status_code == 200
    assert token_calls(sandbox) == calls + 1  # the refresh, through the proxy too

    tunnels = connect_proxy.targets("CONNECT")
    assert tunnels.count(f"auth.test:{tls_sandbox.port}") >= 3  # consent (the browser), code exchange, refresh
    assert f"api.test:{tls_sandbox.port}" in tunnels  # accessible-resources and Jira


def test_the_doctor_reports_the_proxy_without_its_password_and_a_ca_bundle_that_loads(
        tmp_path, sandbox, tls_sandbox, connect_proxy, fake_dns):
    proxy = connect_proxy.url.replace("http://", "http://me:hunter2@")
    app = _single_user(tmp_path, sandbox, tls_sandbox.url("jira.test"), HTTPS_PROXY=proxy,
                       REQUESTS_CA_BUNDLE=str(tls_sandbox.ca_path), NO_PROXY=".corp.example")

    printed = report(run_checks(app))

    assert f"✔ network: https through {connect_proxy.url}; directly for NO_PROXY .corp.example" in printed
    assert f"{tls_sandbox.ca_path}: 1 certificates, trusted instead of the default bundle" in printed
    assert f"(through the proxy {connect_proxy.url})" in printed and "all passed" in printed
    assert "hunter2" not in printed


def test_the_doctor_fails_on_a_ca_bundle_without_certificates(tmp_path, sandbox):
    empty = tmp_path / "empty.pem"
    empty.write_text("not a certificate\n")
    app = _single_user(tmp_path, sandbox, sandbox.url, REQUESTS_CA_BUNDLE=str(empty))

    assert f"✘ CA bundle (REQUESTS_CA_BUNDLE or SSL_CERT_FILE): {empty}" in report(run_checks(app))


@pytest.mark.parametrize(("env", "named"), [
    ({"HTTPS_PROXY": "proxy.corp:3128"}, "HTTPS_PROXY"),
    ({"http_proxy": "socks5://user:secret@proxy.corp"}, "HTTP_PROXY"),
    ({"REQUESTS_CA_BUNDLE": "/nowhere/ca.pem"}, "REQUESTS_CA_BUNDLE"),
    ({"SSL_CERT_FILE": "/nowhere/ca.pem"}, "SSL_CERT_FILE"),
])
def test_a_bad_network_setting_is_refused_naming_its_variable(env, named):
    base = {"JIRA_BASE_URL": "https://team.atlassian.net", "JIRA_EMAIL": "a@b.c", "JIRA_API_TOKEN": "t"}
    with pytest.raises(SettingsError) as refused:
        Settings.from_mapping({**base, **env})

    [problem] = refused.value.problems
    assert problem.startswith(named) and "secret" not in problem


@pytest.mark.parametrize(("host", "port", "no_proxy", "direct"), [
    ("api.atlassian.com", 443, "", False),
    ("api.atlassian.com", 443, "*", True),
    ("api.atlassian.com", 443, "atlassian.com", True),
    ("api.atlassian.com", 443, ".atlassian.com", True),
    ("api.atlassian.com", 443, "*.atlassian.com", True),
    ("notatlassian.com", 443, "atlassian.com", False),
    ("api.atlassian.com", 443, "api.atlassian.com:8443", False),
    ("api.atlassian.com", 8443, "api.atlassian.com:8443", True),
    ("10.1.2.3", 443, "10.0.0.0/8", True),
    ("10.1.2.3", 443, "10.1.2.4", False),
    ("127.0.0.1", 5001, "", True),
    ("localhost", 5001, "", True),
    ("::1", 5001, "", True),
])
def test_no_proxy_follows_curls_rules(host, port, no_proxy, direct):
    assert bypasses_proxy(host, port, no_proxy) is direct


def test_a_network_picks_the_proxy_by_scheme():
    network = Network(https_proxy="http://p:3128", http_proxy="http://q:3128", no_proxy="jira.corp")

    assert network.proxies_for("https://api.atlassian.com/x") == {"https": "http://p:3128"}
    assert network.proxies_for("http://jira.example/x") == {"http": "http://q:3128"}
    assert network.proxies_for("https://jira.corp/x") == {}
