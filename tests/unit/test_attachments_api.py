"""AttachmentsApi against stubbed HTTP: Jira's redirect followed without credentials, errors, uploads, settings."""

from __future__ import annotations

import io

import pytest
from responses import matchers
from responses.registries import OrderedRegistry

from jira_client.api import errors
from jira_client.api.attachments import AttachmentSettings, AttachmentsApi, Upload
from jira_client.api.client import JiraClient
from jira_client.api.models import Attachment
from jira_client.api.transport import create_transport

BASE = "https://jira.test"
API = f"{BASE}/rest/api/3"
MEDIA = "https://api.media.atlassian.com/file/3fcbbbe8-e95e-45d7-8f86-86576cc3d404/binary?token=abc&client=c1&dl=true"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300


@pytest.fixture
def api():
    jira = JiraClient(create_transport(), BASE, ("robot@example.test", "token"), sleep=lambda s: None, request_id="req-1")
    return AttachmentsApi(jira)


def test_the_redirect_is_followed_without_credentials_or_the_clients_headers(jira_http, api):
    jira_http.get(f"{API}/attachment/content/10000", status=303, headers={"Location": MEDIA})
    jira_http.get(MEDIA, body=PNG, headers={"Content-Length": str(len(PNG))})
    download = api.open_content("10000")
    assert download.head() == PNG[:16] and download.length == len(PNG)
    assert b"".join(download.chunks()) == PNG
    to_jira, to_media = jira_http.calls
    assert to_jira.request.headers["Authorization"].startswith("Basic ")
    assert to_jira.request.headers["X-Request-ID"] == "req-1"
    assert "Authorization" not in to_media.request.headers and "X-Request-ID" not in to_media.request.headers
    assert "Cookie" not in to_media.request.headers and to_media.request.headers["Accept-Encoding"] == "identity"


def test_a_relative_redirect_and_a_chain_of_them_are_followed(jira_http, api):
    jira_http.get(f"{API}/attachment/thumbnail/7", status=302, headers={"Location": "https://media.example/first"},
                  match=[matchers.query_param_matcher({"width": "96", "height": "96"})])
    jira_http.get("https://media.example/first", status=307, headers={"Location": "/second"})
    jira_http.get("https://media.example/second", body=b"GIF89a....")
    assert b"".join(api.open_thumbnail("7", 96, 96).chunks()) == b"GIF89a...."
    assert all("Authorization" not in call.request.headers for call in jira_http.calls[1:])


@pytest.mark.parametrize("location", ["http://api.media.atlassian.com/file/x/binary", "javascript:alert(1)",
                                      "file:///etc/passwd", "ftp://media.example/x", ""])
def test_a_redirect_that_leaves_https_or_the_web_is_not_followed(jira_http, api, location):
    jira_http.get(f"{API}/attachment/content/1", status=303, headers={"Location": location} if location else {})
    with pytest.raises(errors.BadResponse):
        api.open_content("1")
    assert len(jira_http.calls) == 1


def test_endless_redirects_end(jira_http, api):
    jira_http.get(f"{API}/attachment/content/1", status=303, headers={"Location": "https://media.example/a"})
    jira_http.get("https://media.example/a", status=302, headers={"Location": "https://media.example/a"})
    with pytest.raises(errors.BadResponse):
        api.open_content("1")
    assert len(jira_http.calls) == 4


@pytest.mark.parametrize(("status", "error"), [(403, errors.PermissionDenied), (404, errors.NotFound), (401, errors.AuthError)])
def test_jiras_refusals_keep_their_meaning(jira_http, api, status, error):
    jira_http.get(f"{API}/attachment/content/9", status=status,
                  json={"errorMessages": ["You do not have permission to view attachment with id: 9"], "errors": {}})
    with pytest.raises(error) as caught:
        api.open_content("9")
    assert caught.value.status == status


@pytest.mark.parametrize(("status", "error"), [(404, errors.NotFound), (401, errors.ServerError), (403, errors.ServerError),
                                               (500, errors.ServerError), (429, errors.RateLimited)])
