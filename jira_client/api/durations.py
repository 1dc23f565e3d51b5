"""Jira's time notation both ways: ``1w 2d 3h 30m`` <-> seconds.

Jira reads weeks, days, hours and minutes (``w d h m``), in any order, with or without spaces,
decimals allowed (``1.5h``); a bare number is minutes. A day is 8 hours and a week 5 days, Jira
Cloud's defaults (a site may change them, so the app sends what was typed, cleaned, and lets
Jira count; the seconds here are for checking and showing). ``parse`` refuses what Jira would:
nothing, zero, negative or unknown units (``-2h``, ``1x``) and more than Jira can store
(``99999w``), with a message for the person who typed it.
"""

from __future__ import annotations

import re

MINUTE, HOUR = 60, 3600
DAY = 8 * HOUR
WEEK = 5 * DAY
UNITS = {"w": WEEK, "d": DAY, "h": HOUR, "m": MINUTE}
MAX_SECONDS = 2**31 - 1  # Jira keeps durations as 32-bit numbers of seconds
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhm])")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?[wdhm])+")
EXAMPLE = "such as 3h 30m, 2d or 1w 2d 3h 30m"


class DurationError(ValueError):
    """Text that is not a duration Jira would take; the message is for the person."""


def parse(text: str | None) -> int:
    """Return the seconds ``text`` stands for, or raise DurationError saying what is wrong."""
    compact = clean(text).replace(" ", "")
    if not compact:
        raise DurationError(f"Enter a time, {EXAMPLE}.")
    if compact.startswith("-"):
        raise DurationError(f"The time cannot be negative. Enter it {EXAMPLE}.")
    if compact.isdigit():
        seconds = int(compact) * MINUTE
    elif _WHOLE.fullmatch(compact):
        seconds = round(sum(float(amount) * UNITS[unit] for amount, unit in _PART.findall(compact)))
    else:
        raise DurationError(f"Jira would not understand “{text.strip()}”. Use w, d, h and m, {EXAMPLE}.")
    if seconds > MAX_SECONDS:
        raise DurationError("That is longer than Jira can record. Enter a shorter time.")
    if seconds < MINUTE:
        raise DurationError(f"The time must be at least one minute, {EXAMPLE}.")
    return seconds


def clean(text: str | None) -> str:
    """Return ``text`` as Jira should get it: lower case, single spaces, a bare number as minutes."""
    compact = " ".join((text or "").lower().split())
    return f"{compact}m" if compact.isdigit() else compact


def checked(text: str | None) -> str:
    """Return ``text`` cleaned, after ``parse`` accepted it (raises DurationError otherwise)."""
    parse(text)
    return clean(text)


def as_text(seconds: int | None) -> str:
    """Return ``seconds`` in Jira's notation (``1w 2d 3h 30m``), whole minutes; ``0m`` for none."""
    left = max(int(seconds or 0), 0) // MINUTE * MINUTE
    parts = []
    for unit, size in UNITS.items():
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"
