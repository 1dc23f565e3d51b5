"""Jira timestamps: the quick reading of Jira's usual shape gives what the strptime formats give, and
the hand-made date on pages is what strftime writes, and "how long ago" counts whole seconds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jira_client.api.models import _parse_time_formats, parse_time
from jira_client.web.templating import ago, when


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-04-28T15:31:13.533+0200", datetime(2026, 4, 28, 15, 31, 13, 533000, timezone(timedelta(hours=2)))),
    ("2026-04-28T15:31:13.533-0230", datetime(2026, 4, 28, 15, 31, 13, 533000, timezone(-timedelta(hours=2, minutes=30)))),
    ("2026-04-28T15:31:13.533+0000", datetime(2026, 4, 28, 15, 31, 13, 533000, timezone.utc)),
    ("2026-04-28T15:31:13+0200", datetime(2026, 4, 28, 15, 31, 13, 0, timezone(timedelta(hours=2)))),
    ("2026-04-28", datetime(2026, 4, 28, tzinfo=timezone.utc)),
])
def test_jira_timestamps_become_aware_datetimes(text, expected):
    parsed = parse_time(text)

    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", [
    "2026-02-30T15:31:13.533+0200", "2026-04-28T24:00:00.000+0200", "2026-04-28T23:59:60.000+0200",
    "2026-04-28T15:31:13.533+0060", "2026-04-28T15:31:13.533+2500", "", "soon",
])
def test_what_is_not_a_time_is_none(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("value", [None, 1714311073, ["2026-04-28"], {"iso": "2026-04-28"}])
def test_what_is_not_a_string_is_none(value):
    assert parse_time(value) is None


@given(st.tuples(
    st.integers(0, 9999), st.integers(0, 19), st.integers(0, 39), st.integers(0, 29), st.integers(0, 69),
    st.integers(0, 69), st.integers(0, 999), st.sampled_from("+-"), st.integers(0, 29), st.integers(0, 99),
))
def test_the_quick_reading_agrees_with_strptime(parts):
    year, month, day, hour, minute, second, millis, sign, zone_hours, zone_minutes = parts
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}{sign}{zone_hours:02d}{zone_minutes:02d}"
    quick, formats = parse_time(text), _parse_time_formats(text)

    assert quick == formats
    assert quick is None or (quick.tzinfo == formats.tzinfo and repr(quick) == repr(formats))


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=11))])))
def test_dates_on_pages_read_as_strftime_writes_them(moment):
    assert when(moment) == moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _words_for(seconds: int) -> str:
    for unit, size in (("year", 31536000), ("month", 2592000), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}{'s' if seconds // size != 1 else ''} ago"
    return "just now"


@given(st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=4000)))
def test_how_long_ago_counts_whole_seconds_and_a_moment_to_come_is_just_now(delta):
    now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    moment = (now - delta).astimezone(timezone(timedelta(hours=3)))  # what Jira's offset gives
    assert ago(moment, now) == _words_for(int(delta.total_seconds()))


def test_how_long_ago_at_the_edges_of_its_units():
    now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    assert [ago(now - timedelta(seconds=s), now) for s in (59.999, 60, 119, 120, 3600, 86399, 86400)] == [
        "just now", "1 minute ago", "1 minute ago", "2 minutes ago", "1 hour ago", "23 hours ago", "1 day ago"]
    assert ago(now + timedelta(microseconds=1), now) == ago(now + timedelta(days=2), now) == "just now"
    assert ago(None) == when(None) == "—"
