"""The sandbox's JQL subset: fields, operators, precedence, dates, ordering, errors and limits."""

import datetime as dt

import pytest

from sandbox.jql import MAX_JQL_LENGTH, UNBOUNDED_MESSAGE, JqlError, compile_jql
from tests.support.documents import adf
from tests.support.work import count_calls

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
ALICE = "712020:00000000-0000-4000-8000-00000000a11c"
BOB = "712020:00000000-0000-4000-8000-000000000b0b"
USERS = [
    {"account_id": ALICE, "name": "alice", "display_name": "Alice Anders",
     "email": "alice@sandbox.test"},
    {"account_id": BOB, "name": "bob", "display_name": "Bob Brown", "email": "bob@sandbox.test"},
]
KNOWN = {
    "project": {"acme", "ops", "10000", "10001", "acme corp", "operations"},
    "status": {"to do", "in progress", "done", "1", "3", "10002"},
    "statuscategory": {"to do", "in progress", "done", "new", "indeterminate", "2", "4", "3"},
    "issuetype": {"bug", "story", "task"},
    "priority": {"highest", "high", "medium", "low", "lowest"},
    "resolution": {"done", "won't do"},
}
CATEGORIES = {
    "new": {"id": 2, "key": "new", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "name": "Done"},
}


def person(account_id):
    name = "Alice Anders" if account_id == ALICE else "Bob Brown"
    return {"accountId": account_id, "displayName": name, "emailAddress": "x@sandbox.test"}


def issue(number, key, summary, *, status, category, assignee=None, reporter=None, kind="Task",
          priority=("3", "Medium"), labels=(), created, updated=None, resolution=None,
          description=None, comments=None):
    project = {"id": "10000", "key": "ACME", "name": "Acme Corp"} if key.startswith("ACME") else {
        "id": "10001", "key": "OPS", "name": "Operations"}
    fields = {
        "summary": summary, "description": description, "project": project,
        "status": {"id": status[0], "name": status[1], "statusCategory": CATEGORIES[category]},
        "assignee": assignee and person(assignee), "reporter": reporter and person(reporter),
        "issuetype": {"id": kind.lower(), "name": kind},
        "priority": {"id": priority[0], "name": priority[1]}, "labels": list(labels),
        "created": created, "updated": updated or created,
        "resolution": resolution and {"id": "1", "name": resolution},
    }
    if comments is not None:
        fields["comment"] = {"comments": [{"body": adf(text)} for text in comments]}
    return {"id": str(number), "key": key, "fields": fields}


ISSUES = [
    issue(10001, "ACME-1", "Login page crashes on Safari", status=("1", "To Do"), category="new",
          assignee=ALICE, reporter=BOB, kind="Bug", priority=("2", "High"),
          labels=["frontend", "urgent"], created="2026-11-20T10:00:00.000+0000",
          updated="2026-11-24T09:00:00.000+0000",
          description=adf("The login button throws an error."), comments=["Reproduced on iPhone"]),
    issue(10009, "ACME-9", "Add export to CSV", status=("3", "In Progress"),
          category="indeterminate", assignee=BOB, reporter=ALICE, kind="Story",
          created="2026-11-10T08:00:00.000+0000", updated="2026-11-25T11:30:00.000+0000"),
    issue(10010, "ACME-10", "Upgrade database driver", status=("10002", "Done"), category="done",
          reporter=ALICE, priority=("4", "Low"), labels=["backend"],
          created="2026-10-01T00:00:00.000+0000", updated="2026-11-01T12:00:00.000+0000",
          resolution="Done", description=adf("Driver 4.2 fixes the pool leak.", "Needs a restart.")),
    issue(10002, "OPS-2", "Rotate TLS certificates", status=("1", "To Do"), category="new",
          assignee=ALICE, priority=("1", "Highest"), labels=["Security"],
          created="2026-11-25T06:00:00.000+0000", comments=["Exporting the logs tomorrow"]),
]


def compile_(jql, **overrides):
    options = {"current_account_id": ALICE, "now": NOW, "users": USERS, "known": KNOWN}
    return compile_jql(jql, **{**options, **overrides})


def search(jql, **overrides):
    query = compile_(jql, **overrides)
    return [found["key"] for found in query.sort([i for i in ISSUES if query.matches(i)])]


def errors(jql, **overrides):
    with pytest.raises(JqlError) as caught:
        compile_(jql, **overrides)
    return caught.value.messages


