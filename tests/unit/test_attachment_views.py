"""The upload page against stubbed Jira: it alone accepts large bodies (chunked ones too), and says how large is too large."""

from __future__ import annotations

import io

import pytest
from responses import matchers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.support.apps import make_app
from tests.support.forms import once_token
from tests.support.stubs import API, ISSUE

MB = 1024 * 1024
ACTION = "/attachments/upload/ACME-1"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, MAX_CONTENT_LENGTH="4096", MAX_UPLOAD_MB="1")


@pytest.fixture
def client(app):
    return app.test_client()


def issue_page(jira_http) -> None:
    jira_http.get(f"{API}/issue/ACME-1", json={**ISSUE, "fields": {**ISSUE["fields"], "attachment": []}})


def settings(jira_http, limit: int = 50 * MB, enabled: bool = True) -> None:
    jira_http.get(f"{API}/attachment/meta", json={"enabled": enabled, "uploadLimit": limit})


def form(app, *files: tuple[bytes, str]) -> dict:
    return {"once": once_token(app, ACTION), "file": [(io.BytesIO(data), name) for data, name in files]}


def test_the_upload_page_takes_a_body_over_the_apps_limit(app, client, jira_http):
    settings(jira_http)
    jira_http.post(f"{API}/issue/ACME-1/attachments", json=[{"id": "10010", "filename": "big.bin"}],
                   match=[matchers.header_matcher({"X-Atlassian-Token": "no-check"})])
    response = client.post(ACTION, data=form(app, (b"x" * 200_000, "big.bin")))
    assert response.status_code == 302 and response.headers["Location"].endswith("/issues/ACME-1#attachments")


def test_every_other_page_keeps_the_apps_limit(app, client, jira_http):
    response = client.post("/issues/ACME-1/comments", data={"body": "x" * 200_000, "once": once_token(app, "/issues/ACME-1/comments")})
    assert response.status_code == 413
    assert len(jira_http.calls) == 0


def test_a_body_over_max_upload_mb_is_refused_before_jira_hears_of_it(app, client, jira_http):
    issue_page(jira_http)
    response = client.post(ACTION, data=form(app, (b"x" * (MB + 300_000), "huge.bin")))
    assert response.status_code == 413
    assert "one upload may carry at most 1.0 MB" in response.get_data(as_text=True)
    assert [call.request.method for call in jira_http.calls] == ["GET"]  # the issue page again, nothing sent


@pytest.mark.parametrize(("size", "status"), [(300_000, 302), (MB + 300_000, 413)])
def test_chunked_bodies_meet_the_same_limit(app, client, jira_http, size, status):
    if status == 302:
        settings(jira_http)
        jira_http.post(f"{API}/issue/ACME-1/attachments", json=[{"id": "10011", "filename": "chunked.bin"}])
    else:
        issue_page(jira_http)
    environ = EnvironBuilder(path=ACTION, method="POST", data=form(app, (b"y" * size, "chunked.bin"))).get_environ()
    del environ["CONTENT_LENGTH"]  # as a server hands on a chunked body: no length, the stream ends itself
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    _, status_line, _ = run_wsgi_app(app, environ, buffered=True)  # straight to the app: the test client would add a length
    assert int(status_line.split()[0]) == status


def test_a_file_over_jiras_own_limit_is_named_with_the_limit(app, client, jira_http):
    settings(jira_http, limit=1000)
    issue_page(jira_http)
    response = client.post(ACTION, data=form(app, (b"a" * 999, "fits.txt"), (b"b" * 5000, "too big.txt")))
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Too large to attach: too big.txt (4.9 KB). Each file may be at most 1000 bytes." in html
    assert "fits.txt" not in html.split("Too large to attach")[1].split(".")[0]
    assert all(call.request.method == "GET" for call in jira_http.calls)


def test_no_file_and_attachments_turned_off_are_explained(app, client, jira_http):
    issue_page(jira_http)
    response = client.post(ACTION, data={"once": once_token(app, ACTION)})
    assert response.status_code == 400 and "Choose one or more files" in response.get_data(as_text=True)
    settings(jira_http, enabled=False)
    issue_page(jira_http)
    response = client.post(ACTION, data=form(app, (b"z", "z.txt")))
    assert response.status_code == 403 and "attachments turned off" in response.get_data(as_text=True)


def test_jiras_413_is_explained(app, client, jira_http):
    settings(jira_http)
    jira_http.post(f"{API}/issue/ACME-1/attachments", status=413,
                   json={"errorMessages": ["The field file exceeds its maximum permitted size of 1000 bytes."], "errors": {}})
    issue_page(jira_http)
    response = client.post(ACTION, data=form(app, (b"z" * 10, "z.txt")))
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "Jira would not take files this large" in html and "maximum permitted size" in html
