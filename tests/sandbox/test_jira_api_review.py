"""Answers real Jira gives that clients rely on: malformed ADF refused, removed search gone, races."""

import threading

import pytest

from tests.support.sandbox import basic_headers

DOC = {"type": "doc", "version": 1}
TEXT = {**DOC, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "racing"}]}]}


@pytest.mark.parametrize("content", [
    [{"type": "paragraph", "content": [{"type": "text", "text": 1}]}],
    [{"type": "paragraph", "content": [{"type": "text", "text": "x", "marks": "bold"}]}],
    [{"type": "bulletList", "content": [{"type": "listItem", "content": None}]}],
    [{"type": "paragraph", "attrs": "x"}],
    ["paragraph"],
])
def test_a_malformed_document_is_refused_and_nothing_breaks_later(api, content):
    body = {**DOC, "content": content}
    edit = api.call("PUT", "issue/ACME-4", user="admin", json={"fields": {"description": body}})
    comment = api.post("issue/ACME-4/comment", user="admin", json={"body": body})
    assert edit.status_code == comment.status_code == 400
    assert api.get("issue/ACME-4?expand=renderedFields", user="admin").status_code == 200


@pytest.mark.parametrize("version", ["2", "3"])
def test_the_removed_search_answers_410_like_jira_cloud(client, version):
    response = client.get(f"/rest/api/{version}/search?jql=project=ACME", headers=basic_headers("admin"))
    assert response.status_code == 410 and "CHANGE-2046" in response.get_json()["errorMessages"][0]


def test_an_unknown_rest_path_is_a_json_404(client):
    response = client.get("/rest/api/3/nothing-here", headers=basic_headers("admin"))
    assert response.status_code == 404 and response.is_json


def test_max_results_zero_never_links_to_the_same_page(api):
    body = api.get("search/jql?jql=project=ACME&maxResults=0", user="admin").get_json()
    assert "nextPageToken" not in body


def test_editing_and_deleting_one_comment_at_once_never_fails_with_500(sandbox_app, client):
    from sandbox import directory

    admin = directory.user_by("name", "admin")
    for _ in range(15):
        created = client.post("/rest/api/3/issue/ACME-10/comment", json={"body": TEXT},
                              headers=basic_headers("admin")).get_json()
        path = f"/rest/api/3/issue/ACME-10/comment/{created['id']}"
        statuses, barrier = [], threading.Barrier(2)

        def call(method):
            with sandbox_app.test_client() as own:
                barrier.wait()
                statuses.append(own.open(path, method=method, json={"body": TEXT},
                                         headers=basic_headers(admin["name"])).status_code)

        threads = [threading.Thread(target=call, args=(m,)) for m in ("PUT", "DELETE")]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert 500 not in statuses