@pytest.mark.parametrize("jql, expected", [
    # project by key, name or id; case-insensitive keywords, fields and values
    ("project = ACME", {"ACME-1", "ACME-9", "ACME-10"}),
    ("PROJECT = acme", {"ACME-1", "ACME-9", "ACME-10"}),
    ('project = "Acme Corp"', {"ACME-1", "ACME-9", "ACME-10"}),
    ("project = 10001", {"OPS-2"}),
    ("project != ACME", {"OPS-2"}),
    # status and statusCategory
    ('status = "To Do"', {"ACME-1", "OPS-2"}),
    ("status = 10002", {"ACME-10"}),
    ("status in ('In Progress', Done)", {"ACME-9", "ACME-10"}),
    ("status not in ('To Do')", {"ACME-9", "ACME-10"}),
    ('statusCategory = "In Progress"', {"ACME-9"}),
    ("statuscategory = done", {"ACME-10"}),
    ("statusCategory = 2", {"ACME-1", "OPS-2"}),
    ("statusCategory != new", {"ACME-9", "ACME-10"}),
    # people: name, display name, email, account id, currentUser(), EMPTY
    ("assignee = alice", {"ACME-1", "OPS-2"}),
    ('assignee = "Alice Anders"', {"ACME-1", "OPS-2"}),
    ('assignee = "ALICE@sandbox.test"', {"ACME-1", "OPS-2"}),
    (f'assignee = "{BOB}"', {"ACME-9"}),
    ("assignee = currentUser()", {"ACME-1", "OPS-2"}),
    ("Assignee = CURRENTUSER()", {"ACME-1", "OPS-2"}),
    ("assignee in (bob, currentUser())", {"ACME-1", "ACME-9", "OPS-2"}),
    ("assignee != currentUser()", {"ACME-9"}),  # Jira: != skips the unassigned
    ("assignee not in (bob)", {"ACME-1", "OPS-2"}),
    ("assignee is EMPTY", {"ACME-10"}),
    ("assignee = EMPTY", {"ACME-10"}),
    ("assignee IS NULL", {"ACME-10"}),
    ("assignee is not empty", {"ACME-1", "ACME-9", "OPS-2"}),
    ("assignee in (bob, EMPTY)", {"ACME-9", "ACME-10"}),
    ("reporter = alice", {"ACME-9", "ACME-10"}),
    ("reporter is empty", {"OPS-2"}),
    ("reporter = currentUser()", {"ACME-9", "ACME-10"}),
    # issuetype, priority, labels
    ("issuetype = Bug", {"ACME-1"}),
    ("type in (story, task)", {"ACME-9", "ACME-10", "OPS-2"}),
    ("priority = Highest", {"OPS-2"}),
    ("priority in (High, Highest)", {"ACME-1", "OPS-2"}),
    ("labels = urgent", {"ACME-1"}),
    ("labels = security", {"OPS-2"}),
    ("labels in (backend, frontend)", {"ACME-1", "ACME-10"}),
    ("labels != urgent", {"ACME-10", "OPS-2"}),  # Jira: no labels at all is not a match
    ("labels not in (urgent, backend)", {"OPS-2"}),
    ("labels is empty", {"ACME-9"}),
    ("labels is not empty", {"ACME-1", "ACME-10", "OPS-2"}),
    ("labels = nothing-like-this", set()),
    # key, issuekey and id (all one field, as in Jira)
    ("key = ACME-10", {"ACME-10"}),
    ("issuekey = acme-9", {"ACME-9"}),
    ("id = 10002", {"OPS-2"}),
    ("key in (ACME-1, OPS-2, 10009)", {"ACME-1", "ACME-9", "OPS-2"}),
    ("key not in (ACME-1)", {"ACME-9", "ACME-10", "OPS-2"}),
    ("key != ACME-1", {"ACME-9", "ACME-10", "OPS-2"}),
    # resolution
    ("resolution = Done", {"ACME-10"}),
    ("resolution = Unresolved", {"ACME-1", "ACME-9", "OPS-2"}),
    ("resolution is EMPTY", {"ACME-1", "ACME-9", "OPS-2"}),
    ("resolution != Unresolved", {"ACME-10"}),
    ("resolution is not empty", {"ACME-10"}),
])
def test_value_fields(jql, expected):
    assert set(search(jql)) == expected


