"""A post sent by another site is refused on plain http too, where Flask-WTF checks no Referer:
a cross-site ``Origin`` (or ``Sec-Fetch-Site: cross-site``) stops it before the view, even with a valid token."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app
from tests.support.forms import comment_form
from tests.support.sandbox import writes

HERE = "http://localhost"


def _csrf(client) -> str:
    html = client.get("/issues/OPS-1").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _post(client, headers: dict):
    data = {**comment_form(client, "OPS-1"), "csrf_token": _csrf(client), "body": "sent from somewhere"}
    return client.post("/issues/OPS-1/comments", data=data, headers=headers, base_url=HERE)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://localhost:8080"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
], ids=["other-host", "other-host-https", "suffix", "other-port", "null", "fetch-metadata"])
def test_a_cross_site_post_over_plain_http_is_refused_even_with_a_valid_token(tmp_path, sandbox, headers):
    client = single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True).test_client()

    response = _post(client, headers)

    assert response.status_code == 400
    assert writes(sandbox, "POST", "/comment") == 0


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost"},
    {"Origin": "https://localhost"},  # a TLS proxy in front: the browser saw https, the app sees http
    {"Origin": "http://LOCALHOST:80", "Sec-Fetch-Site": "same-origin"},
    {},  # older browsers send no Origin: the CSRF token alone decides
], ids=["same", "same-host-https", "default-port", "none"])
def test_a_same_site_post_goes_through(tmp_path, sandbox, headers):
    client = single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True).test_client()

    assert _post(client, headers).status_code == 302
    assert writes(sandbox, "POST", "/comment") == 1
