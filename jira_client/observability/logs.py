"""JSON lines on stderr for the ``jira_client`` logger tree, and the helpers that feed them.

Every record becomes one JSON object: ``ts``, ``level``, ``logger``, ``event`` (the message) and
the record's ``fields`` (passed as ``extra={"fields": {...}}``). Values are cleaned first: CR and
LF are escaped so a crafted header or key cannot forge a second line even in a plain-text
handler, and long values are cut. Callers pass only what is safe to keep: never a token, a
secret, a cookie or an Authorization header (see ``request_log`` and ``events``).

The handler hangs on the named logger ``jira_client`` with ``propagate`` left on, so pytest's
caplog and any root handler an operator adds still see the records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sys
import time
from typing import Any, Mapping

LOGGER_NAME = "jira_client"
MAX_VALUE_CHARS = 512

log = logging.getLogger(LOGGER_NAME)


# ensure_ascii: U+2028 and kin must not split a line. One encoder for every line: json.dumps with
# options builds a new one each call.
_ENCODE = json.JSONEncoder(ensure_ascii=True, default=str).encode


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line (every request writes one, so the second's text is kept)."""

    def __init__(self) -> None:
        super().__init__()
        self._second: tuple[int, str] = (-1, "")  # the last whole second formatted, and its text

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        line: dict[str, Any] = {
            "ts": f"{self._timestamp(int(record.created))}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": clean(record.getMessage()),
        }
        line.update(clean_fields(getattr(record, "fields", None) or {}))
        if record.exc_info:
            line["exc"] = clean(self.formatException(record.exc_info), limit=8000)
        return _ENCODE(line)

    def _timestamp(self, second: int) -> str:
        """Return ``second`` (epoch) as ``YYYY-MM-DDTHH:MM:SS`` in UTC."""
        kept, text = self._second
        if kept != second:
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = (second, text)  # one tuple: threads see an old pair or a new one, never half
        return text


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (so test capture and redirection work)."""

    @property
    def stream(self):
        """Return the current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """Ignore: the stream is always the current ``sys.stderr``."""


def configure_logging(level: str = "INFO") -> logging.Logger:
    """Attach the JSON stderr handler to the ``jira_client`` logger once, and set its level."""
    if not any(isinstance(handler, StderrHandler) for handler in log.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
    log.setLevel(level)
    return log


def clean(value: object, limit: int = MAX_VALUE_CHARS) -> Any:
    """Return ``value`` safe for one log line: CR/LF escaped, strings cut at ``limit`` characters."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "…"


def clean_fields(fields: Mapping[str, object]) -> dict[str, Any]:
    """Return ``fields`` with every key and value cleaned."""
    return {clean(key, 64): clean(value) for key, value in fields.items()}


def pseudonym(secret: str | bytes, identity: str | None) -> str | None:
    """Return a stable pseudonymous id for ``identity``: HMAC-SHA256 keyed by the app secret, 16 hex."""
    if not identity:
        return None
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()[:16]
