"""Issue links: grouped as Jira shows them, added with a form that finds the other issue without
JavaScript, and removed with one button; web links (remote links) on request.

Adding: the link type comes from Jira's list, each type offered in both directions ("blocks",
"is blocked by"); the other issue is a key, or words that Jira's issue picker turns into
matches to choose from (a "Find" button, so it works without scripts). Jira judges the rest:
linking an issue to itself, or to one that is missing or hidden, comes back as Jira's own words
next to the field. Every submit is one-time, and a failed one keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import keys
from jira_client.api.errors import AuthError, BadRequest, JiraError, NotFound
from jira_client.api.models import IssueLink, LinkType, PickedIssue, RemoteLink
from jira_client.web.errors import describe, render_error
from jira_client.web.forms import drafts, field_form, once
from jira_client.web.forms.screens import LinkForm
from jira_client.web.jira import get_jira, login_required

OUTWARD, INWARD = "outward", "inward"
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class LinkGroup:
    """The links of one type read in one direction ("is blocked by"), in the order Jira gave them."""

    phrase: str
    links: tuple[IssueLink, ...]


def group(links: tuple[IssueLink, ...]) -> list[LinkGroup]:
    """Return links grouped by type and direction, groups in order of first appearance.

    A type whose two phrases are the same ("relates to") makes one group whatever the direction.
    """
    groups: dict[tuple[str, str], list[IssueLink]] = {}
    for link in links:
        same_both_ways = link.type.inward.lower() == link.type.outward.lower()
        groups.setdefault((link.type.id or link.type.name, "both" if same_both_ways else link.direction), []).append(link)
    return [LinkGroup(members[0].phrase, tuple(members)) for members in groups.values()]


def web_links_if_asked(key: str) -> tuple[RemoteLink, ...] | None:
    """Return the issue's web links when the page was asked for them (``?weblinks=1``: one more call)."""
    if request.args.get("weblinks") != "1":
        return None
    return get_jira().list_remote_links(key)


def safe_url(url: str) -> str | None:
    """Return ``url`` when a browser may follow it (http, https, mailto), else None."""
    return url if url.lower().startswith(SAFE_SCHEMES) else None


def choices(types: tuple[LinkType, ...]) -> list[tuple[str, str]]:
    """Return the link type choices: each type's outward phrase, then its inward one when different."""
    found = []
    for link_type in types:
        found.append((f"{link_type.id}:{OUTWARD}", link_type.outward))
        if link_type.inward.lower() != link_type.outward.lower():
            found.append((f"{link_type.id}:{INWARD}", link_type.inward))
    return found


@drafts.keeps_form
@login_required
def new_link(key: str):
    """Link this issue to another; "Find" looks the other issue up by words before anything is sent."""
    jira = get_jira()
    form = LinkForm(data=drafts.restore() if request.method == "GET" else None)
    form.link_type.choices = field_form.select_choices(choices(jira.list_link_types()))
    if request.method == "GET":
        return _link_page(key, form)
    typed = (form.target.data or "").strip()
    target = typed if _is_key(typed) else (form.choice.data or typed).strip()  # a key typed wins over a match
    if "find" in request.form or (target and not _is_key(target)):
        return _find(key, form, searched="find" in request.form)
    if not form.validate_on_submit() or not target:
        if not target:
            form.target.errors = [*form.target.errors, "Type the other issue's key, or words to find it by."]
        return _link_page(key, form, status=400)
    type_id, _, direction = form.link_type.data.partition(":")
    other = keys.issue_key(target)
    form.target.data, form.choice.data = other, None  # shown again as the key if Jira refuses
    outward, inward = (key, other) if direction == OUTWARD else (other, key)
    try:
        outcome = once.submit_once(lambda: jira.link_issues(type_id, outward, inward), url_for("issues.show", key=key, _anchor="links"))
    except (BadRequest, NotFound) as error:  # itself, missing, hidden: Jira's words go next to the field
        form.target.errors = list(error.details or (error.message,))
        return _link_page(key, form, status=describe(error).status)
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return drafts.sign_in_for(error) or _link_page(key, form, status=page.status, error=page)
    if not outcome.repeated:
        flash(f"{key} is now linked to {other}.", "success")
    return redirect(outcome.url)


def _find(key: str, form: LinkForm, searched: bool):
    """Show the issues Jira's picker suggests for the words typed, to choose one (nothing is sent)."""
    words = (form.target.data or "").strip()
    picked: tuple[PickedIssue, ...] = get_jira().pick_issues(words, current_key=key) if words else ()
    form.choice.choices = field_form.select_choices([(p.key, f"{p.key} {p.summary}") for p in picked])
    form.choice.data = None
    if not words:
        form.target.errors = ["Type a key or words to find the issue by."]
    elif not picked:
        form.target.errors = [f"No issue you can see matches “{words}”."]
    elif not searched:
        form.target.errors = ["Choose one of the matching issues below, or type its key."]
    return _link_page(key, form, picked=picked, status=200 if searched else 400)


def _is_key(text: str) -> bool:
    try:
        keys.issue_key(text)
    except keys.InvalidKey:
        return False
    return True


@login_required
def delete_link(key: str, link_id: str):
    """Remove a link (both issues lose it); one-time, Jira judges whether this person may."""
    try:
        outcome = once.submit_once(lambda: get_jira().delete_link(link_id), url_for("issues.show", key=key, _anchor="links"))
    except once.Refused as refusal:
        flash(f"{refusal.page.message} {refusal.page.hint}", "error")
        return redirect(url_for("issues.show", key=key, _anchor="links"))
    except AuthError as error:
        return drafts.sign_in_for(error, url_for("issues.show", key=key)) or render_error(once.failure_page(error))
    except JiraError as error:
        return render_error(once.failure_page(error))
    if not outcome.repeated:
        flash("The link was removed.", "success")
    return redirect(outcome.url)


def _link_page(key: str, form: LinkForm, status: int = 200, error=None, picked=()):
    return render_template("issues/link_new.html", key=key, form=form, error=error, picked=picked), status
