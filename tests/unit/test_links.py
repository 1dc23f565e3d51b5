"""key_url gives exactly the link url_for gives, for plain keys (quick) and for any other (url_for);
templates' url_for gives Flask's URLs, pages without values from what it kept."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from jira_client.web import links
from jira_client.web.links import key_url
from tests.support.apps import make_app
from tests.support.stubs import API, issues_page

KEYS = ["KAN-2", "acme-17", "PROJ_X-123456", "ACME", "A" * 255, "a b", "ÄBC-1", "x/y", "../myself", "%2e", "", "A" * 256]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("endpoint", ["issues.show", "projects.show", "issues.edit"])
def test_the_link_is_the_one_url_for_gives(app, endpoint, key):
    with app.test_request_context("/"):
        assert key_url(endpoint, key) == url_for(endpoint, key=key)


def test_under_a_path_prefix_the_link_keeps_it(app):
    with app.test_request_context("/", base_url="http://localhost/jira/"):
        assert key_url("issues.show", "KAN-2") == url_for("issues.show", key="KAN-2") == "/jira/issues/KAN-2"


def test_list_pages_link_their_rows(client, jira_http):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-1", "ACME-2"]))
    html = client.get("/search?jql=project%3DACME").get_data(as_text=True)

    assert html.count('href="/issues/ACME-1"') == 2 and html.count('href="/issues/ACME-2"') == 2


def test_links_built_under_one_prefix_are_not_given_under_another(app):
    for base, expected in (("http://localhost/", "/issues/KAN-2"), ("http://localhost/jira/", "/jira/issues/KAN-2"),
                           ("http://localhost/", "/issues/KAN-2")):
        with app.test_request_context("/", base_url=base):
            assert key_url("issues.show", "KAN-2") == url_for("issues.show", key="KAN-2") == expected


PAGES = ["projects.index", "home.index", "boards.index", "search.index", "filters.index", "search.quick"]


@pytest.mark.parametrize("base", ["http://localhost/", "http://localhost/jira/"])
def test_templates_url_for_gives_flasks_urls_under_each_prefix(app, base):
    calls = [("projects.index", {}), ("projects.index", {"q": "x y"}), ("issues.show", {"key": "KAN-2", "_anchor": "comments"}),
             ("static", {"filename": "app.css"})] + [(page, {}) for page in PAGES]
    for _ in range(2):  # the second time from what was kept
        for other in ("http://localhost/", base):
            with app.test_request_context("/", base_url=other):
                for endpoint, values in calls:
                    rendered = render_template_string("{{ url_for(endpoint, **values) }}", endpoint=endpoint, values=values)
                    assert rendered == str(escape(url_for(endpoint, **values)))


def test_a_pages_url_is_built_once_per_prefix(app, monkeypatch):
    built = []
    monkeypatch.setattr(links, "url_for", lambda endpoint, **values: built.append(endpoint) or url_for(endpoint, **values))
    for base in ("http://localhost/", "http://localhost/", "http://localhost/jira/"):
        with app.test_request_context("/", base_url=base):
            render_template_string("{{ url_for('projects.index') }}{{ url_for('projects.index') }}")
    assert built == ["projects.index", "projects.index"]  # once under / and once under /jira


def test_requests_under_one_app_context_each_get_their_prefixs_links(app):
    with app.app_context():  # both requests share one app context, and so one g
        for base, expected in (("http://localhost/", "/issues/KAN-2"), ("http://localhost/jira/", "/jira/issues/KAN-2")):
            with app.test_request_context("/", base_url=base):
                assert key_url("issues.show", "KAN-2") == expected
                assert render_template_string("{{ url_for('projects.index') }}") == expected.replace("issues/KAN-2", "projects")


QUERY_NAMES = st.sampled_from(["tab", "order", "comments", "only", "start", "q", "a b", "ü", "_x"])
QUERY_VALUES = st.one_of(st.none(), st.integers(-3, 10**6), st.text(max_size=12),
                         st.sampled_from(["all", "worklog", "customfield_10016", "a b+c&d=e#f", "ÄØ/é?x", "%2F"]))


@given(key=st.sampled_from(["KAN-2", "ACME-17", "a b", "ÄBC-1"]), query=st.dictionaries(QUERY_NAMES, QUERY_VALUES, max_size=3),
       anchor=st.one_of(st.none(), st.sampled_from(["comments", "activity", "x y", "a#b", "é"]), st.text(max_size=8)))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_link_with_a_query_and_an_anchor_is_the_one_url_for_gives(app, key, query, anchor):
    with app.test_request_context("/", base_url="http://localhost/jira/"):
        for endpoint in ("issues.show", "issues.edit"):
            assert key_url(endpoint, key, _anchor=anchor, **query) == url_for(endpoint, key=key, _anchor=anchor, **query)


def test_a_query_name_that_is_part_of_the_path_goes_to_url_for(app):
    with app.test_request_context("/"):
        url = key_url("issues.transition", "KAN-2", transition_id="21")
        assert url == url_for("issues.transition", key="KAN-2", transition_id="21") == "/issues/KAN-2/transitions/21"
        assert key_url("issues.show", "KAN-2", tab=True) == url_for("issues.show", key="KAN-2", tab=True)  # not a str


def test_when_the_map_sorts_query_parameters_links_are_url_fors(tmp_path):
    app = make_app(tmp_path)
    app.url_map.sort_parameters = True
    with app.test_request_context("/"):
        url = key_url("issues.show", "KAN-2", tab="all", order="oldest")
        assert url == url_for("issues.show", key="KAN-2", tab="all", order="oldest") == "/issues/KAN-2?order=oldest&tab=all"
