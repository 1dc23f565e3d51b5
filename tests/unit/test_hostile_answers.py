"""Whatever Jira answers becomes a page with a clear status, never a 500: documents nested past
Python's recursion limit, unbalanced brackets, random JSON of any shape, random bytes, any status."""

from __future__ import annotations

import json
import re

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jira_client.api import json_body
from jira_client.api.client import JiraClient
from jira_client.api.errors import BadResponse
from jira_client.api.transport import create_transport
from tests.support.apps import make_app
from tests.support.stubs import API, ISSUE

DEEP_BLOCKQUOTES = 490  # about 980 JSON levels: what broke the issue page


def nested_blockquotes(levels: int) -> str:
    """Return (as JSON text: too deep for json.dumps) an ADF document of ``levels`` blockquotes, each saying its level."""
    opening = "".join(
        '{"type": "blockquote", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "level %d"}]}, ' % level
        for level in range(1, levels)
    )
    innermost = '{"type": "paragraph", "content": [{"type": "text", "text": "level %d"}]}' % levels
    return '{"type": "doc", "version": 1, "content": [' + opening + innermost + "]}" * (levels - 1) + "]}"


def _issue_with(description_json: str) -> str:
    marker = '"__description__"'
    return json.dumps({**ISSUE, "fields": {**ISSUE["fields"], "description": "__description__"}}).replace(marker, description_json)


def test_a_document_nested_past_the_recursion_limit_renders_what_it_can(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", body=_issue_with(nested_blockquotes(DEEP_BLOCKQUOTES)), content_type="application/json")

    response = client.get("/issues/ACME-1")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Login fails" in page and "First!" in page  # the issue and its comments are all there
    assert "level 1<" in page and "level 150" in page  # the document too, as deep as it could be read


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_brackets_nested_beyond_reason_are_a_bad_answer_page(client, jira_http, body):
    jira_http.get(f"{API}/issue/ACME-1", body=body, content_type="application/json")

    response = client.get("/issues/ACME-1")

    assert response.status_code in (200, 502)
    assert "Something went wrong" not in response.get_data(as_text=True)


def test_the_client_decodes_deep_json_with_the_deepest_part_left_empty():
    deep = "[" * 5_000 + "]" * 5_000
    decoded = json_body.loads(('{"keep": "yes", "deep": ' + deep + "}").encode())

    assert decoded["keep"] == "yes"
    depth, node = 0, decoded["deep"]
    while node:
        node, depth = node[0], depth + 1
    assert 100 <= depth < 5_000


def test_a_deep_answer_with_a_broken_end_is_a_bad_response(jira_http):
    jira_http.get(f"{API}/myself", body="[" * 5_000 + '"x"', content_type="application/json")

    with pytest.raises(BadResponse):
        JiraClient(create_transport(), API.removesuffix("/rest/api/3")).myself()


def test_strings_with_brackets_and_escapes_are_not_mistaken_for_nesting():
    text = '{"a": "[[[{{{\\"]]]", "b": ' + "[" * 3_000 + '"\\\\"' + "]" * 3_000 + "}"

    decoded = json_body.loads(text.encode())

    assert decoded["a"] == '[[[{{{"]]]'


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
SHAPED = st.fixed_dictionaries({}, optional={
    "key": JSON, "id": JSON, "fields": st.dictionaries(st.sampled_from(list(ISSUE["fields"]) + ["x"]), JSON, max_size=8),
    "transitions": JSON, "values": JSON, "issues": JSON, "comments": JSON, "isLast": JSON, "nextPageToken": JSON,
    "startAt": JSON, "total": JSON, "errorMessages": JSON, "errors": JSON,
})
BODIES = st.one_of(
    JSON.map(json.dumps), SHAPED.map(json.dumps), st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.integers(1, 3_000).map(lambda n: "[" * n + "]" * n), st.just(_issue_with(nested_blockquotes(DEEP_BLOCKQUOTES))),
)
STATUSES = st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 409, 410, 413, 422, 429, 500, 502, 503, 504])
PAGES = ["/issues/ACME-1", "/projects", "/projects/ACME", "/search?jql=project%20%3D%20ACME", "/issues/ACME-1/edit",
         "/issues/ACME-1/comments/10000/edit", "/issues/ACME-1/transitions/31", "/projects/ACME/issues/new"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(page=st.sampled_from(PAGES), status=STATUSES, body=BODIES)
def test_any_answer_jira_could_send_becomes_a_clear_page(tmp_path, page, status, body):
    client = make_app(tmp_path).test_client()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as jira:
        for method in (responses.GET, responses.POST):
            jira.add(method, re.compile(re.escape(API) + ".*"), body=body, status=status, content_type="application/json")
        response = client.get(page)

    assert response.status_code != 500, response.get_data(as_text=True)[:500]
    assert "Something went wrong" not in response.get_data(as_text=True)
