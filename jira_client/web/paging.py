"""Small helpers for reading paging arguments from the query string."""

import re

from flask import request

DIGITS = re.compile(r"[0-9]{1,7}")  # ASCII only: "²".isdigit() is True, but int("²") fails


def int_arg(name: str, default: int = 0, maximum: int = 100_000) -> int:
    """Return a non-negative integer query argument, or ``default`` when it is absent or junk."""
    value = request.args.get(name, "")
    if not DIGITS.fullmatch(value):
        return default
    return min(int(value), maximum)