def test_the_file_stores_refusals_never_look_like_a_failed_sign_in(jira_http, api, status, error):
    jira_http.get(f"{API}/attachment/content/9", status=303, headers={"Location": MEDIA})
    jira_http.get(MEDIA, status=status, json={"error": {"code": "x"}})
    with pytest.raises(error) as caught:
        api.open_content("9")
    assert type(caught.value) is error


def test_a_read_that_jira_asks_to_retry_is_retried(api):
    import responses

    with responses.RequestsMock(registry=OrderedRegistry) as mock:
        mock.get(f"{API}/attachment/content/9", status=503, headers={"Retry-After": "0"})
        mock.get(f"{API}/attachment/content/9", status=303, headers={"Location": MEDIA})
        mock.get(MEDIA, body=b"data")
        assert b"".join(api.open_content("9").chunks()) == b"data"


def test_an_id_that_cannot_be_jiras_is_refused_before_any_call(jira_http, api):
    from jira_client.api.keys import InvalidKey

    for bad in ("../../myself", "0", "1 ", "abc", "١٢"):
        with pytest.raises(InvalidKey):
            api.open_content(bad)
    assert len(jira_http.calls) == 0


def test_an_upload_is_multipart_with_jiras_header_and_is_sent_once(jira_http, api):
    answer = [{"id": "10010", "filename": "a.png", "size": 12, "mimeType": "image/png", "created": 1651316514000,
               "thumbnail": f"{API}/attachment/thumbnail/10010"},
              {"id": "10011", "filename": "notes ü.txt", "size": 5, "mimeType": "text/plain", "created": "2026-11-01T10:00:00.000+0000"}]
    jira_http.post(f"{API}/issue/ACME-1/attachments", json=answer,
                   match=[matchers.header_matcher({"X-Atlassian-Token": "no-check"})])
    added = api.upload("acme-1", [Upload("a.png", io.BytesIO(b"\x89PNG\r\n\x1a\nabcd"), "image/png"),
                                  Upload("notes ü.txt", io.BytesIO(b"hello"), "text/plain")])
    assert [a.id for a in added] == ["10010", "10011"] and added[0].created.year == 2022 and added[0].has_thumbnail
    request = jira_http.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(request.headers["Content-Length"]) > 0
    body = request.body.read() if hasattr(request.body, "read") else request.body
    assert body.count(b'name="file"') == 2 and b"hello" in body and 'filename="notes ü.txt"'.encode() in body


def test_an_upload_is_never_retried(jira_http, api):
    jira_http.post(f"{API}/issue/ACME-1/attachments", status=503, headers={"Retry-After": "0"})
    with pytest.raises(errors.ServerError):
        api.upload("ACME-1", [Upload("a.txt", io.BytesIO(b"x"))])
    assert len(jira_http.calls) == 1


@pytest.mark.parametrize(("body", "expected"), [
    ({"enabled": True, "uploadLimit": 10485760}, AttachmentSettings(True, 10485760)),
    ({"enabled": False, "uploadLimit": 1}, AttachmentSettings(False, 1)),
    ({"uploadLimit": "lots"}, AttachmentSettings(True, None)),
    ([], AttachmentSettings(True, None)),
])
def test_settings_are_read_tolerantly(jira_http, api, body, expected):
    jira_http.get(f"{API}/attachment/meta", json=body)
    assert api.settings() == expected


@pytest.mark.parametrize(("raw", "expected_id"), [
    ({"id": 10000, "filename": "a.png"}, "10000"),  # GET attachment/{id} gives a number
    ({"id": "10001"}, "10001"),
    ({"id": True}, None), ({"id": "../x"}, None), ({}, None), ("junk", None),
])
def test_attachments_are_read_tolerantly(raw, expected_id):
    found = Attachment.from_api(raw)
    assert (found.id if found else None) == expected_id
    if found and not raw.get("filename"):
        assert found.filename == f"attachment-{expected_id}" and found.size is None and found.created is None
