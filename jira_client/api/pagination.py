"""One page of a Jira list, whichever of Jira's two paging styles produced it.

- Offset style (``startAt``/``maxResults``/``total``/``isLast``): projects, comments.
- Token style (``nextPageToken``, missing on the last page; no total): ``search/jql``.

The next page starts where this one ended, by what came back rather than by what was asked
for, because Jira caps ``maxResults`` below what a caller requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterator, TypeVar

from jira_client.api.errors import BadResponse

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items of one page; ``next_cursor`` is None on the last page; ``total`` when Jira says."""

    items: tuple[T, ...]
    next_cursor: str | int | None = None
    total: int | None = None
    start_at: int = 0

    @property
    def is_last(self) -> bool:
        return self.next_cursor is None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def offset_page(payload: dict, key: str, parse: Callable[[dict], T]) -> Page[T]:
    """Return a Page from an offset-style body whose items sit under ``key``."""
    _require_object(payload)
    raw = payload.get(key) or []
    items = tuple(parse(item) for item in raw if isinstance(item, dict))
    start = _int(payload.get("startAt"), 0)
    total = _int(payload.get("total"), None)
    end = start + len(raw)
    if payload.get("isLast") is True or not raw:
        last = True
    elif payload.get("isLast") is False:
        last = False
    else:  # comment pages carry no isLast: compare with the total instead
        last = total is None or end >= total
    return Page(items, next_cursor=None if last else end, total=total, start_at=start)


def token_page(payload: dict, key: str, parse: Callable[[dict], T]) -> Page[T]:
    """Return a Page from a token-style body (``nextPageToken``, missing on the last page)."""
    _require_object(payload)
    items = tuple(parse(item) for item in payload.get(key) or [] if isinstance(item, dict))
    token = payload.get("nextPageToken")
    if not isinstance(token, str) or not token or payload.get("isLast") is True:
        token = None
    return Page(items, next_cursor=token)


def _require_object(payload: object) -> None:
    """Raise BadResponse unless a page body is a JSON object (an empty body or a list is not)."""
    if not isinstance(payload, dict):
        raise BadResponse("Jira's page of results could not be read.")


def _int(value: object, default):
    return value if isinstance(value, int) and not isinstance(value, bool) else default
