"""Write tests: the app against the live sandbox, in single_user and (when its fixtures exist) multi_user.

``writer`` is a signed-in test client in one mode; helpers read the sandbox as its admin (the
person the writes act as in both modes), pick a form's one-time token out of a page, and count
the write calls the sandbox received.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import requests

from tests.browser.conftest import serve  # noqa: F401  (a fixture: the app on a free port)
from tests.conftest import make_app
from tests.integration.conftest import jira_calls, sandbox_admin

try:
    from tests.oauth.conftest import make_oauth_app, sign_in
except ImportError:  # the multi_user engineer's fixtures are not there yet
    make_oauth_app = sign_in = None

MODES = ("single_user", "multi_user")


@dataclass
class Writer:
    mode: str
    app: object
    client: object


def single_user_app(sandbox, tmp_path, user: str = "admin", **overrides):
    """Return a single_user app acting as ``user`` of the sandbox."""
    info = requests.get(f"{sandbox.url}/_sandbox/info", timeout=5).json()
    person = next(u for u in info["users"] if u["name"] == user)
    return make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=person["email"], JIRA_API_TOKEN=person["api_token"],
                    **overrides)


def make_writer(mode: str, sandbox, tmp_path, **overrides) -> Writer:
    """Return a client signed in as the sandbox's admin in ``mode``."""
    if mode == "single_user":
        app = single_user_app(sandbox, tmp_path, **overrides)
        return Writer(mode, app, app.test_client())
    if make_oauth_app is None:
        pytest.skip("multi_user fixtures (tests/oauth/conftest.py) are not available")
    app = make_oauth_app(tmp_path, sandbox.url, **overrides)
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    return Writer(mode, app, client)


@pytest.fixture(params=MODES)
def writer(request, sandbox, tmp_path) -> Writer:
    return make_writer(request.param, sandbox, tmp_path)


@pytest.fixture
def single(sandbox, tmp_path) -> Writer:
    return make_writer("single_user", sandbox, tmp_path)


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def admin_get(sandbox, path: str, **params):
    """Return a Jira resource as the sandbox's admin sees it (outside the app)."""
    admin = sandbox_admin(sandbox)
    response = requests.get(f"{sandbox.url}/rest/api/3/{path}", params=params,
                            auth=(admin["email"], admin["api_token"]), timeout=5)
    response.raise_for_status()
    return response.json()


def admin_put(sandbox, path: str, body: dict) -> None:
    """Change a Jira resource as the sandbox's admin (a colleague's edit)."""
    admin = sandbox_admin(sandbox)
    requests.put(f"{sandbox.url}/rest/api/3/{path}", json=body, auth=(admin["email"], admin["api_token"]),
                 timeout=5).raise_for_status()


def writes(sandbox, method: str, suffix: str) -> int:
    """Return how many ``method`` calls reached a Jira path ending with ``suffix`` (site or gateway)."""
    return sum(r["count"] for r in jira_calls(sandbox) if r["method"] == method and r["path"].endswith(suffix))


def titled(sandbox, project: str, summary: str) -> list[str]:
    """Return the keys of the project's issues whose summary is exactly ``summary``."""
    admin = sandbox_admin(sandbox)
    found, body = [], {"jql": f"project = {project}", "maxResults": 100, "fields": ["summary"]}
    while True:
        answer = requests.post(f"{sandbox.url}/rest/api/3/search/jql", json=body,
                               auth=(admin["email"], admin["api_token"]), timeout=10).json()
        found += [i["key"] for i in answer["issues"] if i["fields"]["summary"] == summary]
        if not answer.get("nextPageToken"):
            return found
        body["nextPageToken"] = answer["nextPageToken"]


class _FormReader(HTMLParser):
    """Collect what a browser would submit from the form that posts to one action."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.data = action, False, {}
        self.select: tuple[str, bool] | None = None
        self.textarea: str | None = None

    def add(self, name: str, value: str, multiple: bool = False) -> None:
        if multiple:
            self.data.setdefault(name, []).append(value)
        else:
            self.data[name] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                self.data.setdefault(a["name"], [])
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"), multiple=True)
            elif a.get("type") != "radio" or "checked" in a:
                self.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select = (a["name"], "multiple" in a)
            self.data.setdefault(a["name"], [] if "multiple" in a else "")
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select[0], a.get("value", ""), multiple=self.select[1])
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.inside and self.textarea:
            first = not self.data[self.textarea]  # browsers drop the newline that opens a textarea
            self.data[self.textarea] += data.removeprefix("\r\n").removeprefix("\n") if first else data


def form_data(html: str, action: str) -> dict:
    """Return the fields the form posting to ``action`` would send as it stands."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.data, f"no form posting to {action}"
    return reader.data