@pytest.mark.parametrize("jql, expected", [
    ('summary ~ login', {"ACME-1"}),
    ('summary ~ "LOGIN safari"', {"ACME-1"}),  # every word, any order
    ('summary ~ "login firefox"', set()),
    ('summary ~ log', set()),  # whole words only
    ('summary ~ "log*"', {"ACME-1"}),
    ("summary ~ exp*", {"ACME-9"}),
    ('summary !~ login', {"ACME-9", "ACME-10", "OPS-2"}),
    ('summary ~ "\\"page crashes\\""', {"ACME-1"}),  # an exact phrase
    ('summary ~ "\\"crashes page\\""', set()),
    ('description ~ "pool leak"', {"ACME-10"}),
    ('description ~ restart', {"ACME-10"}),  # second paragraph
    ("description is empty", {"ACME-9", "OPS-2"}),
    ("description is not empty", {"ACME-1", "ACME-10"}),
    ("description !~ restart", {"ACME-1"}),  # Jira: empty fields never match !~
    ("comment ~ iphone", {"ACME-1"}),
    ("comment ~ 'export*'", {"OPS-2"}),
    ("text ~ export*", {"ACME-9", "OPS-2"}),  # summary or comment
    ("text ~ button", {"ACME-1"}),  # description
    ("text ~ 'reproduced crashes'", {"ACME-1"}),  # words from different fields
])
def test_text_search(jql, expected):
    assert set(search(jql)) == expected


def test_text_search_walks_deep_documents_without_recursion():
    doc = {"type": "text", "text": "needle"}
    for _ in range(5000):
        doc = {"type": "paragraph", "content": [doc]}
    deep = issue(1, "OPS-1", "Deep", status=("1", "To Do"), category="new",
                 created="2026-11-01T00:00:00.000+0000", description={"type": "doc", "content": [doc]})
    assert compile_("description ~ needle").matches(deep)


@pytest.mark.parametrize("jql, expected", [
    ('created >= "2026-11-20"', {"ACME-1", "OPS-2"}),
    ("created >= 2026/11/20", {"ACME-1", "OPS-2"}),
    ('created > "2026-11-20 10:00"', {"OPS-2"}),
    ('created >= "2026/11/20 10:00"', {"ACME-1", "OPS-2"}),
    ('created < "2026-11-10 08:00"', {"ACME-10"}),
    ('created <= "2026-11-10 08:00"', {"ACME-9", "ACME-10"}),
    ('created = "2026-10-01"', {"ACME-10"}),  # = is the exact instant, as in Jira
    ('created != "2026-10-01"', {"ACME-1", "ACME-9", "OPS-2"}),
    ('created in ("2026-10-01", "2026-11-10 08:00")', {"ACME-9", "ACME-10"}),
    ('createdDate not in ("2026-10-01")', {"ACME-1", "ACME-9", "OPS-2"}),
    ("created > -7d", {"ACME-1", "OPS-2"}),
    ('created > "-7d"', {"ACME-1", "OPS-2"}),
    ("created > -2w", {"ACME-1", "OPS-2"}),
    ("created > -3w", {"ACME-1", "ACME-9", "OPS-2"}),
    ("created > -7h", {"OPS-2"}),
    ("created > -6h", set()),  # 06:00 is not after 06:00
    ("created >= -360m", {"OPS-2"}),
    ('created > "-1w 3d"', {"ACME-1", "OPS-2"}),
    ("created < +1d", {"ACME-1", "ACME-9", "ACME-10", "OPS-2"}),
    ("updated > -1h", {"ACME-9"}),
    ("updatedDate >= startOfDay()", {"ACME-9", "OPS-2"}),
    ("updated >= startOfDay(-1d)", {"ACME-1", "ACME-9", "OPS-2"}),
    ("updated >= startOfDay(-1)", {"ACME-1", "ACME-9", "OPS-2"}),
    ("updated >= startOfDay('+7h')", {"ACME-9"}),
    ("created <= endOfDay(-5d)", {"ACME-1", "ACME-9", "ACME-10"}),
    ("created <= endOfDay()", {"ACME-1", "ACME-9", "ACME-10", "OPS-2"}),
    ("updated < now()", {"ACME-1", "ACME-9", "ACME-10", "OPS-2"}),
    ("created is empty", set()),
    ("created is not empty", {"ACME-1", "ACME-9", "ACME-10", "OPS-2"}),
])
def test_dates(jql, expected):
    assert set(search(jql)) == expected


