"""Small helpers for reading paging arguments from the query string."""

from flask import request


def int_arg(name: str, default: int = 0, maximum: int = 100_000) -> int:
    """Return a non-negative integer query argument, or ``default`` when it is absent or junk."""
    value = request.args.get(name, "")
    if not value.isdigit() or len(value) > 7:
        return default
    return min(int(value), maximum)
