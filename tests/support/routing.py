"""Compile each URL rule's builders once per test run, not once per app (a plugin module).

When an app registers a rule, werkzeug writes two small Python functions that build its URLs
(``Rule._compile_builder``: an AST, then ``compile``). That is about 0.6 ms a rule and most of
what ``create_app`` costs; the suite builds an app (and often a sandbox) for nearly every test.
A builder depends only on the rule's text, its parsed parts and its defaults, so rules alike in
those share one. ``tests/unit/test_routing_cache.py`` checks that every rule of the app and the
sandbox builds the same URLs either way; werkzeug is pinned in requirements.txt.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def builder_key(rule: Rule, append_unknown: bool) -> tuple:
    """Return what ``rule``'s builder depends on: its text, its parts, and its defaults as they reach the URL."""
    defaults = rule.defaults or {}
    in_the_url = tuple(
        (name, rule._converters[name].to_url(value) if name in rule._converters else None)
        for name, value in defaults.items()
    )
    return rule.rule, append_unknown, tuple(rule._trace), in_the_url


def compile_builder_once(self: Rule, append_unknown: bool = True):
    """``Rule._compile_builder``, remembered by ``builder_key``."""
    key = builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = compile_builder_once
