"""JQL help as Jira serves it: ``jql/autocompletedata`` (GET and POST), its ``suggestions``, and ``jql/parse``.

- Reference data lists exactly the fields and functions the sandbox's JQL subset understands
  (``sandbox/jql.py``), each field with the operators it accepts, and Jira's reserved words.
- Suggestions match values of one field (projects and people the caller can see, the catalogs,
  labels in use) whose name, or a word of it, starts with what was typed; ``displayName`` marks
  the match with ``<b>`` and escapes the rest, as Jira does, and ``value`` is what JQL takes.
- ``jql/parse`` answers 200 with one entry per query: ``structure`` when it parses (and, with
  ``validation=strict``, passes the same checks search applies), else ``errors`` in Jira's words.
"""

import html
import re

from flask import Blueprint, request

from sandbox import directory, jql
from sandbox.jira_http import READ, ApiError, api_route, caller, json_body, reply, world
from sandbox.jira_search import compile_checked, visible_issues

bp = Blueprint("jira_jql", __name__)

MAX_SUGGESTIONS = 15
VALIDATIONS = ("strict", "warn", "none")
RESERVED_WORDS = sorted(set("""
abort access add after alias all alter and any as asc audit avg before begin between boolean break by byte
catch cf char character check checkpoint collate collation column commit connect continue count create current
date decimal declare decrement default defaults define delete delimiter desc difference distinct divide do
double drop else empty encoding end equals escape exclusive exec execute exists explain false fetch file field
first float for from function go goto grant greater group having identified if immediate in increment index
initial inner inout input insert int integer intersect intersection into is isempty isnull join last left less
like limit lock long max min minus mode modify modulo more multiply next noaudit not notin nowait null number
object of on option or order outer output power previous prior privileges public raise raw remainder rename
resource return returns revoke right row rowid rownum rows select session set share size sqrt start strict
string subtract sum synonym table then to trans transaction trigger true uid union unique update user validate
values view when whenever where while with
""".split()))
_USER = "com.atlassian.jira.user.ApplicationUser"
_DATE = "java.util.Date"
# canonical name -> (shown name, Java types, orderable); operators come from sandbox/jql.py.
FIELDS = {
    "project": ("project", ["com.atlassian.jira.project.Project"], True),
    "status": ("status", ["com.atlassian.jira.issue.status.Status"], True),
    "statuscategory": ("statusCategory", ["com.atlassian.jira.issue.status.category.StatusCategory"], False),
    "assignee": ("assignee", [_USER], True),
    "reporter": ("reporter", [_USER], True),
    "watcher": ("watcher", [_USER], False),
    "issuetype": ("issuetype", ["com.atlassian.jira.issue.issuetype.IssueType"], True),
    "priority": ("priority", ["com.atlassian.jira.issue.priority.Priority"], True),
    "labels": ("labels", ["com.atlassian.jira.issue.label.Label"], False),
    "key": ("key", ["com.atlassian.jira.issue.Issue"], True),
    "resolution": ("resolution", ["com.atlassian.jira.issue.resolution.Resolution"], False),
    "summary": ("summary", ["java.lang.String"], True),
    "description": ("description", ["java.lang.String"], False),
    "comment": ("comment", ["java.lang.String"], False),
    "text": ("text", ["java.lang.String"], False),
    "created": ("created", [_DATE], True),
    "updated": ("updated", [_DATE], True),
}
FUNCTIONS = [("currentUser", [_USER]), ("now", [_DATE]), ("startOfDay", [_DATE]), ("endOfDay", [_DATE])]
_OPERATOR_ORDER = ["=", "!=", "~", "!~", ">", ">=", "<", "<=", "is", "is not", "in", "not in"]
_BARE = re.compile(r"[A-Za-z0-9_]+")


@api_route(bp, "jql/autocompletedata", READ, methods=("GET", "POST"))
def get_reference_data():
    """Return the fields, functions and reserved words of the sandbox's JQL (POST takes a filter body, ignored)."""
    if request.method == "POST":
        json_body()  # projectIds only narrows custom fields, and the sandbox has none searchable
    operators = jql.field_operators()
    fields = []
    for name, (shown, types, orderable) in FIELDS.items():
        field = {"value": shown, "displayName": shown}
        if orderable:
            field["orderable"] = "true"
        field.update({"searchable": "true",
                      "operators": [op for op in _OPERATOR_ORDER if op in operators[name]], "types": types})
        fields.append(field)
    functions = [{"value": f"{name}()", "displayName": f"{name}()", "types": types} for name, types in FUNCTIONS]
    return reply({"visibleFieldNames": fields, "visibleFunctionNames": functions, "jqlReservedWords": RESERVED_WORDS})


