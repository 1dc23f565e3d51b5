"""Fair shares (who is slowed, when) and the hourly window (Jira's reset, else the shared clock)."""

import pytest

from jira_client.quota import policy
from jira_client.quota.ledger import Usage
from jira_client.quota.window import Window, Windows, aligned
from tests.support.clock import FakeClock

HOUR_END = 3600 * 500_001


def usage(spent, person, people=50, points=1000, estimated=None):
    return Usage(window=Window(HOUR_END), points=points, spent=spent, estimated=spent if estimated is None else estimated,
                 person=person, people=people)


@pytest.mark.parametrize("spent, person, people, reason", [
    (490, 480, 2, "quiet"),  # under half: nobody is slowed, however unequal
    (500, 37, 50, "within_share"),  # half: four times the others' average, 4 * 463 / 49 = 37.8
    (500, 38, 50, "over_share"),
    (760, 29, 50, "within_share"),  # 75 %: twice the others' average, 2 * 731 / 49 = 29.8
    (760, 30, 50, "over_share"),
    (900, 18, 50, "within_share"),  # 90 %: the others' average itself, 882 / 49 = 18
    (900, 19, 50, "over_share"),
    (970, 0, 50, "within_share"),  # 97 %: anyone who has spent anything
    (970, 1, 50, "over_share"),
])
def test_the_bar_drops_as_the_hour_is_spent(spent, person, people, reason):
    decision = policy.decide(write=False, expensive=True, usage=usage(spent, person, people))
    assert (decision.allowed, decision.reason) == (reason != "over_share", reason)


def test_cheap_reads_and_writes_always_go_and_an_unknown_ledger_fails_open():
    greedy = usage(990, 900, 2)
    assert policy.decide(write=False, expensive=False, usage=greedy) == policy.CHEAP
    assert policy.decide(write=True, expensive=True, usage=greedy) == policy.WRITE
    assert policy.decide(write=False, expensive=True, usage=None) == policy.UNKNOWN
    assert policy.decide(write=False, expensive=True, usage=greedy) == policy.OVER


def test_a_heavy_user_in_a_small_team_is_measured_against_the_others():
    heavy = usage(520, 400, 4)  # the others spent 120, 40 each: 400 is ten times that
    assert policy.decide(write=False, expensive=True, usage=heavy) == policy.OVER
    assert policy.decide(write=False, expensive=True, usage=usage(520, 40, 4)).allowed


def test_one_person_alone_is_never_above_the_average_until_the_last_points():
    alone = usage(960, 960, 1)
    assert policy.decide(write=False, expensive=True, usage=alone).allowed
    assert not policy.decide(write=False, expensive=True, usage=usage(975, 975, 1)).allowed


def test_windows_are_the_clocks_hours_until_jira_says_when_it_resets():
    clock = FakeClock(HOUR_END - 3600 + 10)
    windows = Windows(clock)
    assert windows.current() == Window(HOUR_END) == aligned(clock())
    learned = windows.learn(resets_in=1000, length=3600)  # Jira's hour is not the clock's
    assert learned == Window(end=HOUR_END - 3600 + 1020, length=3600)  # now + t, to the nearest minute
    assert windows.current() == learned
    clock.advance(1010)  # past Jira's reset: its next hour
    assert windows.current() == Window(end=learned.end + 3600, length=3600)


def test_a_shrunk_window_is_learned_to_the_second_and_the_rounded_up_t_names_the_same_window():
    clock = FakeClock(6000.7)  # windows of 60 s, aligned: this one ends at 6060
    windows = Windows(clock)
    assert windows.learn(resets_in=60, length=60) == Window(6060, 60)  # Jira rounds 59.3 up to 60
    clock.now = 6000.2
    assert windows.learn(resets_in=60, length=60) == Window(6060, 60)
    assert windows.current() == Window(6060, 60)


def test_a_reset_further_than_a_window_is_not_believed():
    windows = Windows(FakeClock(HOUR_END - 100))
    assert windows.learn(resets_in=99999, length=3600) is None
    assert windows.current() == Window(HOUR_END)
