"""The timings the test suite does not assert: tests bound counted work instead, never wall-clock time.

- JQL: compile, match and sort over every seeded issue (the sandbox's search without HTTP);
  tests/sandbox/test_jql.py bounds the function calls per issue.
- seed: building the sandbox's data; tests/sandbox/test_seed.py bounds the calls per issue and comment.
- hostile ADF to HTML: a 5 MB text node and a 30,000-paragraph document;
  tests/unit/test_adf_security.py bounds the memory held and the calls made.
- sandbox fault delays: how long a request with an injected latency or stall really waits, next to
  what the fault asked for; tests/sandbox/test_admin.py checks only the delay asked for.
"""

from datetime import timedelta

from bench import TIMING_COLUMNS, Table, timed_row
from jira_client.api.adf import to_html
from sandbox import directory, jql, seed
from sandbox.admin import FAULTS_KEY
from sandbox.app import create_sandbox_app
from sandbox.world import World

N = 10
SEARCHES = [
    ("ACME, text or assignee, last 30 days",
     'project = ACME AND (text ~ "export*" OR assignee = currentUser()) AND created > -30d ORDER BY priority DESC, key'),
    ("every project, text", 'project in (ACME, OPS, WEB, GLOBX) AND text ~ "deploy*" ORDER BY updated DESC'),
]
DELAYS = [
    ("latency_ms 50", {"latency_ms": 50}, 50.0),
    ("latency_ms 50 + status 503", {"latency_ms": 50, "status": 503}, 50.0),
    ("stall_seconds 0.2", {"stall_seconds": 0.2}, 200.0),
]


def run() -> list[Table]:
    """Return two tables: the bounded work timed, and the sandbox's injected delays measured."""
    return [_work_table(), _delay_table()]


def _work_table() -> Table:
    world = World()
    issues = [issue for project in world.projects() for issue in world.project_issues(project["key"])]
    rows = [(f"JQL over {len(issues)} seeded issues: {label}", *timed_row(_search(world, issues, text), N))
            for label, text in SEARCHES]
    rows.append(("seed.build (issues and comments)", *timed_row(lambda: seed.build(world.built_at - timedelta(days=1)), N)))
    text_node = _doc({"type": "paragraph", "content": [{"type": "text", "text": "<b>" + "x" * 5_000_000}]})
    rows.append(("to_html, one 5 MB text node", *timed_row(lambda: to_html(text_node), N)))
    inline = [{"type": "text", "text": "word <i> ", "marks": [{"type": "strong"}, {"type": "link", "attrs": {"href": "https://a.b"}}]},
              {"type": "mention", "attrs": {"id": "1", "text": "Ada"}}]
    many = _doc(*[{"type": "paragraph", "content": inline} for _ in range(30_000)])
    rows.append(("to_html, 30,000 paragraphs (5 MB)", *timed_row(lambda: to_html(many), N)))
    return Table(f"work the tests bound by counting, timed in ms (N={N} each after one warm-up)",
                 ("case", *TIMING_COLUMNS), rows)


def _delay_table() -> Table:
    app = create_sandbox_app()
    client = app.test_client()
    admin = next(user for user in directory.USERS if user["admin"])
    rows = []
    for label, fault, asked_ms in DELAYS:
        def call() -> None:
            client.post("/_sandbox/faults", json={"faults": [{"path": "^/rest/api/3/issue/", **fault}]})
            client.get("/rest/api/3/issue/ACME-1", auth=(admin["email"], admin["api_token"]))

        rows.append((label, asked_ms, *timed_row(call, N)))
    app.extensions[FAULTS_KEY].replace([])
    return Table(f"sandbox fault delays: asked and measured in ms, one issue GET in-process (N={N} each)",
                 ("fault", "asked", *TIMING_COLUMNS), rows)


def _search(world: World, issues: list[dict], text: str):
    """Return a function that compiles ``text`` as the sandbox's search does and returns the sorted hits."""
    admin = next(user for user in directory.USERS if user["admin"])
    projects = world.projects()
    known = {
        "project": {v.lower() for p in projects for v in (p["key"], p["name"], p["id"])},
        "status": {v.lower() for s in world.statuses for v in (s["id"], s["name"])},
        "issuetype": {v.lower() for t in world.issue_types for v in (t["id"], t["name"])},
        "priority": {v.lower() for p in world.priorities for v in (p["id"], p["name"])},
    }

    def search() -> list[dict]:
        query = jql.compile_jql(text, current_account_id=admin["account_id"], now=world.built_at,
                                users=world.jql_users(), known=known)
        return query.sort([issue for issue in issues if query.matches(issue)])

    return search


def _doc(*content: dict) -> dict:
    return {"version": 1, "type": "doc", "content": list(content)}
