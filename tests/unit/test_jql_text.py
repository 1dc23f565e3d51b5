"""JQL as text: quoting values so that nothing typed can leave its string, and rewriting ORDER BY safely.

A quoted value is read back by the sandbox's JQL parser (a separate implementation of Jira's lexer
rules): whatever goes in must come out as exactly one string with the same text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jira_client.api import jql
from sandbox import jql as sandbox_jql


def read_back(literal: str) -> str:
    """Return the one value the sandbox's parser reads from ``labels = <literal>``."""
    where, order = sandbox_jql.parse(f"labels = {literal}")
    assert order == [] and where.operand.kind == "value"
    return where.operand.text


@pytest.mark.parametrize("value, expected", [
    ("plain", '"plain"'),
    ('say "hi"', r'"say \"hi\""'),
    ("back\\slash", r'"back\\slash"'),
    ('end\\"', r'"end\\\""'),
    ("two\nlines\tand\rreturn", r'"two\nlines\tand\rreturn"'),
    ("nul\x00bell\x07del\x7f", r'"nul\u0000bell\u0007del\u007f"'),
    ("c1\x85 nonchar\ufffe", r'"c1\u0085 nonchar\ufffe"'),
    ("ünïcödé ✓ 😀 日本", '"ünïcödé ✓ 😀 日本"'),
    ("' OR project = SECRET", "\"' OR project = SECRET\""),
    ("", '""'),
])
def test_quote_escapes_what_a_jql_string_cannot_hold(value, expected):
    assert jql.quote(value) == expected
    assert read_back(jql.quote(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text_quoted_reads_back_as_itself(value):
    assert read_back(jql.quote(value)) == value


def test_ten_thousand_characters_stay_one_string():
    value = ('"\\' + "ü" + "\n") * 2500
    quoted = jql.quote(value)
    assert len(value) == 10_000
    assert jql.tokenize(f"summary ~ {quoted}")[-1].kind == "string"
    assert read_back(quoted) == value


@pytest.mark.parametrize("value, expected", [
    ("ACME", "ACME"),
    ("In Progress", '"In Progress"'),
    ('"In Progress"', '"In Progress"'),  # Jira's suggestions may come quoted already
    ("712020:00000000-0000-4000-8000-000000000b0b", '"712020:00000000-0000-4000-8000-000000000b0b"'),
    ("order", '"order"'),  # a reserved word
    ("EMPTY", '"EMPTY"'),
    ('"half', '"\\"half"'),
    ('"a" OR "b"', '"\\"a\\" OR \\"b\\""'),  # two strings are not one literal
    ("1.0", '"1.0"'),
])
def test_literal_is_bare_only_for_plain_words(value, expected):
    assert jql.literal(value) == expected


@pytest.mark.parametrize("query, where, keys", [
    ("project = ACME", "project = ACME", []),
    ("project = ACME ORDER BY created DESC", "project = ACME", [("created", True)]),
    ("project = ACME order   by\nupdated, key asc", "project = ACME", [("updated", None), ("key", False)]),
    ('summary ~ "order by" ORDER BY key', 'summary ~ "order by"', [("key", None)]),
    ("summary ~ 'x\\' order by' ORDER BY key", "summary ~ 'x\\' order by'", [("key", None)]),
    ("(labels = a) ORDER BY \"Story Points\" DESC, cf[10010]", "(labels = a)", [('"Story Points"', True), ("cf[10010]", None)]),
    ("ORDER BY rank", "", [("rank", None)]),
    ("labels = order", "labels = order", []),  # "order" without "by" is not a clause
])
def test_split_order_by_finds_only_the_top_level_clause(query, where, keys):
    found_where, found_keys = jql.split_order_by(query)
    assert found_where == where
    assert [(k.field, k.descending) for k in found_keys] == keys


@pytest.mark.parametrize("query, field, descending, expected", [
    ("project = ACME", "updated", True, "project = ACME ORDER BY updated DESC"),
    ("project = ACME ORDER BY created DESC", "key", False, "project = ACME ORDER BY key ASC, created DESC"),
    ("project = ACME ORDER BY key ASC, created DESC", "key", True, "project = ACME ORDER BY key DESC, created DESC"),
    ("project = ACME ORDER BY Key, priority", "key", True, "project = ACME ORDER BY key DESC, priority"),
    ('summary ~ "order by x" order by status', "status", True, 'summary ~ "order by x" ORDER BY status DESC'),
    ("ORDER BY created", "summary", False, "ORDER BY summary ASC, created"),
])
def test_with_order_puts_the_column_first_and_keeps_the_rest(query, field, descending, expected):
    rewritten = jql.with_order(query, field, descending)
    assert rewritten == expected
    sandbox_jql.parse(rewritten)  # still one well-formed query


def test_a_query_with_an_unclosed_string_is_not_rewritten():
    assert jql.with_order('summary ~ "open ORDER BY key', "key", True) is None
    assert jql.current_sort('summary ~ "open ORDER BY key') is None


@pytest.mark.parametrize("field", ["key DESC, summary", "x) OR (project = SECRET", "", "cf[1]", 'a"b'])
def test_with_order_takes_only_plain_field_names(field):
    with pytest.raises(ValueError):
        jql.with_order("project = ACME", field, True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["key", "updated", "priority"]), st.booleans())
def test_rewriting_never_changes_the_condition(value, field, descending):
    query = f"summary ~ {jql.quote(value)} ORDER BY created"
    rewritten = jql.with_order(query, field, descending)
    where, order = sandbox_jql.parse(rewritten)
    assert where.operand.text == value
    assert order[0] == (field, descending) and order[-1] == ("created", None)


def test_current_sort_names_the_first_key():
    sort = jql.current_sort('project = ACME ORDER BY "Updated" DESC, key')
    assert sort.name == "updated" and sort.descending is True
    assert jql.current_sort("project = ACME") is None
