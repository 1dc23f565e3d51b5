"""A chunked upload (no Content-Length) over MAX_CONTENT_LENGTH reaches Jira whole: the upload page alone
takes large bodies (up to MAX_UPLOAD_MB), while every other page keeps refusing chunked bodies over the limit."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
from html import unescape
from urllib.parse import urlencode, urlsplit

import requests
from requests_toolbelt import MultipartEncoder

from tests.support.apps import single_user_app
from tests.support.forms import form_token, page
from tests.support.processes import start_gunicorn
from tests.support.sandbox import admin_download, admin_get, sandbox_admin, writes

MB = 1024 * 1024
UPLOAD = "/attachments/upload/ACME-1"


def _chunked_post(url: str, path: str, body: bytes, content_type: str, cookie: str = "") -> int:
    """POST ``body`` to ``path`` with Transfer-Encoding: chunked (no Content-Length); return the status (0: hung up)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked", **({"Cookie": cookie} if cookie else {})}
    try:
        connection.request("POST", path, body=iter([body[i:i + 64 * 1024] for i in range(0, len(body), 64 * 1024)]),
                           headers=headers, encode_chunked=True)
        response = connection.getresponse()
        response.read()
        return response.status
    except (ConnectionResetError, BrokenPipeError):  # the server may hang up on the unread rest
        return 0
    finally:
        connection.close()


def _multipart(fields: dict, blob: bytes, name: str) -> tuple[bytes, str]:
    """Return a multipart body holding ``fields`` and one file, and its Content-Type."""
    encoder = MultipartEncoder(fields=[*fields.items(), ("file", (name, blob, "application/octet-stream"))])
    return encoder.to_string(), encoder.content_type


def _attached(sandbox, name: str) -> list[dict]:
    return [a for a in admin_get(sandbox, "issue/ACME-1", fields="attachment")["fields"]["attachment"]
            if a["filename"] == name]


def test_a_chunked_upload_over_the_apps_body_limit_arrives_whole(tmp_path, sandbox, serve):
    app = single_user_app(sandbox, tmp_path, MAX_UPLOAD_MB="4")  # MAX_CONTENT_LENGTH stays at its 1 MB default
    client = app.test_client()
    blob = os.urandom(2 * MB + 12345)
    body, content_type = _multipart({"once": form_token(page(client, "/issues/ACME-1"), UPLOAD)}, blob, "chunked.bin")
    url = serve(app)

    assert _chunked_post(url, UPLOAD, body, content_type) == 302

    assert writes(sandbox, "POST", "/attachments") == 1
    [added] = _attached(sandbox, "chunked.bin")
    assert hashlib.sha256(admin_download(sandbox, added["id"])).digest() == hashlib.sha256(blob).digest()


def test_a_chunked_upload_over_max_upload_mb_is_refused_and_other_pages_keep_the_small_limit(tmp_path, sandbox, serve):
    app = single_user_app(sandbox, tmp_path, MAX_UPLOAD_MB="1")
    client = app.test_client()
    body, content_type = _multipart({"once": form_token(page(client, "/issues/ACME-1"), UPLOAD)},
                                    os.urandom(MB + 300_000), "huge.bin")
    comment = urlencode({"body": "D" * (MB + 300_000)}).encode()
    url = serve(app)

    assert _chunked_post(url, UPLOAD, body, content_type) in (413, 0)  # 413, or a hang-up once the page was sent
    assert _chunked_post(url, "/issues/ACME-1/comments", comment, "application/x-www-form-urlencoded") in (413, 0)

    assert writes(sandbox, "POST", "/attachments") == 0 and writes(sandbox, "POST", "/comment") == 0
    assert _attached(sandbox, "huge.bin") == []


def test_gunicorn_passes_a_chunked_upload_over_one_megabyte_with_csrf_on(processes, tmp_path, sandbox):
    admin = sandbox_admin(sandbox)
    _, url = start_gunicorn(processes, tmp_path, "chunked-upload", JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"],
                            JIRA_API_TOKEN=admin["api_token"], MAX_UPLOAD_MB="4")
    browser = requests.Session()
    html = browser.get(f"{url}/issues/ACME-1", timeout=30).text
    csrf = unescape(re.search(r'action="%s".*?name="csrf_token" value="([^"]+)"' % re.escape(UPLOAD), html, re.S).group(1))
    blob = os.urandom(3 * MB)
    body, content_type = _multipart({"csrf_token": csrf, "once": form_token(html, UPLOAD)}, blob, "gunicorn.bin")
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())

    assert _chunked_post(url, UPLOAD, body, content_type, cookie) == 302

    [added] = _attached(sandbox, "gunicorn.bin")
    assert hashlib.sha256(admin_download(sandbox, added["id"])).digest() == hashlib.sha256(blob).digest()
