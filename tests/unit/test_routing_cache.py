"""The test run's shared URL builders (tests/support/routing.py) build what werkzeug's own would."""

from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from sandbox import create_sandbox_app
from tests.support import routing
from tests.support.apps import make_app
from tests.support.oauth import make_oauth_app

SAMPLE_VALUES = {
    "IssueKeyConverter": "ACME-12", "ProjectKeyConverter": "ACME", "NumericIdConverter": "10001",
    "PathConverter": "shots/a b.png", "UnicodeConverter": "10 000/ü", "IntegerConverter": 7, "AnyConverter": "3",
}


def _apps(tmp_path):
    return [make_app(tmp_path / "single"), make_oauth_app(tmp_path / "multi", "http://127.0.0.1:9"), create_sandbox_app()]


def _own_build(rule: Rule, values: dict, append_unknown: bool):
    """Build with a builder werkzeug compiles for this rule alone, as it would without the cache."""
    return routing._compile_builder(rule, append_unknown).__get__(rule, None)(**values)


@pytest.mark.parametrize("append_unknown", [False, True])
def test_every_rule_of_the_app_and_the_sandbox_builds_what_its_own_builder_would(tmp_path, append_unknown):
    rules = [rule for app in _apps(tmp_path) for rule in app.url_map.iter_rules()]
    extra = {"page_token": "a&b", "jql": "project = ACME"} if append_unknown else {}

    for rule in rules:
        values = {name: SAMPLE_VALUES[type(converter).__name__] for name, converter in rule._converters.items()}
        values.update(extra)
        assert rule.build(values, append_unknown) == _own_build(rule, values, append_unknown), rule.rule
    assert len(rules) > 200


def test_a_second_app_reuses_the_first_apps_builders(tmp_path):
    first, second = make_app(tmp_path / "a"), make_app(tmp_path / "b")
    builders = {rule.endpoint: rule._build_unknown.__func__ for rule in first.url_map.iter_rules()}

    assert all(builders[rule.endpoint] is rule._build_unknown.__func__ for rule in second.url_map.iter_rules())


def test_rules_that_differ_only_in_a_default_keep_their_own_builders():
    pages = [Map([Rule("/page/<int:number>", endpoint="page", defaults={"number": n})]).bind("localhost") for n in (1, 2)]

    assert [adapter.build("page") for adapter in pages] == ["/page/1", "/page/2"]
