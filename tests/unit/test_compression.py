"""Pages go out gzipped to clients that accept it, and unchanged to the rest."""

from __future__ import annotations

import gzip

import pytest

from tests.support.stubs import API, ISSUE

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def issue_page(jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=ISSUE)
    return "/issues/ACME-1"


def test_a_page_is_gzipped_for_a_client_that_accepts_it(client, issue_page):
    response = client.get(issue_page, headers=GZIP)
    html = gzip.decompress(response.data).decode()

    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.data) < len(html)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Login fails" in html and "</html>" in html


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_a_client_that_does_not_accept_gzip_gets_the_page_as_it_is(client, issue_page, accept):
    response = client.get(issue_page, headers={"Accept-Encoding": accept} if accept else {})

    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.get_data(as_text=True).rstrip().endswith("</html>")


def test_small_answers_and_static_files_are_left_alone(client):
    health = client.get("/healthz", headers=GZIP)
    static = client.get("/static/app.css", headers=GZIP)

    assert "Content-Encoding" not in health.headers
    assert "Content-Encoding" not in static.headers and b"{" in static.data
    static.close()


def test_a_streamed_answer_is_not_buffered_to_compress_it(app):
    @app.get("/_stream")
    def stream():
        return app.response_class((b"x" * 4096 for _ in range(3)), mimetype="text/plain")

    response = app.test_client().get("/_stream", headers=GZIP)

    assert "Content-Encoding" not in response.headers and response.data == b"x" * 4096 * 3
