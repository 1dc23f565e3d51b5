"""What the JQL box's script asks for as one types (JSON; the box works without it).

- ``/search/jql/reference``: the fields (with their operators), functions and reserved words of
  Jira's ``jql/autocompletedata``, kept per person and site for ``REFERENCE_TTL`` seconds so
  typing costs one call per person now and then, not one per key.
- ``/search/jql/values?field=&typed=``: values of one field from Jira's suggestions, each with
  ``insert``: the text the query takes, already quoted as JQL needs (``jql.literal``).
"""

from __future__ import annotations

import time

from flask import jsonify, request

from jira_client.api import jql
from jira_client.api.finding import JqlReference
from jira_client.state import app_state, current_strategy
from jira_client.web.jira import get_jira, login_required

REFERENCE_TTL = 600
MAX_CACHED = 1000
MAX_FIELD = 200
MAX_TYPED = 100
MAX_VALUES = 15


@login_required
def reference():
    """Return the JQL reference data for this person (JSON)."""
    data = _reference()
    return jsonify({
        "fields": [{"value": f.value, "name": f.name, "operators": list(f.operators), "orderable": f.orderable,
                    "types": list(f.types)} for f in data.fields],
        "functions": [{"value": f.value, "name": f.name, "isList": f.is_list, "types": list(f.types)}
                      for f in data.functions],
        "reserved": list(data.reserved_words or sorted(jql.RESERVED_WORDS)),
    })


def _reference() -> JqlReference:
    """Return the reference data from the app's cache (keyed by whose credentials), else from Jira."""
    cache = app_state().jql_references
    scope = current_strategy().cache_scope()
    hit = cache.get(scope)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    data = get_jira().jql_reference()
    if len(cache) >= MAX_CACHED:
        cache.clear()  # a crude bound: the data is one call away
    cache[scope] = (time.monotonic() + REFERENCE_TTL, data)
    return data


@login_required
def values():
    """Return the values of ``field`` matching ``typed`` (JSON list of {insert, text})."""
    field = request.args.get("field", "").strip()[:MAX_FIELD]
    typed = request.args.get("typed", "").strip()[:MAX_TYPED]
    found = get_jira().jql_suggestions(field, typed) if field else ()
    return jsonify([{"insert": jql.literal(s.value), "text": s.text} for s in found[:MAX_VALUES]])
