"""Jira's time notation, as the sandbox reads and writes it: ``1w 2d 3h 30m`` <-> seconds.

Jira Cloud's defaults hold: a day is 8 hours and a week 5 days. A bare number means minutes
(the OpenAPI description: "days (#d), hours (#h), or minutes (#m or #)"); w, d and h may carry
decimals (``1.5h``). The sandbox keeps its own copy rather than importing the app's: it stands
in for Jira and must not share code with the client it tests.
"""

import re

MINUTE, HOUR = 60, 3600
DAY = 8 * HOUR
WEEK = 5 * DAY
UNITS = {"w": WEEK, "d": DAY, "h": HOUR, "m": MINUTE}
MAX_SECONDS = 2**31 - 1  # Jira keeps durations as Java ints of seconds
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhm])", re.IGNORECASE)
_WHOLE = re.compile(r"\s*(?:\d+(?:\.\d+)?\s*[wdhm]\s*)+", re.IGNORECASE)
_BARE = re.compile(r"\s*(\d+)\s*")


def parse(text) -> int:
    """Return the seconds ``text`` stands for; raise ValueError when Jira would not read it."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty")
    bare = _BARE.fullmatch(text)
    if bare:
        seconds = int(bare.group(1)) * MINUTE
    elif _WHOLE.fullmatch(text):
        seconds = round(sum(float(amount) * UNITS[unit.lower()] for amount, unit in _PART.findall(text)))
    else:
        raise ValueError("not a duration")
    if seconds > MAX_SECONDS:
        raise ValueError("too long")
    return seconds


def as_text(seconds: int | None) -> str:
    """Return ``seconds`` the way Jira writes a duration (``1w 2d 3h 30m``; ``0m`` for none)."""
    left = max(int(seconds or 0), 0) // MINUTE * MINUTE
    parts = []
    for unit, size in UNITS.items():
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"
