"""Moving an issue along: transitions, assignee, labels and priority.

The issue page posts small one-time forms here. A transition without a screen is sent at once;
one with a screen (resolution, comment) opens its form, built from ``expand=transitions.fields``.
A card moved on a board opens the same form with ``?back=/boards/...``, and the form leads back there.
A failed submit shows its form again, with what was typed and Jira's reasons in plain words.
"""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import adf
from jira_client.api.errors import BadRequest, JiraError
from jira_client.api.models import FieldMeta
from jira_client.auth.session_data import safe_next
from jira_client.web import viewer
from jira_client.web.errors import ErrorPage, render_error
from jira_client.web.forms import drafts, field_form, jira_fields, once
from jira_client.web.forms.screens import AssignForm, LabelsForm, PriorityForm, TransitionForm
from jira_client.web.jira import get_jira, login_required

ME, NOBODY = "me", "nobody"
NOT_OFFERED = ErrorPage(
    409, "Not possible now", "Jira does not offer this transition for the issue any more.",
    "Someone may have moved it meanwhile. Go back to the issue to see where it stands.",
)
CHECK_VALUES = ErrorPage(400, "Check the values", "See the notes next to the fields below.")


@drafts.keeps_form
@login_required
def transition(key: str, transition_id: str):
    """Move an issue: at once without a screen, or through its screen's form."""
    earlier = once.earlier_result() if request.method == "POST" else None
    if earlier:
        return redirect(earlier)
    if request.method == "POST" and not request.form.get("screen"):
        return _quick_transition(key, transition_id)
    screens = get_jira().list_transitions(key, transition_id)
    if not screens:
        return _transition_page(key, None, TransitionForm(), status=409, error=NOT_OFFERED)
    screen = screens[0]
    metas = [m for m in screen.fields if m.system != "comment"]
    posted = request.method == "POST"
    form = field_form.build(TransitionForm, metas, posted=posted,
                            data=None if posted else drafts.restore(field_form.list_fields(metas)))
    if posted and field_form.search_people(form, metas, issue_key=key):
        return _transition_page(key, screen, form)
    blocked = any(jira_fields.is_required_blocker(m) for m in metas)
    if request.method == "GET" or blocked or not form.validate_on_submit():
        return _transition_page(key, screen, form, status=200 if request.method == "GET" else 400)
    try:
        values = field_form.jira_values(field_form.values(form, metas), metas, keep_empty=False)
        outcome = once.submit_once(
            lambda: get_jira().transition_issue(key, transition_id, fields=values, update=_comment(form.comment.data)),
            board_back() or url_for("issues.show", key=key),
        )
    except field_form.InputErrors as error:
        field_form.add_errors(form, error.errors)
        return _transition_page(key, screen, form, status=400, error=CHECK_VALUES)
    except (JiraError, once.Refused) as error:
        signing_in = drafts.sign_in_for(error)
        if signing_in is not None:
            return signing_in
        page = _plain_words(key, screen.transition.name, error)
        field_form.add_errors(form, getattr(error, "field_errors", {}))
        return _transition_page(key, screen, form, status=page.status, error=page)
    if outcome.repeated:
        return redirect(outcome.url)
    status = screen.transition.to.name if screen.transition.to else screen.transition.name
    flash(f"{key} moved to {status}.", "success")
    return redirect(outcome.url)


def _quick_transition(key: str, transition_id: str):
    """Send a transition that needs no values; open its form if Jira asks for some after all."""
    try:
        outcome = once.submit_once(lambda: get_jira().transition_issue(key, transition_id), url_for("issues.show", key=key))
    except BadRequest as error:
        screens = get_jira().list_transitions(key, transition_id)
        screen = screens[0] if screens else None
        form = field_form.build(TransitionForm, [m for m in screen.fields if m.system != "comment"] if screen else [])
        field_form.add_errors(form, error.field_errors)
        page = _plain_words(key, screen.transition.name if screen else "", error)
        return _transition_page(key, screen, form, status=400, error=page)
    except once.Refused as refusal:
        flash(refusal.page.message + " " + refusal.page.hint, "error")
        return redirect(url_for("issues.show", key=key))
    except JiraError as error:  # the write itself failed: answered here, not as a failed read (forms.drafts)
        return drafts.sign_in_for(error) or render_error(once.failure_page(error))
    if not outcome.repeated:
        flash(f"{key} moved on.", "success")
    return redirect(outcome.url)


@login_required
def assign(key: str):
    """Assign an issue to me, to nobody, or to someone found by the search; the current assignee starts chosen.

    Sending the form with nobody chosen, or with the current assignee, changes nothing.
    """
    query = request.args.get("q", "").strip()[:100]
    form = AssignForm()
    if request.method == "GET":
        assignee = get_jira().get_assignee(key)
        form.current.data = jira_fields.user_choice(assignee.account_id, assignee.display_name) if assignee else NOBODY
        form.assignee.data = form.current.data
    people = get_jira().search_assignable_users(query, issue_key=key) if query and request.method == "GET" else ()
    chosen = [(value, jira_fields.display(_PERSON, value)) for value in (form.assignee.data, form.current.data) if "|" in (value or "")]
    form.assignee.choices = field_form.select_choices(list(dict([(ME, "Me"), (NOBODY, "Nobody (unassigned)")] + chosen + [
        (jira_fields.user_choice(p.account_id, p.display_name), p.display_name) for p in people]).items()))
    if request.method == "GET" or not form.validate_on_submit():
        return _assign_page(key, form, query, people, status=200 if request.method == "GET" else 400)
    choice = form.assignee.data or ""
    if not choice or choice == form.current.data:
        flash(f"Nothing changed: {_stays(key, form.current.data)}.", "success")
        return redirect(url_for("issues.show", key=key))
    try:
        outcome = once.submit_once(lambda: get_jira().assign_issue(key, _account_id(choice)), url_for("issues.show", key=key))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return _assign_page(key, form, query, people, status=page.status, error=page)
    if not outcome.repeated:
        flash(f"{key} is now unassigned." if choice == NOBODY else f"{key} was assigned.", "success")
    return redirect(outcome.url)


