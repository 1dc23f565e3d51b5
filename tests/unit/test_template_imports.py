"""The app's Jinja environment: imported macros see the same globals as before, checked in C.

Jinja compares a template's global names with the importing template's on every
``{% from ... import %}``; ``templating.Environment`` gives those names as a set so the check
is cheap. What a template and its imports can see must be exactly what Jinja's own
ChainMap of globals gives.
"""

from __future__ import annotations

import os
from collections import ChainMap

from jinja2 import DictLoader, FileSystemLoader

from jira_client.web.templating import Environment


def test_the_app_renders_with_the_environment(app):
    assert isinstance(app.jinja_env, Environment)


def test_a_templates_global_names_are_its_own_over_the_environments(app):
    template = app.jinja_env.get_template("base.html", globals={"page_only": 1})

    names = template.globals.keys()
    assert isinstance(names, set)
    assert names == set(ChainMap({"page_only": 1}, app.jinja_env.globals))
    assert set(template.globals) == names and len(list(template.globals)) == len(names)  # each name once
    assert dict(template.globals) == dict(ChainMap({"page_only": 1}, app.jinja_env.globals))


def test_imported_macros_see_environment_globals_and_the_importers_own(app):
    app.jinja_env.loader = DictLoader({
        "lib.html": "{% macro shout() %}{{ app_name | upper }}{% endmacro %}{% macro page() %}{{ page_only }}{% endmacro %}",
        "page.html": "{% from 'lib.html' import shout, page %}{{ shout() }} {{ page() }}",
    })
    app.jinja_env.globals["app_name"] = "jira"
    with app.test_request_context("/"):
        template = app.jinja_env.get_template("page.html", globals={"page_only": "mine"})
        assert template.render() == "JIRA mine"


def test_templates_stay_loaded_and_are_still_reloaded_when_auto_reload_is_on(app, tmp_path):
    assert type(app.jinja_env.cache) is dict  # no LRU bookkeeping on every lookup
    (tmp_path / "page.html").write_text("one")
    app.jinja_env.loader = FileSystemLoader(str(tmp_path))
    app.jinja_env.auto_reload = True
    assert app.jinja_env.get_template("page.html").render() == "one"
    (tmp_path / "page.html").write_text("two")
    os.utime(tmp_path / "page.html", (1, 2_000_000_000))
    assert app.jinja_env.get_template("page.html").render() == "two"
