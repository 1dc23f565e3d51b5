"""Settings: read once, validated once, every problem naming its variable."""

from __future__ import annotations

import pytest

from jira_client.settings import Settings, SettingsError, jira_configured
from web_app import create_app

SINGLE = {"JIRA_BASE_URL": "https://team.atlassian.net", "JIRA_EMAIL": "a@b.test", "JIRA_API_TOKEN": "tok"}
STRONG = "k" * 8 + "0f3a9c1e7b5d2486af0e9d3c"  # long and varied (a run of one letter alone is refused)


def problems(env, production=False):
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(env, production=production)
    return caught.value.problems


def test_defaults_to_single_user():
    settings = Settings.from_mapping(SINGLE)
    assert settings.app_mode == "single_user"
    assert settings.oauth_scopes.split()[:4] == ["read:jira-user", "read:jira-work", "write:jira-work", "offline_access"]
    assert settings.atlassian_api_url == "https://api.atlassian.com"


def test_the_default_scopes_cover_every_board_call():
    from jira_client.api import agile

    granted = set(Settings.from_mapping(SINGLE).oauth_scopes.split())
    assert set(agile.ALL_SCOPES) <= granted, sorted(set(agile.ALL_SCOPES) - granted)


def test_an_unknown_mode_is_named():
    [problem] = problems({**SINGLE, "APP_MODE": "both"})
    assert problem.startswith("APP_MODE is 'both'") and "single_user" in problem


@pytest.mark.parametrize("missing", ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"])
def test_single_user_names_each_missing_variable(missing):
    env = {k: v for k, v in SINGLE.items() if k != missing}
    [problem] = problems(env)
    assert problem.startswith(f"{missing} is not set") and "(" in problem  # says what it is for


def test_all_problems_are_reported_at_once():
    found = problems({"APP_MODE": "single_user"})
    assert [p.split()[0] for p in found] == ["JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_BASE_URL"]


def test_a_cloud_id_replaces_the_base_url():
    settings = Settings.from_mapping({"JIRA_CLOUD_ID": "abc", "JIRA_EMAIL": "a@b", "JIRA_API_TOKEN": "t"})
    assert settings.jira_cloud_id == "abc"


def test_multi_user_needs_its_oauth_client():
    found = problems({"APP_MODE": "multi_user"})
    assert [p.split()[0] for p in found] == ["JIRA_OAUTH_CLIENT_ID", "JIRA_OAUTH_CLIENT_SECRET", "JIRA_OAUTH_REDIRECT_URI"]


def test_multi_user_scopes_need_offline_access():
    env = {"APP_MODE": "multi_user", "JIRA_OAUTH_CLIENT_ID": "i", "JIRA_OAUTH_CLIENT_SECRET": "s",
           "JIRA_OAUTH_REDIRECT_URI": "https://app.test/auth/callback", "JIRA_OAUTH_SCOPES": "read:jira-work"}
    [problem] = problems(env)
    assert problem.startswith("JIRA_OAUTH_SCOPES")


@pytest.mark.parametrize("secret", ["", "change-me", "short"])
def test_production_refuses_a_weak_secret_key(secret):
    [problem] = problems({**SINGLE, "SECRET_KEY": secret}, production=True)
    assert problem.startswith("SECRET_KEY")


def test_production_accepts_a_strong_secret_key():
    assert Settings.from_mapping({**SINGLE, "SECRET_KEY": STRONG}, production=True).secret_key == STRONG


def test_a_non_url_is_refused():
    [problem] = problems({**SINGLE, "JIRA_BASE_URL": "team.atlassian.net"})
    assert problem.startswith("JIRA_BASE_URL is 'team.atlassian.net', not an http(s) URL")


def test_the_factory_refuses_a_bad_environment_under_gunicorn():
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app({**SINGLE})  # no TESTING, no local server: production rules


@pytest.mark.parametrize("env, expected", [({}, False), ({"JIRA_BASE_URL": " "}, False), (SINGLE, True), ({"JIRA_CLOUD_ID": "x"}, True)])
def test_jira_configured(env, expected):
    assert jira_configured(env) is expected


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_testing_false_keeps_the_production_rules(value):
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app({**SINGLE, "TESTING": value})


def test_a_malformed_redis_url_is_named():
    [problem] = problems({**SINGLE, "REDIS_URL": "127.0.0.1:6379"})
    assert problem.startswith("REDIS_URL is not a redis://")