@login_required
def labels(key: str):
    """Add labels (separated by spaces) to an issue, or remove one."""
    form = LabelsForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _labels_page(key, form, status=200 if request.method == "GET" else 400)
    try:
        ops = [{"add": label} for label in jira_fields.to_json(_LABELS, form.add.data)]
        ops += [{"remove": label} for label in jira_fields.to_json(_LABELS, form.remove.data)]
        outcome = once.submit_once(lambda: ops and get_jira().update_issue(key, update={"labels": ops}),
                                   url_for("issues.show", key=key))
    except jira_fields.FieldInputError as error:
        return _labels_page(key, form, status=400, error=ErrorPage(400, "Check the labels", str(error)))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return _labels_page(key, form, status=page.status, error=page)
    if not outcome.repeated:
        flash("Labels saved." if ops else "No label was given, so nothing changed.", "success")
    return redirect(outcome.url)


@login_required
def priority(key: str):
    """Change an issue's priority to one Jira's editmeta allows."""
    issue = get_jira().get_editable_issue(key)
    meta = next((jira_fields.offering(m, issue.values.get("priority")) for m in issue.fields
                 if m.id == "priority" and "set" in m.operations), None)
    form = PriorityForm()
    form.priority.choices = field_form.select_choices(jira_fields.choices(meta) if meta else [])
    if request.method == "GET":
        form.priority.data = jira_fields.to_form(meta, issue.values.get("priority")) if meta else ""
    if meta is None or request.method == "GET" or not form.validate_on_submit():
        return _priority_page(key, form, meta, status=200 if request.method == "GET" or meta is None else 400)
    if form.priority.data == jira_fields.to_form(meta, issue.values.get("priority")):
        flash("Nothing changed: the priority stays as it was.", "success")
        return redirect(url_for("issues.show", key=key))
    try:
        outcome = once.submit_once(lambda: get_jira().update_issue(key, fields={"priority": {"id": form.priority.data}}),
                                   url_for("issues.show", key=key))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return _priority_page(key, form, meta, status=page.status, error=page)
    if not outcome.repeated:
        flash("Priority changed.", "success")
    return redirect(outcome.url)


_LABELS = FieldMeta(id="labels", name="Labels", required=False, type="array", items="string", system="labels")
_PERSON = FieldMeta(id="assignee", name="Assignee", required=False, type="user", system="assignee")


def board_back() -> str | None:
    """Return the board a card move came from (``?back=/boards/...``), where the form leads when done; else None."""
    back = request.args.get("back", "")
    return back if back.startswith("/boards/") and safe_next(back) == back else None


def _comment(text: str | None) -> dict:
    """Return the ``update`` that adds a comment with the transition, or {} without one."""
    if not (text or "").strip():
        return {}
    return {"comment": [{"add": {"body": adf.from_markdown(text)}}]}


def _plain_words(key: str, name: str, error) -> ErrorPage:
    """Return a failed transition's explanation, in the words of someone moving the issue."""
    page = once.failure_page(error)
    if isinstance(error, BadRequest):
        return replace(page, title=f"Jira needs more before {key} can move to {name or 'its next status'}",
                       message="See the notes next to the fields below.", hint="", details=error.details)
    return page


def _transition_page(key, screen, form, status=200, error=None):
    metas = [m for m in screen.fields if m.system != "comment"] if screen else []
    return render_template(
        "issues/transition.html", key=key, screen=screen, form=form, rows=field_form.rows(form, metas), error=error,
        back=board_back(),
        blockers=[m for m in metas if jira_fields.is_required_blocker(m)],
        has_comment=bool(screen and any(m.system == "comment" for m in screen.fields)),
    ), status


def _account_id(choice: str) -> str | None:
    """Return the account id an assignment choice names (None: nobody)."""
    if choice == ME:
        return viewer.account_id()
    return None if choice == NOBODY else (choice.partition("|")[0] or None)


def _stays(key: str, current: str | None) -> str:
    """Return how an unchanged assignment reads ("ACME-1 stays unassigned")."""
    if not current:
        return f"{key} stays as it was"
    return f"{key} stays unassigned" if current == NOBODY else f"{key} stays with {jira_fields.display(_PERSON, current)}"


def _assign_page(key, form, query, people, status=200, error=None):
    return render_template("issues/assign.html", key=key, form=form, query=query, people=people, error=error), status


def _labels_page(key, form, status=200, error=None):
    return render_template("issues/labels.html", key=key, form=form, error=error), status


def _priority_page(key, form, meta, status=200, error=None):
    return render_template("issues/priority.html", key=key, form=form, meta=meta, error=error), status
