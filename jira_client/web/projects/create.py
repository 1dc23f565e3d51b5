"""Creating an issue in a project with a form generated from createmeta.

Choose the issue type, fill in its create screen, land on the new issue. From an issue page,
``?parent=KEY`` fills in the parent and ``?subtask=1`` goes straight to the project's subtask
type ("Create subtask"). The submit is one-time
(``forms.once``): a double click creates one issue, and a repeat leads to the issue the first
created. On any failure the form comes back with what was typed and Jira's field errors next to
their fields; a failed read before the write keeps it as a draft.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import keys
from jira_client.api.errors import JiraError
from jira_client.web import converters, viewer
from jira_client.web.forms import drafts, field_form, jira_fields, once
from jira_client.web.forms.screens import CreateForm
from jira_client.web.jira import get_jira, login_required


@drafts.keeps_form
@login_required
def new_issue(key: str):
    """Choose an issue type, then fill in its create screen; success leads to the new issue."""
    jira = get_jira()
    type_id = request.args.get("type", "")
    parent = _parent_arg()
    if not type_id:
        types = jira.list_create_issue_types(key)
        subtask_types = [t for t in types if t.subtask] if request.args.get("subtask") == "1" else []
        if len(types) == 1 or subtask_types:
            return redirect(url_for("projects.new_issue", key=key, type=(subtask_types or types)[0].id, parent=parent or None))
        if request.args.get("subtask") == "1":
            flash("This project has no subtask type you may create. Choose another type, or create it in Jira.", "warning")
        return render_template("projects/new_issue.html", key=key, types=types, type_id="", form=None, parent=parent)
    converters.numeric_id_or_404(type_id)
    metas = jira.list_create_fields(key, type_id)
    page = {"key": key, "type_id": type_id, "metas": metas, "parent": parent,
            "blockers": [m for m in metas if jira_fields.is_required_blocker(m)],
            "skipped": [m for m in metas if jira_fields.kind_of(m) is None and m.system not in jira_fields.HANDLED_ELSEWHERE]}
    if request.method == "GET":
        viewer.learn()  # this page calls Jira anyway: learn who is here, for the issue page's controls
        types = jira.list_create_issue_types(key)
        draft = drafts.restore(field_form.list_fields(metas))
        start = {"parent": parent, **draft} if parent and any(m.id == "parent" for m in metas) else draft
        return _create_page(field_form.build(CreateForm, metas, data=start), page, types=types)
    form = field_form.build(CreateForm, metas, posted=True)
    if field_form.search_people(form, metas, project_key=key):
        return _create_page(form, page)
    if page["blockers"] or not form.validate_on_submit():
        return _create_page(form, page, status=400)
    try:
        values = field_form.jira_values(field_form.values(form, metas), metas, keep_empty=False)
        values.update(project={"key": key}, issuetype={"id": type_id})
        outcome = once.submit_once(lambda: jira.create_issue(values), lambda created: url_for("issues.show", key=created))
    except field_form.InputErrors as error:
        field_form.add_errors(form, error.errors)
        return _create_page(form, page, status=400)
    except (JiraError, once.Refused) as error:
        return drafts.sign_in_for(error) or _create_page(form, page, *field_form.explain(form, error))
    flash("That issue was already created: here it is." if outcome.repeated else f"Created {outcome.value}.", "success")
    return redirect(outcome.url)


def _parent_arg() -> str:
    """Return the ``parent`` query argument when it is an issue key, else ""."""
    try:
        return keys.issue_key(request.args.get("parent", ""))
    except keys.InvalidKey:
        return ""


def _create_page(form, page: dict, status: int = 200, error=None, types=()):
    return render_template(
        "projects/new_issue.html", form=form, rows=field_form.rows(form, page["metas"]), error=error, types=types, **page,
    ), status