def test_dates_without_time_zone_use_the_zone_of_now():
    three_hours_east = dt.timezone(dt.timedelta(hours=3))
    # 2026-11-25 06:00 UTC is 09:00 at UTC+3.
    assert search('created >= "2026-11-25 09:00"', now=NOW.astimezone(three_hours_east)) == ["OPS-2"]
    assert search('created >= "2026-11-25 09:00"') == []


def test_naive_now_is_utc():
    assert search("created > -7d", now=NOW.replace(tzinfo=None)) == ["OPS-2", "ACME-1"]


@pytest.mark.parametrize("jql, expected", [
    # NOT binds tighter than AND, AND tighter than OR
    ("project = OPS OR project = ACME AND assignee = bob", {"OPS-2", "ACME-9"}),
    ("(project = OPS OR project = ACME) AND assignee = bob", {"ACME-9"}),
    ("assignee = bob AND project = ACME OR project = OPS", {"ACME-9", "OPS-2"}),
    ("assignee = bob AND (project = ACME OR project = OPS)", {"ACME-9"}),
    ("NOT project = ACME", {"OPS-2"}),
    ("NOT assignee = alice", {"ACME-9", "ACME-10"}),  # unlike !=, NOT keeps the unassigned
    ("NOT project = ACME OR labels = backend", {"OPS-2", "ACME-10"}),
    ("NOT (project = ACME OR labels = backend)", {"OPS-2"}),
    ("NOT NOT project = OPS", {"OPS-2"}),
    ("project = ACME AND NOT status = Done AND NOT labels = urgent", {"ACME-9"}),
    ("((((project = OPS))))", {"OPS-2"}),
    ("project = ACME && assignee = bob || project = OPS", {"ACME-9", "OPS-2"}),
    ("!(project = ACME)", {"OPS-2"}),
    ("project = ACME and priority = low or priority = highest", {"ACME-10", "OPS-2"}),
    ("project\n=\tACME\nAND\nassignee = bob", {"ACME-9"}),
])
def test_logic_and_precedence(jql, expected):
    assert set(search(jql)) == expected


