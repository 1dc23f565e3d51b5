"""The quota as people meet it, multi_user against the live sandbox (one FakeClock for both sides).

Fair shares: the person far above their share gets a page saying when the hour resets, on
expensive reads only, while everyone else goes on and Jira never refuses. Jira's own refusal and
Jira not answering: a page seen recently comes back from the person's cache with a banner.
"""

import logging
import re

import pytest

from jira_client.observability import metrics
from jira_client.quota.cache import RedisStore
from jira_client.quota.ledger import RedisLedger
from jira_client.quota.window import aligned
from jira_client.state import app_state
from tests.support.forms import comment_form, page
from tests.support.oauth import make_oauth_app, sign_in
from tests.support.quota import sandbox_quota, use_clock
from tests.support.redis_servers import quick_redis
from tests.support.apps import single_user_app
from tests.support.sandbox import configure_sandbox, jira_calls, reset_stats, set_faults


def _search(n: int, project: str = "ACME") -> str:
    """A search of 50 issues (51 points for ACME), different each time so no copy answers it."""
    return f"/search?jql=project%20%3D%20{project}%20AND%20key%20!%3D%20{project}-{n + 1}%20ORDER%20BY%20key"


@pytest.fixture
def team(tmp_path, sandbox, shared_clock):
    """A multi_user app on a 600-point quota, and five people signed in to it: alice, bob, crowd01 to crowd03."""
    configure_sandbox(sandbox, quota_points=600)
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_POINTS_PER_HOUR=600)
    use_clock(app, shared_clock)
    people = {}
    for name in ("alice", "bob", "crowd01", "crowd02", "crowd03"):
        people[name] = app.test_client()
        sign_in(people[name], name, site="acme" if name == "alice" else None)
    return app, people


def test_the_greedy_person_is_slowed_on_searches_while_everyone_else_and_every_write_goes_on(team, sandbox):
    app, people = team
    alice, bob, crowd = people["alice"], people["bob"], people["crowd01"]
    for name, key in (("bob", "OPS-1"), ("crowd01", "ACME-3"), ("crowd02", "WEB-1"), ("crowd03", "ACME-4")):
        page(people[name], f"/issues/{key}")
    slowed_before = metrics.quota_decisions.labels(decision="slow", reason="over_share")._value.get()
    statuses = []
    for n in range(12):
        statuses.append(alice.get(_search(n)).status_code)
        if statuses[-1] != 200:
            break
    assert statuses[:-1] == [200] * (len(statuses) - 1) and statuses[-1] == 429
    refused = alice.get(_search(99))
    html = refused.get_data(as_text=True)
    window_end = aligned(app_state(app).quota.now()).ends_at.strftime("%Y-%m-%d %H:%M UTC")
    assert "Searches paused for you until the hour resets" in html and window_end in html
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    usage = app_state(app).quota.usage(app_state(app).quota.top(1)[1][0][0])
    assert 0.5 <= usage.fraction < 0.75  # five people: four times the average is within alice's reach
    # everyone else, and alice's cheap reads and writes, go on
    assert bob.get(_search(50, "OPS")).status_code == 200
    assert crowd.get("/projects/ACME").status_code == 200
    assert alice.get("/issues/ACME-7").status_code == 200
    posted = alice.post("/issues/ACME-7/comments", data={**comment_form(alice, "ACME-7"), "body": "Still allowed"})
    assert posted.status_code == 302
    assert sandbox_quota(sandbox)["refused"] == {}  # Jira never had to refuse anyone
    assert metrics.quota_decisions.labels(decision="slow", reason="over_share")._value.get() == slowed_before + 2


