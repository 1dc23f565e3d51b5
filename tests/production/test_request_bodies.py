"""Request bodies over MAX_CONTENT_LENGTH are refused with 413 however they arrive: with a
Content-Length, or chunked (where Werkzeug alone would read up to the limit and act on what it got)."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

import pytest

from tests.support.apps import single_user_app
from tests.support.forms import comment_form
from tests.support.processes import start_gunicorn
from tests.support.sandbox import admin_get, sandbox_admin, writes

LIMIT = 16 * 1024


def _chunked_post(url: str, path: str, body: bytes, cookie: str = "") -> tuple[int, str]:
    """POST ``body`` to ``path`` with Transfer-Encoding: chunked (no Content-Length); return status and page."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("POST", path, body=iter([body[i:i + 8192] for i in range(0, len(body), 8192)]),
                           headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    except (ConnectionResetError, BrokenPipeError):  # the server may hang up on the unread rest
        return 0, ""
    finally:
        connection.close()


def _comment_body(client, text: str, padding: int = 0) -> bytes:
    """Return a comment form's body; ``padding`` bytes of another field after the comment text."""
    fields = {**comment_form(client, "OPS-1"), "body": text}
    if padding:
        fields["padding"] = "P" * padding
    return urlencode(fields).encode()


def _comments_on_ops_1(sandbox) -> list[str]:
    comments = admin_get(sandbox, "issue/OPS-1/comment", maxResults=100)["comments"]
    return [str(comment["body"]) for comment in comments]


@pytest.mark.parametrize(("text", "padding"), [
    ("AAAA a comment whose form goes on for two more mebibytes", 2 * 1024 * 1024),  # the form's end is cut
    ("AAAA " + "a" * LIMIT, 0),  # the comment itself is cut
])
def test_a_chunked_body_over_the_limit_is_refused_and_nothing_is_posted(tmp_path, sandbox, serve, text, padding):
    app = single_user_app(sandbox, tmp_path, MAX_CONTENT_LENGTH=str(LIMIT))
    client = app.test_client()
    body = _comment_body(client, text, padding)
    url = serve(app)

    status, page = _chunked_post(url, "/issues/OPS-1/comments", body)

    assert status in (413, 0)  # 413, or a hang-up once the page was sent
    assert status == 0 or "too large" in page
    assert writes(sandbox, "POST", "/comment") == 0
    assert not any("AAAA" in comment for comment in _comments_on_ops_1(sandbox))


def test_a_chunked_body_within_the_limit_is_read_whole(tmp_path, sandbox, serve):
    app = single_user_app(sandbox, tmp_path, MAX_CONTENT_LENGTH=str(LIMIT))
    client = app.test_client()
    text = "chunked and whole " + "B" * 10_000 + " END"
    url = serve(app)

    status, _ = _chunked_post(url, "/issues/OPS-1/comments", _comment_body(client, text))

    assert status == 302
    assert writes(sandbox, "POST", "/comment") == 1
    assert any("B" * 10_000 + " END" in comment for comment in _comments_on_ops_1(sandbox))


def test_gunicorn_refuses_a_chunked_body_over_the_limit_too(processes, tmp_path, sandbox):
    admin = sandbox_admin(sandbox)
    _, url = start_gunicorn(
        processes, tmp_path, "chunked", JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"],
        JIRA_API_TOKEN=admin["api_token"], MAX_CONTENT_LENGTH=str(LIMIT),
    )
    body = urlencode({"body": "C" * (2 * 1024 * 1024)}).encode()

    status, _ = _chunked_post(url, "/issues/OPS-1/comments", body)

    assert status in (413, 0)
    assert writes(sandbox, "POST", "/comment") == 0