@pytest.mark.parametrize("jql, expected", [
    ("project in (ACME, OPS)", ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),  # created DESC
    ("project in (ACME, OPS) ORDER BY created ASC", ["ACME-10", "ACME-9", "ACME-1", "OPS-2"]),
    ("project in (ACME, OPS) ORDER BY created", ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) order by updated desc", ["ACME-9", "OPS-2", "ACME-1", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY key", ["ACME-1", "ACME-9", "ACME-10", "OPS-2"]),
    ("project in (ACME, OPS) ORDER BY key DESC", ["OPS-2", "ACME-10", "ACME-9", "ACME-1"]),
    ("project in (ACME, OPS) ORDER BY issuekey ASC", ["ACME-1", "ACME-9", "ACME-10", "OPS-2"]),
    ("project in (ACME, OPS) ORDER BY priority", ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY priority ASC", ["ACME-10", "ACME-9", "ACME-1", "OPS-2"]),
    ("project in (ACME, OPS) ORDER BY status, key", ["ACME-1", "OPS-2", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY summary", ["ACME-9", "ACME-1", "OPS-2", "ACME-10"]),
    # empty assignee sorts last ascending, first descending; ties fall back to id DESC
    ("project in (ACME, OPS) ORDER BY assignee", ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY assignee DESC", ["ACME-10", "ACME-9", "OPS-2", "ACME-1"]),
    ("project in (ACME, OPS) ORDER BY assignee ASC, key DESC",
     ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY assignee ASC, created ASC",
     ["ACME-1", "OPS-2", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY project DESC, key ASC",
     ["OPS-2", "ACME-1", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY issuetype, id", ["ACME-1", "ACME-9", "OPS-2", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY reporter", ["ACME-10", "ACME-9", "ACME-1", "OPS-2"]),
    ("project in (ACME, OPS) ORDER BY rank", ["ACME-1", "OPS-2", "ACME-9", "ACME-10"]),
    ("project in (ACME, OPS) ORDER BY id DESC", ["ACME-10", "ACME-9", "OPS-2", "ACME-1"]),
    ("project in (ACME, OPS) ORDER BY status DESC", ["ACME-10", "ACME-9", "OPS-2", "ACME-1"]),
    ("ORDER BY key", ["ACME-1", "ACME-9", "ACME-10", "OPS-2"]),
])
def test_order(jql, expected):
    assert search(jql) == expected


def test_keys_sort_by_number_not_text():
    many = [issue(20000 + n, f"ACME-{n}", "x", status=("1", "To Do"), category="new",
                  created="2026-11-01T00:00:00.000+0000") for n in (10, 9, 100, 1, 11, 2)]
    ordered = compile_("project = ACME ORDER BY key").sort(many)
    assert [found["key"] for found in ordered] == [f"ACME-{n}" for n in (1, 2, 9, 10, 11, 100)]


def test_sort_returns_a_new_list_and_leaves_issues_untouched():
    snapshot = repr(ISSUES)
    query = compile_("text ~ export* ORDER BY key")
    issues = list(ISSUES)
    assert query.sort(issues) is not issues
    assert [query.matches(found) for found in ISSUES] == [False, True, False, True]
    assert repr(ISSUES) == snapshot and issues == ISSUES


@pytest.mark.parametrize("jql, bounded", [
    ("", False),
    ("   \n\t", False),
    ("ORDER BY created DESC", False),
    ("order by key asc, created", False),
    ("project = ACME", True),
    ("project = ACME ORDER BY key", True),
    ("NOT labels is empty", True),
])
def test_bounded(jql, bounded):
    query = compile_(jql)
    assert query.bounded is bounded
    if not bounded:
        assert all(query.matches(found) for found in ISSUES)


def test_unbounded_message_is_jiras():
    assert UNBOUNDED_MESSAGE == (
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")


VALID_OPERATORS = ("The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', "
                   "'NOT IN', 'IS' and 'IS NOT'.")
DATE_HELP = ("Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', "
             "'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.")


@pytest.mark.parametrize("jql, message", [
    # syntax
    ("project foo", "Error in the JQL Query: Expecting operator but got 'foo'. "
                    f"{VALID_OPERATORS} (line 1, character 9)"),
    ("project", f"Error in the JQL Query: Expecting operator before the end of the query. "
                f"{VALID_OPERATORS}"),
    ("project = ACME AND\nstatus", "Error in the JQL Query: Expecting operator before the end of "
                                   f"the query. {VALID_OPERATORS}"),
    ("project = ACME AND\nstatus Done", "Error in the JQL Query: Expecting operator but got "
                                        f"'Done'. {VALID_OPERATORS} (line 2, character 8)"),
    ('summary ~ "abc', "Error in the JQL Query: The quoted string 'abc' has not been completed. "
                       "(line 1, character 11)"),
    ("summary ~ 'abc\\'", "Error in the JQL Query: The quoted string 'abc\\'' has not been "
                          "completed. (line 1, character 11)"),
    ("(project = ACME", "Error in the JQL Query: Expecting ')' before the end of the query."),
    ("(project = ACME status = Done)", "Error in the JQL Query: Expecting ')' but got 'status'. "
                                       "(line 1, character 17)"),
    ("project = ACME)", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got ')'. "
                        "(line 1, character 15)"),
    ("project = ACME status = Done", "Error in the JQL Query: Expecting either 'OR' or 'AND' but "
                                     "got 'status'. (line 1, character 16)"),
    ("project = ACME AND", "Error in the JQL Query: Expecting a field name before the end of the "
                           "query."),
    ("project = ACME AND )", "Error in the JQL Query: Expecting a field name but got ')'. "
                             "(line 1, character 20)"),
    ("project =", "Error in the JQL Query: Expecting either a value, list or function before the "
                  "end of the query."),
    ("project = )", "Error in the JQL Query: Expecting either a value, list or function but got "
                    "')'. You must surround ')' in quotation marks to use it as a value. "
                    "(line 1, character 11)"),
    ("project in ()", "Error in the JQL Query: Expecting either a value, list or function but got "
                      "')'. You must surround ')' in quotation marks to use it as a value. "
                      "(line 1, character 13)"),
    ("project in (ACME OPS)", "Error in the JQL Query: Expecting ')' but got 'OPS'. "
                              "(line 1, character 18)"),
    ("labels = order", "Error in the JQL Query: 'order' is a reserved JQL word. You must surround "
                       "it in quotation marks to use it in a query. (line 1, character 10)"),
    ("and = x", "Error in the JQL Query: 'and' is a reserved JQL word. You must surround it in "
                "quotation marks to use it in a query. (line 1, character 1)"),
    ("project not = ACME", "Error in the JQL Query: Expecting operator but got 'not'. "
                           f"{VALID_OPERATORS} (line 1, character 9)"),
    ("created > startOfDay(-1d", "Error in the JQL Query: Expecting either ',' or ')' before the "
                                 "end of the query."),
    ("project = ACME ORDER created", "Error in the JQL Query: Expecting 'BY' but got 'created'. "
                                     "(line 1, character 22)"),
    ("project = ACME ORDER BY", "Error in the JQL Query: Expecting a field name before the end of "
                                "the query."),
    ("ORDER BY key created", "Error in the JQL Query: Expecting either ',' or the end of the query "
                             "but got 'created'. (line 1, character 14)"),
    # fields and operators
    ("foo = bar", "Field 'foo' does not exist or you do not have permission to view it."),
    ('"Story Points" = 3', "Field 'Story Points' does not exist or you do not have permission to "
                           "view it."),
    ("project = ACME ORDER BY foo", "Field 'foo' does not exist or you do not have permission to "
                                    "view it."),
    ("project = ACME ORDER BY labels", "Field 'labels' does not support sorting."),
    ("project ~ ACME", "The operator '~' is not supported by the 'project' field."),
    ("summary = x", "The operator '=' is not supported by the 'summary' field."),
    ("text !~ x", "The operator '!~' is not supported by the 'text' field."),
    ("priority > High", "The operator '>' is not supported by the 'priority' field."),
    ("key is empty", "The operator 'is' is not supported by the 'key' field."),
    ("project in ACME", "The operator 'in' does not support the non-list value 'ACME' for field "
                        "'project'."),
    ("project = (ACME, OPS)", "The operator '=' does not support the list value '(ACME, OPS)' for "
                              "field 'project'."),
    ("assignee is alice", "The operator 'is' only supports searching for EMPTY values."),
    ("created < EMPTY", "The operator '<' does not support searching for EMPTY values."),
    ("summary ~ EMPTY", "The operator '~' does not support searching for EMPTY values."),
    ("summary ~ now()", "The field 'summary' only supports searching for text values."),
    # values
    ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
    ("status in (Done, Nope)", "The value 'Nope' does not exist for the field 'status'."),
    ("statusCategory = Later", "The value 'Later' does not exist for the field 'statusCategory'."),
    ("type = Epic", "The value 'Epic' does not exist for the field 'type'."),
    ("priority != Blocker", "The value 'Blocker' does not exist for the field 'priority'."),
    ("resolution = Fixed", "The value 'Fixed' does not exist for the field 'resolution'."),
    ("assignee = carol", "The value 'carol' does not exist for the field 'assignee'."),
    ("key = ACME", "The issue key 'ACME' for field 'key' is invalid."),
    ('summary ~ "*crash"', "The text query '*crash' for field 'summary' is not allowed to start "
                           "with a wildcard."),
    ('summary ~ ""', "The field 'summary' does not support searching for an empty string."),
    ('summary ~ "!!"', "The field 'summary' does not support searching for an empty string."),
    # dates
    ("created > 2026-13-45", f"Date value '2026-13-45' for field 'created' is invalid. {DATE_HELP}"),
    ('updatedDate < "yesterday"', f"Date value 'yesterday' for field 'updatedDate' is invalid. "
                                  f"{DATE_HELP}"),
    ("created > -7x", f"Date value '-7x' for field 'created' is invalid. {DATE_HELP}"),
    ("created > -99999999999999d", f"Date value '-99999999999999d' for field 'created' is "
                                   f"invalid. {DATE_HELP}"),
    # functions
    ("assignee in membersOf(jira-users)", "Unable to find JQL function 'membersOf(jira-users)'."),
    ("created > yesterday()", "Unable to find JQL function 'yesterday()'."),
    ("project = currentUser()", "A value provided by the function 'currentUser' is invalid for "
                                "the field 'project'."),
    ("assignee = now()", "A value provided by the function 'now' is invalid for the field "
                         "'assignee'."),
    ("assignee = currentUser(x)", "Function 'currentUser' expected at most '0' arguments but "
                                  "received '1'."),
    ("created > startOfDay(-1d, 2)", "Function 'startOfDay' expected at most '1' arguments but "
                                     "received '2'."),
    ("created > endOfDay(soon)", "Duration format 'soon' is invalid for function 'endOfDay'."),
])
def test_errors(jql, message):
    assert errors(jql) == [message]


def test_every_validation_error_is_reported_at_once():
    assert errors("project = NOPE AND foo = 1 ORDER BY bar") == [
        "The value 'NOPE' does not exist for the field 'project'.",
        "Field 'foo' does not exist or you do not have permission to view it.",
        "Field 'bar' does not exist or you do not have permission to view it.",
    ]


def test_error_string_is_the_messages():
    with pytest.raises(JqlError, match="Field 'foo' does not exist"):
        compile_("foo = 1")


@pytest.mark.parametrize("jql", ["project = NOPE", "status = Whatever", "labels = anything"])
def test_values_are_only_checked_when_known_values_are_given(jql):
    assert compile_(jql, known=None).bounded


def test_labels_are_never_checked():
    assert compile_("labels in (anything, at-all)").bounded


def test_current_user_for_nobody_matches_nothing():
    assert search("assignee = currentUser()", current_account_id=None) == []


def test_unknown_account_ids_are_accepted():
    assert search('assignee = "712020:11111111-2222-4333-8444-555555555555"') == []


@pytest.mark.parametrize("jql, value", [
    (r'labels = "a\"b"', 'a"b'),
    (r"labels = 'it\'s'", "it's"),
    (r'labels = "back\\slash"', "back\\slash"),
    (r'labels = "caf\u00e9"', "café"),
    ('labels = "two words"', "two words"),
])
def test_quoted_values(jql, value):
    tagged = issue(1, "OPS-1", "x", status=("1", "To Do"), category="new", labels=[value],
                   created="2026-11-01T00:00:00.000+0000")
    assert compile_(jql).matches(tagged)


@pytest.mark.parametrize("depth", [1, 50, 100])
def test_nesting_up_to_the_limit_works(depth):
    assert search("(" * depth + "project = OPS" + ")" * depth) == ["OPS-2"]
    assert search("NOT " * (2 * (depth // 2)) + "project = OPS") == ["OPS-2"]


@pytest.mark.parametrize("jql", [
    "(" * 101 + "project = OPS" + ")" * 101,
    "(" * 9_000 + "project = OPS" + ")" * 9_000,
    "(" * 10_000,
    "NOT " * 4_000 + "project = OPS",
    "(project = OPS OR (" * 900 + "project = OPS" + "))" * 900,
])
def test_deep_nesting_is_a_clear_error(jql):
    (message,) = errors(jql)
    assert message.startswith("Error in the JQL Query: The query nests parentheses and NOT more "
                              "than 100 levels deep.")


@pytest.mark.parametrize("jql", [
    "project = ACME OR " * 6000 + "project = OPS",  # 108 KB
    "(" * 10_000 + "project = OPS" + ")" * 10_000,
])
def test_huge_input_is_a_clear_error(jql):
    assert len(jql) > MAX_JQL_LENGTH
    assert errors(jql) == [f"The JQL query is {len(jql)} characters long; the limit is "
                           f"{MAX_JQL_LENGTH}."]


def test_long_flat_query_within_the_limit_works():
    keys = ", ".join(f"ACME-{n}" for n in range(1, 1500))
    jql = f"key in ({keys}) OR " + " OR ".join(["labels = x"] * 300)
    assert len(jql) <= MAX_JQL_LENGTH
    assert set(search(jql)) == {"ACME-1", "ACME-9", "ACME-10"}


def test_search_over_hundreds_of_issues_does_bounded_work_per_issue():
    """Bounded by function calls counted, not by time (bench/worst_cases.py times searches): about 300 per issue today."""
    issues = [
        issue(30000 + n, f"ACME-{n}", f"Summary {n} about exports", status=("1", "To Do"),
              category="new", assignee=ALICE if n % 2 else BOB, labels=["a", "b"],
              created=f"2026-11-{1 + n % 28:02d}T10:00:00.000+0000",
              description=adf(*[f"paragraph {i} of issue {n}" for i in range(20)]),
              comments=[f"comment {i}" for i in range(5)])
        for n in range(320)
    ]
    jql = ('project = ACME AND (text ~ "export*" OR assignee = currentUser()) AND created > -30d '
           "AND labels in (a, c) ORDER BY priority DESC, key")

    def search_all():
        query = compile_(jql)
        return query.sort([found for found in issues if query.matches(found)])

    hits, calls = count_calls(search_all)
    assert len(hits) == 320 and calls <= 2_000 * len(issues)