@api_route(bp, "jql/autocompletedata/suggestions", READ)
def get_suggestions():
    """Return the values of ``fieldName`` that match ``fieldValue`` (all of them when it is empty)."""
    field = request.args.get("fieldName", "")
    typed = request.args.get("fieldValue", "").strip().strip("\"'")
    name = {shown.lower(): key for key, (shown, _, _) in FIELDS.items()}.get(field.lower(), field.lower())
    results = []
    for value, label in _candidates(name):
        shown = _highlight(label, typed)
        if shown is not None:
            results.append({"value": value, "displayName": shown})
        if len(results) == MAX_SUGGESTIONS:
            break
    return reply({"results": results})


def _candidates(name: str) -> list[tuple[str, str]]:
    """Return (value, label) pairs of a field's values that the caller may see."""
    who, data = caller(), world()
    if name == "project":
        return [(p["name"], f"{p['name']} ({p['key']})") for p in data.projects() if p["key"] in who.visible_keys()]
    if name in ("assignee", "reporter", "watcher"):
        people = [u for u in directory.USERS if who.cloud_id in u["sites"]]
        return [(u["account_id"], u["display_name"]) for u in people]
    catalogs = {"status": data.statuses, "priority": data.priorities, "issuetype": data.issue_types,
                "resolution": data.resolutions, "statuscategory": list(data.status_categories.values())}
    if name in catalogs:
        return [(item["name"], item["name"]) for item in catalogs[name]]
    if name == "labels":
        labels = sorted({label for issue in visible_issues(who) for label in issue["fields"].get("labels") or ()})
        return [(label, label) for label in labels]
    return []


def _highlight(label: str, typed: str) -> str | None:
    """Return ``label`` escaped with the typed prefix in ``<b>``, or None when no word of it starts so."""
    if not typed:
        return html.escape(label)
    lowered, wanted = label.lower(), typed.lower()
    starts = [0] + [m.end() for m in re.finditer(r"[\s(\-_.]+", label)]
    at = next((i for i in starts if lowered.startswith(wanted, i)), None)
    if at is None:
        return None
    end = at + len(typed)
    return f"{html.escape(label[:at])}<b>{html.escape(label[at:end])}</b>{html.escape(label[end:])}"


@api_route(bp, "jql/parse", READ, methods=("POST",))
def parse_queries():
    """Parse (and, unless ``validation=none``, check) each query; one result per query, in order."""
    validation = request.args.get("validation", "strict")
    if validation not in VALIDATIONS:
        raise ApiError(400, [f"Invalid validation parameter '{validation}'. Valid values are strict, warn and none."])
    queries = json_body().get("queries")
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise ApiError(400, [], {"queries": "The queries must be a list of strings."})
    return reply({"queries": [_parsed(text, validation) for text in queries]})


def _parsed(text: str, validation: str) -> dict:
    try:
        where, order = jql.parse(text)
    except jql.JqlError as exc:
        return {"query": text, "errors": exc.messages}
    errors = []
    if validation != "none":
        try:
            compile_checked(caller(), text)
        except jql.JqlError as exc:
            errors = exc.messages
    if errors and validation == "strict":
        return {"query": text, "errors": errors}
    result = {"query": text, "structure": structure(where, order)}
    if errors:
        result["errors"] = errors
    return result


def structure(where, order: list[tuple[str, bool | None]]) -> dict:
    """Return a parsed query as jql/parse's ``structure``: ``where`` clauses and ``orderBy`` fields."""
    body = {}
    if where is not None:
        body["where"] = _condition(where)
    if order:
        body["orderBy"] = {"fields": [{"field": _field(name), **({} if d is None else {"direction": "desc" if d else "asc"})}
                                      for name, d in order]}
    return body


def _condition(node) -> dict:
    if isinstance(node, tuple):
        kind, body = node
        parts = [body] if kind == "not" else body
        return {"clauses": [_condition(part) for part in parts], "operator": kind}
    operand = node.operand
    if isinstance(operand, list):
        values = [_operand(item) for item in operand]
        shown = ", ".join(v.get("encodedValue") or v.get("encodedOperand") or v.get("keyword", "") for v in values)
        operand_json = {"encodedOperand": f"({shown})", "values": values}
    else:
        operand_json = _operand(operand)
    return {"field": _field(node.field), "operand": operand_json, "operator": node.op}


def _operand(operand) -> dict:
    if operand.kind == "empty":
        return {"keyword": "empty"}
    if operand.kind == "function":
        return {"arguments": list(operand.args), "encodedOperand": f"{operand.text}({', '.join(operand.args)})",
                "function": operand.text}
    return {"encodedValue": _encoded(operand.text), "value": operand.text}


def _field(name: str) -> dict:
    return {"encodedName": _encoded(name), "name": name}


def _encoded(text: str) -> str:
    """Return ``text`` as JQL would write it: bare when it can be, else double-quoted and escaped."""
    if _BARE.fullmatch(text) and text.lower() not in RESERVED_WORDS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
