"""Readable demo text for the seed: issue summaries and ADF descriptions and comments.

Every builder takes a ``random.Random`` so the seed stays deterministic. The documents use a
wide range of ADF nodes (headings, lists, code, tables, panels, mentions, emoji, status, dates,
expand, task lists, inline cards, marks) so the app's renderer meets them all in the demo.
"""

import random

SUBJECTS = {
    "ACME": [
        "login redirect loop", "invoice CSV export", "password reset e-mail", "billing dashboard",
        "search results paging", "API rate limiter", "audit log retention", "user avatar upload",
        "two-factor enrolment", "webhook retries", "dark mode toggle", "report scheduler",
        "session timeout banner", "bulk user import", "PDF receipts", "order history filter",
    ],
    "OPS": [
        "nightly database backup", "TLS certificate renewal", "disk usage alert on db-02",
        "Kubernetes node pool upgrade", "log shipping to the archive", "on-call rota export",
        "VPN gateway failover", "Redis memory pressure", "staging environment refresh",
    ],
    "WEB": [
        "landing page hero image", "pricing table layout", "cookie consent banner",
        "blog RSS feed", "contact form spam filter", "footer links", "sitemap generation",
    ],
    "GLOBX": [
        "supplier portal sign-in", "quarterly forecast import", "warehouse stock sync",
        "customs declaration form", "partner API keys",
    ],
}
VERBS = {
    "10001": ["Update", "Clean up", "Document", "Automate", "Review"],
    "10002": ["Fix", "Crash in", "Wrong totals in", "Timeout in", "Broken"],
    "10003": ["As a user I want a better", "Allow customers to use the", "Improve the"],
    "10004": ["Epic: rework the", "Epic: launch the"],
}
# Summaries that check escaping all the way to the page (issue number -> summary).
TRICKY_SUMMARIES = {
    3: "Render <b>not bold</b> literally in titles",
    5: 'Quotes "double" and \'single\' survive the round trip',
    8: "Tom & Jerry: ampersands & <angle> brackets",
    13: "<script>alert('xss')</script> in a summary must stay text",
}
SENTENCES = [
    "I can reproduce this on the latest build.",
    "Looks like a race between the cache refresh and the request handler.",
    "Customers on the EU cluster reported it first.",
    "The fix should be small, but it needs a regression test.",
    "I've added logging around the failing call; let's wait for the next occurrence.",
    "This blocks the release checklist, so let's prioritise it.",
    "Confirmed with support: it affects roughly 3% of sessions.",
    "Deployed a workaround to staging, please verify.",
    "Pairing on this tomorrow morning.",
    "The root cause is an off-by-one in the paging code.",
    "Can we split this into two tickets? The UI part is independent.",
    "Verified on production, closing the loop with the customer.",
    "Numbers look good after the change: p95 went from 840 ms to 210 ms.",
    "Moving this back to the backlog until the design is settled.",
]
CODE_SAMPLES = [
    ("python", "def retry(call, attempts=3):\n    for n in range(attempts):\n        try:\n            return call()\n        except TimeoutError:\n            continue\n    raise RuntimeError('gave up')"),
    ("sql", "SELECT id, total\n  FROM invoices\n WHERE created >= now() - interval '7 days'\n ORDER BY total DESC;"),
    ("bash", "kubectl -n prod rollout restart deploy/api\nkubectl -n prod rollout status deploy/api"),
    ("json", '{\n  "retries": 3,\n  "backoff_ms": 250\n}'),
]
EMOJI = [(":thumbsup:", "1f44d", "👍"), (":tada:", "1f389", "🎉"), (":warning:", "26a0", "⚠️"),
         (":white_check_mark:", "2705", "✅")]
STATUS_LOZENGES = [("BLOCKED", "red"), ("IN REVIEW", "yellow"), ("SHIPPED", "green"),
                   ("NEEDS INFO", "purple"), ("PLANNED", "blue")]


def text(value: str, *marks: dict) -> dict:
    """Return an ADF text node with ``marks``."""
    node = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def paragraph(*inline: dict) -> dict:
    """Return an ADF paragraph of ``inline`` nodes."""
    return {"type": "paragraph", "content": list(inline)}


def doc(*blocks: dict) -> dict:
    """Return an ADF document of ``blocks``."""
    return {"type": "doc", "version": 1, "content": list(blocks)}


def mention(user: dict) -> dict:
    """Return an ADF mention of a directory user."""
    return {"type": "mention",
            "attrs": {"id": user["account_id"], "text": "@" + user["display_name"], "accessLevel": ""}}


def summary_for(rng: random.Random, project_key: str, number: int, issue_type_id: str) -> str:
    """Return a readable summary for issue ``number`` of a project."""
    if project_key in ("ACME", "OPS") and number in TRICKY_SUMMARIES:
        return TRICKY_SUMMARIES[number]
    return f"{rng.choice(VERBS[issue_type_id])} {rng.choice(SUBJECTS[project_key])}"