def test_account_shows_the_persons_use_and_setup_the_hours_top_consumers(tmp_path, sandbox, team):
    app, people = team
    page(people["alice"], _search(1))
    html = page(people["alice"], "/account")
    assert 'id="quota-use"' in html and re.search(r"About <strong>5\d</strong> points of the <strong>600</strong>", html)
    admin_app = make_oauth_app(tmp_path, sandbox.url, JIRA_POINTS_PER_HOUR=600, ADMIN_TOKEN="emergency-admin-token-0123456789abcdef",
                               JIRA_BASE_URL=sandbox.url, JIRA_EMAIL="admin@sandbox.test", JIRA_API_TOKEN="sandbox-admin-api-token",
                               SESSION_CACHELIB=app.config["SESSION_CACHELIB"])
    use_clock(admin_app, app_state(app).quota.ledger.clock)
    admin = admin_app.test_client()
    admin.post("/setup", data={"admin_token": "emergency-admin-token-0123456789abcdef"})
    setup = page(admin, "/setup")
    rows = re.findall(r"<tr><td><code>([0-9a-f]{16})</code></td><td>(\d+)</td>", setup)
    assert rows and int(rows[0][1]) >= 51 and "alice" not in setup  # pseudonyms only
    assert 'id="quota-top"' in setup


def test_when_jira_refuses_for_the_quota_a_recent_page_comes_back_with_a_banner(team, sandbox):
    app, people = team
    alice, bob = people["alice"], people["bob"]
    page(alice, "/issues/ACME-1")
    configure_sandbox(sandbox, quota_points=sandbox_quota(sandbox)["window"]["spent"])  # nothing left
    copy = page(alice, "/issues/ACME-1")
    assert 'id="stale-banner"' in copy and "Shown from a copy saved less than a minute ago" in copy
    assert "Jira refuses this app's requests until its hourly allowance resets at 2027-01-15 09:00 UTC" in copy
    never_seen = alice.get("/issues/ACME-2")
    assert never_seen.status_code == 503 and "hourly allowance for this app is used up" in never_seen.get_data(as_text=True)
    assert int(never_seen.headers["Retry-After"]) > 0
    reset_stats(sandbox)
    assert bob.get("/issues/OPS-2").status_code == 503
    assert jira_calls(sandbox) == []  # while Jira refuses, nobody's page asks it again
    app_state(app).quota.ledger.clock.advance(3600)  # the next hour
    fresh = page(alice, "/issues/ACME-2")
    assert "stale-banner" not in fresh


def test_when_jira_does_not_answer_a_recent_page_comes_back_with_a_banner(team, sandbox):
    app, people = team
    alice = people["alice"]
    page(alice, "/projects")
    app_state(app).quota.ledger.clock.advance(150)
    set_faults(sandbox, {"path": "project/search", "status": 503})
    copy = page(alice, "/projects")
    assert "Shown from a copy saved 2 minutes ago" in copy and "Jira did not answer" in copy
    assert people["bob"].get("/projects").status_code == 503  # bob never saw it: no copy of alice's for him


def test_each_person_has_their_own_cache_and_their_writes_drop_it(tmp_path, sandbox, shared_clock):
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_CACHE_SECONDS=60)
    use_clock(app, shared_clock)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, "alice", site="acme")
    sign_in(bob, "bob")
    reset_stats(sandbox)
    page(alice, "/issues/OPS-4")
    page(alice, "/issues/OPS-4")
    page(bob, "/issues/OPS-4")
    issue_reads = lambda: sum(r["count"] for r in jira_calls(sandbox) if r["method"] == "GET"  # noqa: E731
                              and r["path"].endswith("/issue/{issueIdOrKey}"))
    assert issue_reads() == 2  # alice once (then from her cache), bob his own
    posted = alice.post("/issues/OPS-4/comments", data={**comment_form(alice, "OPS-4"), "body": "Cache test note"})
    assert posted.status_code == 302
    assert "Cache test note" in page(alice, "/issues/OPS-4?comments=last")
    shared_clock.advance(61)
    page(bob, "/issues/OPS-4")
    assert issue_reads() == 2 + 1 + 1  # alice after her write, bob after a minute


