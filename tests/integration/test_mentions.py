"""@mentions end to end against the sandbox: find Bob, mention him in a comment, edit it, create forms."""

from __future__ import annotations

import re

import requests

from tests.support.forms import comment_form
from tests.support.sandbox import call_count, reset_stats, sandbox_admin

BOB = "712020:00000000-0000-4000-8000-000000000b0b"
JSON = {"Accept": "application/json"}
MENTIONS_SCRIPT = r'src="/static/mentions\.js\?v=[0-9a-f]{12}"'  # static URLs carry the file's content hash


def last_comment(sandbox, key: str) -> dict:
    admin = sandbox_admin(sandbox)
    auth = (admin["email"], admin["api_token"])
    url = f"{sandbox.url}/rest/api/3/issue/{key}/comment"
    total = requests.get(url, params={"maxResults": 1}, auth=auth, timeout=5).json()["total"]
    return requests.get(url, params={"startAt": total - 1}, auth=auth, timeout=5).json()["comments"][-1]


def test_a_comment_mentioning_bob_is_stored_as_a_mention_node(sandbox, live_client):
    reset_stats(sandbox)
    people = live_client.get("/issues/OPS-1/people?q=bo", headers=JSON).get_json()
    assert call_count(sandbox) == 1
    bob = next(p for p in people if p["accountId"] == BOB)
    assert bob["mention"] == f"[@Bob Brown](mention:{BOB})"

    form = {**comment_form(live_client, "OPS-1"), "body": f"Thanks {bob['mention']}, **done**."}
    response = live_client.post("/issues/OPS-1/comments", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<span class="adf-mention" data-account-id="{BOB}">@Bob Brown</span>' in html
    assert 'href="mention:' not in html

    comment = last_comment(sandbox, "OPS-1")
    assert comment["body"]["content"][0]["content"][1] == {"type": "mention", "attrs": {"id": BOB, "text": "@Bob Brown"}}

    edit = live_client.get(f"/issues/OPS-1/comments/{comment['id']}/edit").get_data(as_text=True)
    assert f"Thanks [@Bob Brown](mention:{BOB}), **done**." in edit and 'data-mention-url="/issues/OPS-1/people"' in edit


def test_the_forms_offer_people_to_mention(sandbox, live_client):
    issue = live_client.get("/issues/OPS-1").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-mention-url="/issues/OPS-1/people"', issue)
    assert 'href="/issues/OPS-1/people"' in issue and re.search(MENTIONS_SCRIPT, issue)

    edit = live_client.get("/issues/OPS-1/edit").get_data(as_text=True)
    assert 'data-mention-url="/issues/OPS-1/people"' in edit and re.search(MENTIONS_SCRIPT, edit)

    new = live_client.get("/projects/OPS/issues/new?type=10001").get_data(as_text=True)
    assert 'data-mention-url="/projects/OPS/people"' in new
    people = live_client.get("/projects/OPS/people?q=bob", headers=JSON).get_json()
    assert [p["accountId"] for p in people] == [BOB]


def test_without_javascript_a_page_lists_the_mention_text(sandbox, live_client):
    html = live_client.get("/issues/OPS-1/people?q=bob", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'value="[@Bob Brown](mention:{BOB})"' in html