def _list(kind: str, items: list[str]) -> dict:
    return {"type": kind, "content": [{"type": "listItem", "content": [paragraph(text(i))]}
                                       for i in items]}


def _table(rng: random.Random) -> dict:
    rows = [("Environment", "Result", "Notes"), ("staging", "pass", "after the cache fix"),
            ("production", rng.choice(["fail", "pass"]), "EU cluster only")]

    def cell(kind: str, value: str) -> dict:
        return {"type": kind, "attrs": {}, "content": [paragraph(text(value))]}

    return {"type": "table", "attrs": {"isNumberColumnEnabled": False, "layout": "default"},
            "content": [{"type": "tableRow",
                         "content": [cell("tableHeader" if r == 0 else "tableCell", v) for v in row]}
                        for r, row in enumerate(rows)]}


def _task_list(rng: random.Random) -> dict:
    steps = ["Write the failing test", "Fix the bug", "Update the changelog", "Deploy to staging"]
    return {"type": "taskList", "attrs": {"localId": f"tl-{rng.randrange(10**6)}"},
            "content": [{"type": "taskItem",
                         "attrs": {"localId": f"ti-{n}", "state": "DONE" if rng.random() < 0.5 else "TODO"},
                         "content": [text(step)]} for n, step in enumerate(steps)]}


def description(rng: random.Random, summary: str, users: list[dict], day_ms: int) -> dict:
    """Return a varied ADF description; which nodes appear depends on ``rng``."""
    lang, code = rng.choice(CODE_SAMPLES)
    emoji_name, emoji_id, emoji_text = rng.choice(EMOJI)
    lozenge, colour = rng.choice(STATUS_LOZENGES)
    blocks = [
        {"type": "heading", "attrs": {"level": 2}, "content": [text("Context")]},
        paragraph(text("This ticket tracks "), text(summary.lower(), {"type": "strong"}),
                  text(". Reported by "), mention(rng.choice(users)), text(" "),
                  {"type": "emoji", "attrs": {"shortName": emoji_name, "id": emoji_id, "text": emoji_text}}),
        paragraph(text("Current state: "),
                  {"type": "status", "attrs": {"text": lozenge, "color": colour, "localId": "s1"}},
                  text(", due "), {"type": "date", "attrs": {"timestamp": str(day_ms)}}, text(".")),
    ]
    extras = [
        lambda: _list("bulletList", rng.sample(SENTENCES, 3)),
        lambda: {**_list("orderedList", ["Open the page", "Click Save", "Watch the spinner"]),
                 "attrs": {"order": 1}},
        lambda: {"type": "codeBlock", "attrs": {"language": lang}, "content": [text(code)]},
        lambda: _table(rng),
        lambda: {"type": "panel", "attrs": {"panelType": rng.choice(["info", "note", "warning", "success", "error"])},
                 "content": [paragraph(text(rng.choice(SENTENCES)))]},
        lambda: {"type": "blockquote", "content": [paragraph(text(rng.choice(SENTENCES), {"type": "em"}))]},
        lambda: {"type": "rule"},
        lambda: {"type": "expand", "attrs": {"title": "Stack trace"},
                 "content": [{"type": "codeBlock", "attrs": {"language": "text"},
                              "content": [text("Traceback (most recent call last):\n  File \"app.py\", line 42\nTimeoutError")]}]},
        lambda: _task_list(rng),
        lambda: paragraph(text("See "), {"type": "inlineCard", "attrs": {"url": "https://example.com/runbooks/cache"}},
                          text(" and the "), text("design notes", {"type": "link", "attrs": {"href": "https://example.com/design"}}),
                          text("; use "), text("--force", {"type": "code"}), text(" only "),
                          text("if you must", {"type": "underline"}), text(", "), text("never on Fridays", {"type": "strike"}),
                          text(". H"), text("2", {"type": "subsup", "attrs": {"type": "sub"}}), text("O, x"),
                          text("2", {"type": "subsup", "attrs": {"type": "sup"}}), text(", "),
                          text("red", {"type": "textColor", "attrs": {"color": "#bf2600"}}), text(".")),
    ]
    for build in rng.sample(extras, rng.randint(2, 5)):
        blocks.append(build())
    return doc(*blocks)


def comment_body(rng: random.Random, users: list[dict], number: int) -> dict:
    """Return a short ADF comment; every few comments carry a mention, code or a list."""
    sentence = rng.choice(SENTENCES)
    kind = number % 7
    if kind == 1:
        return doc(paragraph(mention(rng.choice(users)), text(" " + sentence)))
    if kind == 3:
        lang, code = rng.choice(CODE_SAMPLES)
        return doc(paragraph(text(sentence)), {"type": "codeBlock", "attrs": {"language": lang}, "content": [text(code)]})
    if kind == 5:
        return doc(paragraph(text("Notes:", {"type": "strong"})), _list("bulletList", rng.sample(SENTENCES, 2)))
    return doc(paragraph(text(f"{sentence} ({number + 1})")))