def test_single_user_pages_are_cached_for_the_shared_account_and_spend_no_points(tmp_path, sandbox):
    app = single_user_app(sandbox, tmp_path, JIRA_CACHE_SECONDS=60)
    client = app.test_client()
    reset_stats(sandbox)
    for _ in range(3):
        page(client, "/projects")
    assert sum(r["count"] for r in jira_calls(sandbox)) == 1
    assert sandbox_quota(sandbox)["points_spent"] == 0


def test_an_unreachable_redis_never_stops_a_page(tmp_path, sandbox, caplog):
    caplog.set_level(logging.WARNING)
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_CACHE_SECONDS=60)
    dead = quick_redis("redis://127.0.0.1:1/0")
    quota = app_state(app).quota
    quota.ledger, quota.cache.store = RedisLedger(dead, "x:"), RedisStore(dead)
    quota.rest_seconds = 3600  # a store that failed is left alone: one failure each, however many calls
    failures = lambda store: metrics.quota_ledger_failures.labels(store=store)._value.get()  # noqa: E731
    before = {store: failures(store) for store in ("ledger", "cache")}
    client = app.test_client()
    sign_in(client, "alice", site="acme")
    for path in ("/projects", _search(3), "/issues/ACME-5", "/account"):
        assert client.get(path).status_code == 200, path
    posted = client.post("/issues/ACME-5/comments", data={**comment_form(client, "ACME-5"), "body": "Redis is down"})
    assert posted.status_code == 302
    assert {store: failures(store) - before[store] for store in before} == {"ledger": 1, "cache": 1}
    assert "Quota ledger unreachable" in caplog.text and "Quota cache unreachable" in caplog.text


def test_metrics_show_points_spent_and_left_cache_hits_and_decisions(tmp_path, sandbox, shared_clock):
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_CACHE_SECONDS=60)
    use_clock(app, shared_clock)
    client = app.test_client()
    sign_in(client, "alice", site="acme")
    page(client, "/issues/ACME-9")
    page(client, "/issues/ACME-9")
    text = client.get("/metrics").get_data(as_text=True)
    for name in ("jira_web_quota_points_spent_total", "jira_web_quota_points_left", "jira_web_quota_points_limit",
                 'jira_web_read_cache_total{result="hit"}', 'jira_web_read_cache_total{result="miss"}',
                 'jira_web_quota_decisions_total{decision="allow",reason="cheap_read"}'):
        assert name in text, name
    left = float(re.search(r"^jira_web_quota_points_left (\S+)$", text, re.M).group(1))
    assert left == sandbox_quota(sandbox)["window"]["left"]


@pytest.mark.redis
def test_workers_sharing_redis_share_one_ledger(tmp_path, sandbox, shared_clock, redis_client):
    prefix = redis_client.test_prefix
    workers = [make_oauth_app(tmp_path / str(n), sandbox.url, SESSION_TYPE="redis", SESSION_REDIS=redis_client,
                              SESSION_KEY_PREFIX=prefix, JIRA_CACHE_SECONDS=60) for n in (1, 2)]
    for worker in workers:
        use_clock(worker, shared_clock)
    alice, bob = workers[0].test_client(), workers[1].test_client()
    sign_in(alice, "alice", site="acme")
    sign_in(bob, "bob")
    page(alice, _search(7))
    page(bob, "/issues/OPS-3?order=oldest")  # its first 50 comments come with the issue: one call
    seen_by_each = [app_state(worker).quota.top(5)[1] for worker in workers]
    # alice: the query checked (jql/parse, 1 point) and 50 issues found (51); bob: one issue page (2)
    assert seen_by_each[0] == seen_by_each[1] and [points for _, points in seen_by_each[0]] == [52, 2]
    usage = app_state(workers[1]).quota.usage(seen_by_each[0][0][0])
    assert usage.spent == sandbox_quota(sandbox)["window"]["spent"]  # corrected by Jira's count, sign-ins included
    assert any(b":quota:" in key for key in redis_client.scan_iter(f"{prefix}*"))
