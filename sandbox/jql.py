"""JQL for the sandbox: a parser and evaluator for the subset of Jira's query language it serves.

The search endpoints compile a query once per request (`compile_jql`), keep the issues for which
`Query.matches` is true and order them with `Query.sort`. Issues are dicts in Jira REST v3 shape.
Pure Python: no Flask, no I/O.

Supported subset (keywords, field names and function names are case-insensitive, as in Jira):

- Fields: project, status, statusCategory, assignee, reporter, issuetype (type), priority, labels,
  key (issuekey, issue, id), parent (= key or id), resolution, created (createdDate), updated (updatedDate), and the text
  fields summary, description, comment and text (all three together); watcher when the caller
  passes who watches each issue.
- Operators: `=`, `!=`, `IN`, `NOT IN`, `IS [NOT] EMPTY|NULL` on value and date fields; `<`, `<=`,
  `>`, `>=` on dates; `~`, `!~` on text fields: every word must occur (case-insensitive), a trailing
  `*` matches a word prefix and `"\\"two words\\""` an exact phrase.
- Values: bare words, 'single' or "double" quoted strings with backslash escapes, EMPTY/NULL,
  `(lists, of, values)`, and the functions currentUser(), now(), startOfDay([inc]), endOfDay([inc]).
  People are found by account id, user name, display name or email; `resolution = Unresolved` is
  `resolution IS EMPTY`.
- Dates: yyyy-MM-dd or yyyy/MM/dd, optionally with HH:mm, in the time zone of `now`; periods
  relative to now such as -7d, -2w, -4h, -30m, "4w 2d".
- `AND`/`&&`, `OR`/`||`, `NOT`/`!` and parentheses, NOT binding tighter than AND, AND than OR;
  `ORDER BY field [ASC|DESC], ...` over created, updated, key, priority, status, summary, assignee,
  reporter, issuetype, project, id and rank.

Semantics follow Jira where they surprise: `!=`, `NOT IN` and `!~` never match an empty field;
a date compared with `=` must equal the timestamp exactly; without ASC/DESC, created, updated and
priority sort descending (newest, highest first) and the rest ascending; empty values sort last
ascending and first descending. Without ORDER BY the order is `created DESC`, and ties always
fall back to id DESC.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

UNBOUNDED_MESSAGE = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)
MAX_JQL_LENGTH = 20_000
MAX_NESTING = 100

Predicate = Callable[[dict], bool]
Extract = Callable[[dict], "set[Hashable] | frozenset[Hashable]"]
SortKey = Callable[[dict], tuple]

_SYNTAX = "Error in the JQL Query: "
_VALID_OPERATORS = (
    " The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS'"
    " and 'IS NOT'."
)
_DATE_HELP = (
    "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd',"
    " or a period format e.g. '-5d', '4w 2d'."
)
_RESERVED = frozenset(
    {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"})
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">=", "~", "!~"})
_SYMBOLS = {"&&": "and", "&": "and", "||": "or", "|": "or", "!": "not"}
_LEXEME = re.compile(
    r"""\s*(?:(?P<op>!=|<=|>=|!~|&&|\|\||[=<>~(),&|!])|(?P<word>[^\s"'(),=!<>~&|]+)"""
    r"""|(?P<quote>["'])|(?P<end>\Z))"""
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}

_ALIASES = {
    "project": "project", "status": "status", "statuscategory": "statuscategory",
    "assignee": "assignee", "reporter": "reporter", "issuetype": "issuetype", "type": "issuetype",
    "priority": "priority", "labels": "labels", "key": "key", "issuekey": "key", "issue": "key",
    "id": "key", "resolution": "resolution", "summary": "summary", "description": "description",
    "comment": "comment", "text": "text", "created": "created", "createddate": "created",
    "updated": "updated", "updateddate": "updated", "watcher": "watcher", "parent": "parent",
}
_VALUE_OPS = frozenset({"=", "!=", "in", "not in", "is", "is not"})
_OPERATORS = {
    **dict.fromkeys(("project", "status", "statuscategory", "assignee", "reporter", "issuetype",
                     "priority", "labels", "resolution"), _VALUE_OPS),
    "key": frozenset({"=", "!=", "in", "not in"}),
    "parent": frozenset({"=", "!=", "in", "not in"}),
    **dict.fromkeys(("created", "updated"), _VALUE_OPS | {"<", "<=", ">", ">="}),
    "summary": frozenset({"~", "!~"}),
    "comment": frozenset({"~", "!~"}),
    "description": frozenset({"~", "!~", "is", "is not"}),
    "text": frozenset({"~"}),
    "watcher": _VALUE_OPS,
}
_ORDERINGS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FUNCTIONS = {"currentuser": "currentUser", "now": "now", "startofday": "startOfDay",
              "endofday": "endOfDay"}
_FUNCTIONS_FOR = {
    **dict.fromkeys(("assignee", "reporter", "watcher"), {"currentUser"}),
    **dict.fromkeys(("created", "updated"), {"now", "startOfDay", "endOfDay"}),
}
_SORT_ALIASES = {**_ALIASES, "id": "id", "rank": "id"}
_DESCENDING_BY_DEFAULT = frozenset({"created", "updated", "priority"})

_ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*-\d+")
_ACCOUNT_ID = re.compile(r"\d+:[0-9a-fA-F-]{36}|[0-9a-fA-F]{24}")
_PERIOD = re.compile(r"([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)")
_PERIOD_PART = re.compile(r"(\d+)\s*([wdhm])")
_PERIOD_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_WORD = re.compile(r"\w+")
_TERM = re.compile(r"\*?\w+\*?|\*")
_CATEGORY_ORDER = {"new": 0, "indeterminate": 1, "done": 2}


class JqlError(Exception):
    """Bad or unsupported JQL. .messages is a list[str] worded like Jira's errorMessages."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def compile_jql(
    jql: str,
    *,
    current_account_id: str | None,
    now: dt.datetime,
    users: list[dict],
    known: dict[str, set[str]] | None = None,
    watchers: Extract | None = None,
) -> Query:
    """Parse and check `jql` once; raise JqlError listing everything wrong with it.

    users: [{'account_id', 'name', 'display_name', 'email'}] resolves people in the query.
    known: lower-case field name ('project', 'status', ...) -> accepted lower-case values (keys,
    names, ids); values of those fields outside the set are errors.
    watchers: issue -> the account ids watching it, for the `watcher` field (none without it).
    """
    if len(jql) > MAX_JQL_LENGTH:
        raise JqlError([f"The JQL query is {len(jql)} characters long; the limit is "
                        f"{MAX_JQL_LENGTH}."])
    where, order = _Parser(jql).parse()
    compiler = _Compiler(current_account_id, now, users, known or {}, watchers)
    predicate = compiler.condition(where)[0] if where is not None else None
    sort_keys = compiler.order(order)
    if compiler.errors:
        raise JqlError(compiler.errors)
    return Query(predicate, sort_keys)


def parse(jql: str) -> tuple[object | None, list[tuple[str, bool | None]]]:
    """Return the syntax tree of `jql` (its condition, or None, and its ORDER BY) without checking
    fields or values; raise JqlError on a syntax error. For `jql/parse`'s structure.

    A condition is a clause (with .field, .op and .operand: one operand or a list; an operand
    has .kind "value", "empty" or "function", .text and .args), ("not", condition), or
    ("and" | "or", [conditions]).
    """
    if len(jql) > MAX_JQL_LENGTH:
        raise JqlError([f"The JQL query is {len(jql)} characters long; the limit is "
                        f"{MAX_JQL_LENGTH}."])
    return _Parser(jql).parse()


def field_operators() -> dict[str, frozenset[str]]:
    """Return each supported field's canonical name and the operators it accepts."""
    return dict(_OPERATORS)


class Query:
    """A compiled JQL query: which issues it selects and in what order."""

    def __init__(self, predicate: Predicate | None, order: list[tuple[SortKey, bool]]) -> None:
        self.bounded = predicate is not None
        self._predicate = predicate or (lambda issue: True)
        self._order = order

    def matches(self, issue: dict) -> bool:
        """True when the issue meets the query's restriction (always, for an unbounded query)."""
        return self._predicate(issue)

    def sort(self, issues: list[dict]) -> list[dict]:
        """A new list of the issues in ORDER BY order, ties broken by id DESC."""
        ordered = sorted(issues, key=lambda issue: _number(issue["id"]), reverse=True)
        for key, descending in reversed(self._order):  # stable sorts, last key first
            ordered.sort(key=key, reverse=descending)
        return ordered


# --- Lexing and parsing -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "string", "op" (operators and punctuation) or "end"
    text: str
    pos: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words

    def is_op(self, text: str) -> bool:
        return self.kind == "op" and self.text == text


@dataclass(frozen=True)
class _Operand:
    kind: str  # "value", "empty" or "function"
    text: str  # the value, or the function's name
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Clause:
    field: str
    op: str  # "=", "~", ..., "in", "not in", "is", "is not"
    operand: _Operand | list[_Operand]


# A condition is a _Clause, ("not", condition), or ("and" | "or", [conditions]).
_Node = _Clause | tuple


def _syntax_error(jql: str, pos: int, message: str) -> JqlError:
    line = jql.count("\n", 0, pos) + 1
    column = pos - jql.rfind("\n", 0, pos)
    return JqlError([f"{_SYNTAX}{message} (line {line}, character {column})"])


def _tokenize(jql: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while True:
        match = _LEXEME.match(jql, pos)  # the alternatives cover every character
        kind = match.lastgroup
        start = match.start(kind)
        if kind == "end":
            tokens.append(_Token("end", "", start))
            return tokens
        if kind == "quote":
            text, pos = _read_string(jql, start)
            tokens.append(_Token("string", text, start))
            continue
        text = match.group(kind)
        tokens.append(_Token("word", _SYMBOLS[text], start) if text in _SYMBOLS
                      else _Token(kind, text, start))
        pos = match.end()


def _read_string(jql: str, start: int) -> tuple[str, int]:
    quote, chars, i = jql[start], [], start + 1
    while i < len(jql):
        char = jql[i]
        if char == quote:
            return "".join(chars), i + 1
        if char == "\\" and i + 1 < len(jql):
            escaped = jql[i + 1]
            code = jql[i + 2:i + 6]
            if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", code):
                chars.append(chr(int(code, 16)))
                i += 6
                continue
            chars.append(_ESCAPES.get(escaped, escaped))
            i += 2
            continue
        chars.append(char)
        i += 1
    raise _syntax_error(jql, start,
                        f"The quoted string '{jql[start + 1:]}' has not been completed.")


class _Parser:
    """Recursive descent with an explicit nesting cap, so no input can exhaust the stack."""

    def __init__(self, jql: str) -> None:
        self.jql = jql
        self.tokens = _tokenize(jql)
        self.i = 0
        self.depth = 0

    def parse(self) -> tuple[_Node | None, list[tuple[str, bool | None]]]:
        where = None
        if not (self._peek().kind == "end" or self._peek().is_word("order")):
            where = self._or()
        order = self._order_by() if self._peek().is_word("order") else []
        if self._peek().kind != "end":
            raise self._unexpected("either 'OR' or 'AND'", self._peek())
        return where, order

    def _peek(self) -> _Token:
        return self.tokens[self.i]

    def _next(self) -> _Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def _unexpected(self, expecting: str, token: _Token, hint: str = "") -> JqlError:
        if token.kind == "end":
            return JqlError([f"{_SYNTAX}Expecting {expecting} before the end of the query.{hint}"])
        return _syntax_error(self.jql, token.pos,
                             f"Expecting {expecting} but got '{token.text}'.{hint}")

    def _reserved(self, token: _Token) -> JqlError:
        return _syntax_error(self.jql, token.pos, f"'{token.text}' is a reserved JQL word. You "
                             "must surround it in quotation marks to use it in a query.")

    def _expect_close(self) -> None:
        token = self._next()
        if not token.is_op(")"):
            raise self._unexpected("')'", token)

    def _or(self) -> _Node:
        parts = [self._and()]
        while self._peek().is_word("or"):
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def _and(self) -> _Node:
        parts = [self._unary()]
        while self._peek().is_word("and"):
            self.i += 1
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def _unary(self) -> _Node:
        token = self._peek()
        if not (token.is_word("not") or token.is_op("(")):
            return self._clause()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _syntax_error(self.jql, token.pos, f"The query nests parentheses and NOT more "
                                f"than {MAX_NESTING} levels deep.")
        self.i += 1
        if token.is_word("not"):
            node: _Node = ("not", self._unary())
        else:
            node = self._or()
            self._expect_close()
        self.depth -= 1
        return node

    def _clause(self) -> _Clause:
        token = self._next()
        if token.kind == "word" and token.text.lower() in _RESERVED:
            raise self._reserved(token)
        if token.kind not in ("word", "string"):
            raise self._unexpected("a field name", token)
        return _Clause(token.text, self._operator(), self._operand())

    def _operator(self) -> str:
        token = self._next()
        if token.kind == "op" and token.text in _COMPARISONS:
            return token.text
        if token.is_word("in"):
            return "in"
        if token.is_word("not") and self._peek().is_word("in"):
            self.i += 1
            return "not in"
        if token.is_word("is"):
            if self._peek().is_word("not"):
                self.i += 1
                return "is not"
            return "is"
        raise self._unexpected("operator", token, _VALID_OPERATORS)

    def _operand(self) -> _Operand | list[_Operand]:
        if not self._peek().is_op("("):
            return self._single()
        self.i += 1
        items = [self._single()]
        while self._peek().is_op(","):
            self.i += 1
            items.append(self._single())
        self._expect_close()
        return items

    def _single(self) -> _Operand:
        token = self._next()
        if token.kind == "string":
            return _Operand("value", token.text)
        if token.is_word("empty", "null"):
            return _Operand("empty", token.text)
        if token.kind == "word" and token.text.lower() in _RESERVED:
            raise self._reserved(token)
        if token.kind == "word":
            if self._peek().is_op("("):
                return _Operand("function", token.text, self._arguments())
            return _Operand("value", token.text)
        hint = "" if token.kind == "end" else (
            f" You must surround '{token.text}' in quotation marks to use it as a value.")
        raise self._unexpected("either a value, list or function", token, hint)

    def _arguments(self) -> tuple[str, ...]:
        self.i += 1  # the "("
        if self._peek().is_op(")"):
            self.i += 1
            return ()
        args = []
        while True:
            token = self._next()
            if token.kind not in ("word", "string"):
                raise self._unexpected("a function argument", token)
            args.append(token.text)
            token = self._next()
            if token.is_op(")"):
                return tuple(args)
            if not token.is_op(","):
                raise self._unexpected("either ',' or ')'", token)

    def _order_by(self) -> list[tuple[str, bool | None]]:
        self.i += 1  # the "ORDER"
        token = self._next()
        if not token.is_word("by"):
            raise self._unexpected("'BY'", token)
        fields = []
        while True:
            token = self._next()
            if token.kind not in ("word", "string"):
                raise self._unexpected("a field name", token)
            direction = None
            if self._peek().is_word("asc", "desc"):
                direction = self._next().is_word("desc")
            fields.append((token.text, direction))
            token = self._next()
            if token.kind == "end":
                return fields
            if not token.is_op(","):
                raise self._unexpected("either ',' or the end of the query", token)


# --- Reading issues -------------------------------------------------------------------------------

def _named(field: str) -> Extract:
    """The id, key and name (lower-cased) of an object field such as project or status."""
    def get(issue: dict) -> set[Hashable]:
        value = issue["fields"].get(field)
        if not value:
            return set()
        return {str(value[k]).lower() for k in ("id", "key", "name") if value.get(k)}
    return get


def _person(field: str) -> Extract:
    def get(issue: dict) -> set[Hashable]:
        person = issue["fields"].get(field)
        return {person["accountId"]} if person and person.get("accountId") else set()
    return get


def _status_category(issue: dict) -> set[Hashable]:
    category = (issue["fields"].get("status") or {}).get("statusCategory")
    if not category:
        return set()
    return {str(category[k]).lower() for k in ("id", "key", "name") if k in category}


def _labels(issue: dict) -> set[Hashable]:
    return {label.lower() for label in issue["fields"].get("labels") or ()}


def _issue_key(issue: dict) -> set[Hashable]:
    return {issue["key"].lower(), str(issue["id"])}


def _parent_key(issue: dict) -> set[Hashable]:
    parent = issue["fields"].get("parent")
    return {parent["key"].lower(), str(parent["id"])} if parent else set()


_EXTRACTORS: dict[str, Extract] = {
    "project": _named("project"), "status": _named("status"), "issuetype": _named("issuetype"),
    "priority": _named("priority"), "resolution": _named("resolution"),
    "statuscategory": _status_category, "assignee": _person("assignee"),
    "reporter": _person("reporter"), "labels": _labels, "key": _issue_key, "parent": _parent_key,
}


def _adf_text(doc: object) -> str:
    """The text of an ADF document (or plain string), walked with a stack: documents may be deep."""
    parts, stack = [], [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            if isinstance(node.get("content"), list):
                stack.extend(reversed(node["content"]))
    return " ".join(parts)


def _comments_text(issue: dict) -> str:
    thread = (issue["fields"].get("comment") or {}).get("comments") or ()
    return " ".join(_adf_text(comment.get("body")) for comment in thread)


def _summary_text(issue: dict) -> str:
    return issue["fields"].get("summary") or ""


def _description_text(issue: dict) -> str:
    return _adf_text(issue["fields"].get("description"))


_TEXTS: dict[str, Callable[[dict], str]] = {
    "summary": _summary_text, "description": _description_text, "comment": _comments_text,
    "text": lambda issue: " ".join(
        (_summary_text(issue), _description_text(issue), _comments_text(issue))),
}


def _number(text: str) -> int:
    return int(text) if str(text).isdigit() else 0


def _key_order(issue: dict) -> tuple[str, int]:
    project, _, number = issue["key"].rpartition("-")
    return project.lower(), _number(number)


def _name_of(field: str) -> Callable[[dict], str | None]:
    def get(issue: dict) -> str | None:
        value = issue["fields"].get(field)
        name = value and (value.get("displayName") or value.get("name"))
        return name.lower() if name else None
    return get


def _status_order(issue: dict) -> tuple[int, str] | None:
    status = issue["fields"].get("status")
    if not status:
        return None
    category = (status.get("statusCategory") or {}).get("key")
    return _CATEGORY_ORDER.get(category, 1), status.get("name", "").lower()


def _priority_order(issue: dict) -> int | None:
    priority = issue["fields"].get("priority")
    return -_number(priority["id"]) if priority else None  # id 1 is Highest: it sorts last ASC


_SORT_KEYS: dict[str, Callable[[dict], object]] = {
    "key": _key_order, "priority": _priority_order, "status": _status_order,
    "summary": lambda issue: (issue["fields"].get("summary") or "").lower(),
    "assignee": _name_of("assignee"), "reporter": _name_of("reporter"),
    "issuetype": _name_of("issuetype"), "project": _name_of("project"),
    "id": lambda issue: _number(issue["id"]),
}


class _Memo:
    """Derived values per issue for one Query; keeps the issue so its id() stays unique."""

    def __init__(self) -> None:
        self._values: dict[tuple[int, str], tuple[dict, object]] = {}

    def get(self, issue: dict, name: str, compute: Callable[[dict], object]) -> object:
        hit = self._values.get((id(issue), name))
        if hit is None:
            hit = self._values[(id(issue), name)] = (issue, compute(issue))
        return hit[1]


# --- Compiling conditions into predicates ---------------------------------------------------------

def _membership(get: Extract, wanted: frozenset[Hashable], empty: bool, negated: bool) -> Predicate:
    if negated:  # Jira: != and NOT IN never match an empty field
        return lambda issue: bool(values := get(issue)) and values.isdisjoint(wanted)
    return lambda issue: not values.isdisjoint(wanted) if (values := get(issue)) else empty


class _Compiler:
    """Turns a parsed query into predicates and sort keys, collecting every validation error."""

    def __init__(self, current_account_id: str | None, now: dt.datetime, users: list[dict],
                 known: dict[str, set[str]], watchers: Extract | None = None) -> None:
        self.current_account_id = current_account_id
        self.watchers = watchers or (lambda issue: frozenset())
        self.now = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
        self.known = known
        self.errors: list[str] = []
        self.memo = _Memo()
        self.people: dict[str, set[str]] = {}
        for user in users:
            for handle in ("account_id", "name", "display_name", "email"):
                if user.get(handle):
                    self.people.setdefault(user[handle].lower(), set()).add(user["account_id"])

    def condition(self, node: _Node) -> tuple[Predicate, bool]:
        """The node's predicate, and whether it reads text fields (slow: it walks documents)."""
        if isinstance(node, _Clause):
            return self.clause(node), _ALIASES.get(node.field.lower()) in _TEXTS
        kind, body = node
        if kind == "not":
            inner, slow = self.condition(body)
            return (lambda issue: not inner(issue)), slow
        # Predicates are pure, so the cheap ones may go first and short-circuit the slow ones.
        compiled = sorted((self.condition(part) for part in body), key=lambda pair: pair[1])
        parts = [predicate for predicate, _ in compiled]
        combine = all if kind == "and" else any
        return (lambda issue: combine(part(issue) for part in parts)), compiled[-1][1]

    def clause(self, clause: _Clause) -> Predicate:
        """The predicate for one `field operator operand` clause, after checking it fits."""
        name = _ALIASES.get(clause.field.lower())
        if name is None:
            return self._fail(f"Field '{clause.field}' does not exist or you do not have "
                              "permission to view it.")
        op, operand, field = clause.op, clause.operand, clause.field
        if op not in _OPERATORS[name]:
            return self._fail(f"The operator '{op}' is not supported by the '{field}' field.")
        listed = isinstance(operand, list)
        shown = f"({', '.join(item.text for item in operand)})" if listed else operand.text
        if op in ("in", "not in") and not listed and operand.kind != "function":
            return self._fail(f"The operator '{op}' does not support the non-list value "
                              f"'{shown}' for field '{field}'.")
        if op not in ("in", "not in") and listed:
            return self._fail(f"The operator '{op}' does not support the list value '{shown}' "
                              f"for field '{field}'.")
        operands = operand if listed else [operand]
        if op in ("is", "is not") and operands[0].kind != "empty":
            return self._fail(f"The operator '{op}' only supports searching for EMPTY values.")
        if op not in _VALUE_OPS and operands[0].kind == "empty":
            return self._fail(f"The operator '{op}' does not support searching for EMPTY values.")
        if name in ("summary", "description", "comment", "text"):
            return self._text(name, field, op, operands[0])
        get = (self._dates(name) if name in ("created", "updated")
               else self.watchers if name == "watcher" else _EXTRACTORS[name])
        wanted, empty = self._resolve(name, field, operands)
        if op in _ORDERINGS:
            if not wanted:  # an invalid date, already reported
                return lambda issue: False
            compare, (bound,) = _ORDERINGS[op], wanted
            return lambda issue: any(compare(value, bound) for value in get(issue))
        return _membership(get, frozenset(wanted), empty, op in ("!=", "not in", "is not"))

    def order(self, fields: list[tuple[str, bool | None]]) -> list[tuple[SortKey, bool]]:
        """Sort keys with their direction (True: descending); created DESC when none given."""
        if not fields:
            return [(self._sort_key("created"), True)]
        keys = []
        for field, descending in fields:
            name = _SORT_ALIASES.get(field.lower())
            if name is None:
                self._fail(f"Field '{field}' does not exist or you do not have permission to "
                           "view it.")
            elif name not in _SORT_KEYS and name not in ("created", "updated"):
                self._fail(f"Field '{field}' does not support sorting.")
            else:
                keys.append((self._sort_key(name),
                             name in _DESCENDING_BY_DEFAULT if descending is None else descending))
        return keys

    def _fail(self, message: str) -> Predicate:
        self.errors.append(message)
        return lambda issue: False

    def _sort_key(self, name: str) -> SortKey:
        if name in ("created", "updated"):
            dates = self._dates(name)
            raw = lambda issue: next(iter(dates(issue)), None)  # noqa: E731
        else:
            raw = _SORT_KEYS[name]
        # (0, value) before (1,): empty values last ascending, first descending.
        return lambda issue: (1,) if (value := raw(issue)) is None else (0, value)

    def _dates(self, name: str) -> Extract:
        def parse(issue: dict) -> frozenset[Hashable]:
            stamp = issue["fields"].get(name)
            return frozenset({dt.datetime.fromisoformat(stamp)}) if stamp else frozenset()
        return lambda issue: self.memo.get(issue, name, parse)

    def _text(self, name: str, field: str, op: str, operand: _Operand) -> Predicate:
        def text(issue: dict) -> str:
            return self.memo.get(issue, name, lambda issue: _TEXTS[name](issue).lower())
        if op == "is":
            return lambda issue: _WORD.search(text(issue)) is None
        if op == "is not":
            return lambda issue: _WORD.search(text(issue)) is not None
        if operand.kind != "value":
            return self._fail(f"The field '{field}' only supports searching for text values.")
        patterns = self._patterns(field, operand.text)

        def contains(found: str) -> bool:  # the plain `in` first: it is far faster than \b
            return all(literal in found and pattern.search(found) for literal, pattern in patterns)
        if op == "~":
            return lambda issue: contains(text(issue))
        return lambda issue: (_WORD.search(found := text(issue)) is not None
                              and not contains(found))

    def _patterns(self, field: str, query: str) -> list[tuple[str, re.Pattern]]:
        """For each word of a ~ query, or its one phrase: the text it needs and the regex."""
        terms = _TERM.findall(query.lower())
        if any(term.startswith("*") for term in terms):
            self._fail(f"The text query '{query}' for field '{field}' is not allowed to start "
                       "with a wildcard.")
            return []
        if not terms:
            self._fail(f"The field '{field}' does not support searching for an empty string.")
            return []
        if len(query) > 1 and query[0] == query[-1] == '"':  # "\"an exact phrase\""
            words = [term.strip("*") for term in terms]
            phrase = r"\W+".join(words)
            return [(words[0], re.compile(rf"\b{phrase}\b"))]
        return [(term.rstrip("*"), re.compile(rf"\b{term[:-1]}" if term.endswith("*")
                                               else rf"\b{term}\b")) for term in terms]

    def _resolve(self, name: str, field: str, operands: Iterable[_Operand]) -> tuple[set, bool]:
        """The field values the operands stand for, and whether EMPTY is among them."""
        wanted: set[Hashable] = set()
        empty = False
        for operand in operands:
            if operand.kind == "empty":
                empty = True
            elif operand.kind == "function":
                wanted |= self._call(name, field, operand)
            elif name == "resolution" and operand.text.lower() == "unresolved":
                empty = True
            else:
                wanted |= self._literal(name, field, operand.text)
        return wanted, empty

    def _literal(self, name: str, field: str, text: str) -> set[Hashable]:
        lowered = text.lower()
        if name in ("created", "updated"):
            when = self._date(field, text)
            return {when} if when else set()
        if name in ("assignee", "reporter", "watcher"):
            found = self.people.get(lowered) or ({text} if _ACCOUNT_ID.fullmatch(text) else None)
            if found is None:
                self._fail(f"The value '{text}' does not exist for the field '{field}'.")
            return found or set()
        if name in ("key", "parent") and not (text.isdigit() or _ISSUE_KEY.fullmatch(text)):
            self._fail(f"The issue key '{text}' for field '{field}' is invalid.")
        elif name in self.known and lowered not in self.known[name]:
            self._fail(f"The value '{text}' does not exist for the field '{field}'.")
        return {lowered}

    def _date(self, field: str, text: str) -> dt.datetime | None:
        try:
            period = _period(text)
            if period is not None:
                return self.now + period
            for pattern in _DATE_FORMATS:
                try:
                    moment = dt.datetime.strptime(text.strip(), pattern)
                    return moment.replace(tzinfo=self.now.tzinfo)
                except ValueError:
                    continue
        except OverflowError:
            pass
        self._fail(f"Date value '{text}' for field '{field}' is invalid. {_DATE_HELP}")
        return None

    def _call(self, name: str, field: str, operand: _Operand) -> set[Hashable]:
        function = _FUNCTIONS.get(operand.text.lower())
        if function is None:
            self._fail(f"Unable to find JQL function '{operand.text}({', '.join(operand.args)})'.")
            return set()
        if function not in _FUNCTIONS_FOR.get(name, ()):
            self._fail(f"A value provided by the function '{function}' is invalid for the field "
                       f"'{field}'.")
            return set()
        most = 1 if function in ("startOfDay", "endOfDay") else 0
        if len(operand.args) > most:
            self._fail(f"Function '{function}' expected at most '{most}' arguments but received "
                       f"'{len(operand.args)}'.")
            return set()
        if function == "currentUser":
            return {self.current_account_id} if self.current_account_id else set()
        if function == "now":
            return {self.now}
        increment = _increment(operand.args[0]) if operand.args else dt.timedelta()
        if increment is None:
            self._fail(f"Duration format '{operand.args[0]}' is invalid for function '{function}'.")
            return set()
        start = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        if function == "endOfDay":
            start += dt.timedelta(days=1, milliseconds=-1)
        return {start + increment}


def _period(text: str) -> dt.timedelta | None:
    """A period such as '-7d' or '4w 2d' as a signed timedelta; None if text is not one."""
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        return None
    total = sum((dt.timedelta(**{_PERIOD_UNITS[unit]: int(amount)})
                 for amount, unit in _PERIOD_PART.findall(match[2])), dt.timedelta())
    return -total if match[1] == "-" else total


def _increment(text: str) -> dt.timedelta | None:
    """A function increment: a period, or a bare signed number of days ('-1')."""
    try:
        if re.fullmatch(r"\s*[+-]?\d+\s*", text):
            return dt.timedelta(days=int(text))
        return _period(text)
    except OverflowError:
        return None
