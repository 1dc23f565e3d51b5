"""A smaller team on one quota for a simulated hour (bench/crowd.py): counts, never time.

Twelve people, one of them greedy, on a 3000-point quota. Without the governor the quota runs
out in the first third of the hour and most of the team meets error pages; with it, Jira never
refuses, and the greedy person is the only one who meets a page that says to wait.
"""

from bench.crowd import Plan, simulate

PLAN = Plan(people=12, minutes=21, quota_points=3000, greedy_searches=10, visit_chance=0.1, seed=2026)
GREEDY = "crowd01"


def test_unmanaged_the_quota_runs_out_early_and_the_whole_team_meets_errors():
    outcome = simulate(PLAN, managed=False)
    assert outcome.exhausted_at is not None and outcome.exhausted_at < PLAN.minutes // 3
    assert outcome.refused_by_jira > 0 and outcome.minutes_blocked > 0
    assert len(outcome.people_with_errors - {GREEDY}) >= 3


def test_managed_jira_never_refuses_and_only_the_greedy_person_waits():
    outcome = simulate(PLAN, managed=True)
    assert outcome.refused_by_jira == 0 and outcome.minutes_blocked == 0 and outcome.exhausted_at is None
    assert outcome.people_with_errors == {GREEDY}
    assert set(outcome.statuses) <= {200, 302, 429}
    assert outcome.points_spent < PLAN.quota_points and outcome.cache_hits > 0
