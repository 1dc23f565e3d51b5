"""Comments: paging, order, rendered bodies, adding, and who may edit or delete."""

import pytest

from sandbox import directory, fields
from tests.support.documents import adf

ALICE = directory.user_by("name", "alice")


def test_first_page_holds_a_hundred_at_most(api):
    body = api.get("issue/ACME-42/comment").get_json()
    assert set(body) == {"startAt", "maxResults", "total", "comments"}
    assert body["total"] == 80 and len(body["comments"]) == 80 and body["maxResults"] == 100


def test_pages_walk_the_whole_thread(api):
    seen, start = [], 0
    while True:
        body = api.get(f"issue/OPS-3/comment?startAt={start}&maxResults=25").get_json()
        seen += [c["id"] for c in body["comments"]]
        start += len(body["comments"])
        if start >= body["total"]:
            break
    assert len(seen) == len(set(seen)) == 61
    assert seen == sorted(seen, key=int)


def test_max_results_is_capped(api):
    assert api.get("issue/ACME-42/comment?maxResults=5000").get_json()["maxResults"] == 100


@pytest.mark.parametrize(("order", "newest_first"), [("created", False), ("+created", False), ("-created", True)])
def test_order(api, order, newest_first):
    created = [c["created"] for c in api.get(f"issue/ACME-7/comment?orderBy={order}").get_json()["comments"]]
    assert created == sorted(created, reverse=newest_first)


def test_rendered_body(api):
    comments = api.get("issue/ACME-7/comment?expand=renderedBody&maxResults=3").get_json()["comments"]
    assert all(c["renderedBody"].startswith("<") for c in comments)
    assert "renderedBody" not in api.get("issue/ACME-7/comment?maxResults=1").get_json()["comments"][0]


def test_add_get_edit_delete(api):
    response = api.post("issue/OPS-1/comment", json={"body": adf("First <b>look</b> & notes")})
    assert response.status_code == 201
    added = response.get_json()
    assert {"self", "id", "author", "body", "updateAuthor", "created", "updated", "jsdPublic"} <= set(added)
    assert added["author"]["accountId"] == ALICE["account_id"] and added["body"] == adf("First <b>look</b> & notes")
    one = api.get(f"issue/OPS-1/comment/{added['id']}?expand=renderedBody").get_json()
    assert one["renderedBody"] == "<p>First &lt;b&gt;look&lt;/b&gt; &amp; notes</p>"
    edited = api.put(f"issue/OPS-1/comment/{added['id']}", json={"body": adf("Second look")})
    assert edited.status_code == 200 and edited.get_json()["body"] == adf("Second look")
    assert edited.get_json()["updated"] >= added["updated"]
    assert api.delete(f"issue/OPS-1/comment/{added['id']}").status_code == 204
    assert api.get(f"issue/OPS-1/comment/{added['id']}").status_code == 404


def test_a_new_comment_shows_in_the_issue_and_search(api):
    api.post("issue/OPS-1/comment", json={"body": adf("zebracorn sighting")})
    found = api.get("search/jql", query_string={"jql": "comment ~ zebracorn", "fields": "key"}).get_json()["issues"]
    assert [i["key"] for i in found] == ["OPS-1"]


@pytest.mark.parametrize("body", [{"body": "plain text"}, {"body": {"type": "doc", "content": []}}, {}])
def test_bodies_must_be_adf(api, body):
    response = api.post("issue/OPS-1/comment", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"errorMessages": [], "errors": {"comment": fields.NOT_ADF}}


def _bobs_comment(api):
    return api.post("issue/OPS-1/comment", user="bob", json={"body": adf("bob was here")}).get_json()["id"]


def test_only_the_author_edits(api):
    comment_id = _bobs_comment(api)
    response = api.put(f"issue/OPS-1/comment/{comment_id}", user="alice", json={"body": adf("hijacked")})
    assert response.status_code == 403
    assert response.get_json() == {"errorMessages": ["You currently don't have access to perform this operation."],
                                   "errors": {}}
    assert api.put(f"issue/OPS-1/comment/{comment_id}", user="admin", json={"body": adf("x")}).status_code == 403
    assert api.put(f"issue/OPS-1/comment/{comment_id}", user="bob", json={"body": adf("mine")}).status_code == 200


@pytest.mark.parametrize(("user", "status"), [("alice", 403), ("bob", 204), ("admin", 204)])
def test_author_or_admin_deletes(api, user, status):
    comment_id = _bobs_comment(api)
    assert api.delete(f"issue/OPS-1/comment/{comment_id}", user=user).status_code == status


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "issue/ACME-7/comment"), ("POST", "issue/ACME-7/comment"),
    ("GET", "issue/ACME-7/comment/{id}"), ("PUT", "issue/ACME-7/comment/{id}"), ("DELETE", "issue/ACME-7/comment/{id}"),
])
def test_bob_cannot_reach_acme_comments(api, world, method, path):
    comment_id = world.comments(world.issue("ACME-7")["id"])[0]["id"]
    response = api.call(method, path.format(id=comment_id), user="bob", json={"body": adf("x")})
    assert response.status_code == 404
    assert response.get_json()["errorMessages"] == ["Issue does not exist or you do not have permission to see it."]


def test_a_comment_of_another_issue_is_not_found(api, world):
    comment_id = world.comments(world.issue("ACME-7")["id"])[0]["id"]
    assert api.get(f"issue/ACME-42/comment/{comment_id}").status_code == 404
