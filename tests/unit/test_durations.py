"""Jira's time notation both ways: what people type becomes seconds, seconds become what Jira writes."""

from __future__ import annotations

import pytest

from jira_client.api import durations

H, D, W = 3600, 8 * 3600, 5 * 8 * 3600


@pytest.mark.parametrize(("text", "seconds"), [
    ("1w 2d 3h 30m", W + 2 * D + 3 * H + 30 * 60),
    ("1w2d3h30m", W + 2 * D + 3 * H + 30 * 60),
    ("3h 30m", 3 * H + 30 * 60),
    ("  2D  ", 2 * D),
    ("1.5h", 90 * 60),
    ("90m", 90 * 60),
    ("45", 45 * 60),  # a bare number is minutes, as Jira reads it
    ("30m 1h", 90 * 60),  # any order
    ("10000w", 10000 * W),
])
def test_typed_time_becomes_seconds(text, seconds):
    assert durations.parse(text) == seconds


@pytest.mark.parametrize(("text", "words"), [
    ("", "Enter a time"),
    ("   ", "Enter a time"),
    (None, "Enter a time"),
    ("1x", "would not understand “1x”"),
    ("-2h", "cannot be negative"),
    ("2 hours", "would not understand"),
    ("1h-30m", "would not understand"),
    ("99999w", "longer than Jira can record"),
    ("0m", "at least one minute"),
    ("0", "at least one minute"),
])
def test_times_jira_would_refuse_are_refused_with_a_reason(text, words):
    with pytest.raises(durations.DurationError, match=words):
        durations.parse(text)


@pytest.mark.parametrize(("seconds", "text"), [
    (W + 2 * D + 3 * H + 30 * 60, "1w 2d 3h 30m"),
    (9 * H, "1d 1h"),
    (32400, "1d 1h"),  # the recorded Jira answer says "1d 1h" for 32400 s
    (3600, "1h"),
    (90 * 60, "1h 30m"),
    (59, "0m"),
    (0, "0m"),
    (None, "0m"),
    (2217960, "15w 2d 6m"),  # the recorded Jira timetracking says "15w 2d 6m"
])
def test_seconds_become_jiras_notation(seconds, text):
    assert durations.as_text(seconds) == text


@pytest.mark.parametrize("text", ["1w 2d 3h 30m", "4h", "2d 7h 59m", "1m"])
def test_the_two_ways_meet(text):
    assert durations.as_text(durations.parse(text)) == text


@pytest.mark.parametrize(("typed", "sent"), [("1W  2D", "1w 2d"), ("90", "90m"), (" 3h 30m ", "3h 30m")])
def test_what_is_sent_is_what_was_typed_cleaned(typed, sent):
    assert durations.checked(typed) == sent
