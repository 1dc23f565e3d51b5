"""Jira's JSON is read by msgspec, with json's answer (and json's errors) for whatever msgspec refuses."""

from __future__ import annotations

import json
import math

import pytest

from jira_client.api.json_body import loads as decode_json  # what JiraClient decodes every answer with
from tests.support.paths import shared_fixture


@pytest.mark.parametrize("body", [
    b'{"issues": [{"id": "1", "fields": {"summary": "caf\\u00e9 \\ud83d\\ude00"}}], "isLast": true}',
    b'{"total": 123456789012345678901234567890, "x": -0.0, "y": 1.5e-320, "z": 1E5}',
    b'{"a": 1, "a": 2}', b' [] ', b'"text"', b"null",
    b'{"lone": "\\ud800"}', b'\xef\xbb\xbf{"bom": true}', b'{"big": 1e400}',
])
def test_the_answer_is_the_one_json_gives(body):
    assert repr(decode_json(body)) == repr(json.loads(body))


def test_nan_is_read_as_json_reads_it():
    assert math.isnan(decode_json(b'{"a": NaN}')["a"])


@pytest.mark.parametrize("body", [b"[1, 2,]", b'{"a": "\xff"}', b"<html>Bad gateway</html>", b"{"])
def test_what_json_refuses_is_refused_with_a_value_error(body):
    with pytest.raises(ValueError):
        decode_json(body)


def test_a_recorded_search_reads_the_same():
    body = json.dumps(shared_fixture("responses", "nango-cloud-2025-08", "GET-search-jql--200.json")["body"]).encode()

    assert decode_json(body) == json.loads(body)
