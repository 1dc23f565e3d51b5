"""Forms as a browser would send them: pages, one-time tokens, and the fields a form posts as it stands."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


def page(client, path: str) -> str:
    """GET ``path`` (which must answer 200) and return its HTML."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def form_token(html: str, action: str) -> str:
    """Return the one-time token of the form that posts to ``action`` in ``html``."""
    pattern = r'action="%s"[^>]*>.*?name="once" value="([^"]+)"' % re.escape(action.replace("&", "&amp;"))
    found = re.search(pattern, html, re.S)
    assert found, f"no form posting to {action}"
    return unescape(found.group(1))


def once_token(app, action: str) -> str:
    """Return a fresh one-time token for a form posting to ``action`` (as its page would)."""
    from jira_client.web.forms import once

    with app.test_request_context("/"):
        return once.token(action)


def client_once_token(client, action: str) -> str:
    """Return a one-time token for ``action`` made for the person signed in on ``client`` (for forms no page shows them)."""
    from jira_client.web.forms import once

    app = client.application
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    headers = {"Cookie": f"{cookie.key}={cookie.value}"} if cookie else {}
    with app.test_request_context("/", headers=headers):
        return once.token(action)


def comment_form(client, key: str) -> dict:
    """Open an issue page and return the add-comment form's hidden fields (its one-time token)."""
    html = client.get(f"/issues/{key}").get_data(as_text=True)
    return {"once": form_token(html, f"/issues/{key}/comments")}


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
