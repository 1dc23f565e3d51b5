"""Creating an issue in a project with a form generated from createmeta.

Choose the issue type (the one this person used last in the project starts chosen, and the
choice stays on screen), fill in its create screen (summary first, then the required fields),
land on the new issue. From an issue page, ``?parent=KEY`` fills in the parent and ``?subtask=1``
goes straight to the project's subtask type ("Create subtask"). The submit is one-time
(``forms.once``): a double click creates one issue, and a repeat leads to the issue the first
created. On any failure the form comes back with what was typed, a summary at the top linking to
each field Jira or the form refused, and the reasons next to the fields; a failed read before the
write keeps it as a draft. When Jira offers no issue type at all (a project the person may only
read), the page says so.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from jira_client.api import keys
from jira_client.api.errors import JiraError
from jira_client.api.models import FieldMeta, IssueType
from jira_client.web import converters, viewer
from jira_client.web.forms import drafts, field_form, jira_fields, once
from jira_client.web.forms.screens import CreateForm
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import session_cached

LAST_TYPE_KEY = "last_issue_type"  # session: project key -> the issue type id last created there


@drafts.keeps_form
@login_required
def new_issue(key: str):
    """Choose an issue type, then fill in its create screen; success leads to the new issue."""
    type_id = request.args.get("type", "")
    if type_id:
        converters.numeric_id_or_404(type_id)  # before any call
    parent = _parent_arg()
    jira = get_jira()
    types = _issue_types(key)
    if not type_id:
        subtask_types = [t for t in types if t.subtask] if request.args.get("subtask") == "1" else []
        last = (session.get(LAST_TYPE_KEY) or {}).get(key)
        chosen = (subtask_types[0].id if subtask_types else last if any(t.id == last for t in types)
                  else types[0].id if len(types) == 1 else "")
        if chosen:
            return redirect(url_for("projects.new_issue", key=key, type=chosen, parent=parent or None))
        if request.args.get("subtask") == "1" and types:
            flash("This project has no subtask type you may create. Choose another type, or create it in Jira.", "warning")
        return render_template("projects/new_issue.html", key=key, types=types, type_id="", form=None, parent=parent)
    metas = _in_form_order(jira.list_create_fields(key, type_id))
    page = {"key": key, "type_id": type_id, "metas": metas, "types": types, "parent": parent,
            "blockers": [m for m in metas if jira_fields.is_required_blocker(m)],
            "skipped": [m for m in metas if jira_fields.kind_of(m) is None and m.system not in jira_fields.HANDLED_ELSEWHERE]}
    if request.method == "GET":
        viewer.learn()  # this page calls Jira anyway: learn who is here, for the issue page's controls
        draft = drafts.restore(field_form.list_fields(metas))
        start = {"parent": parent, **draft} if parent and any(m.id == "parent" for m in metas) else draft
        return _create_page(field_form.build(CreateForm, metas, data=start), page)
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
    session[LAST_TYPE_KEY] = {**(session.get(LAST_TYPE_KEY) or {}), key: type_id}
    flash("That issue was already created: here it is." if outcome.repeated else f"Created {outcome.value}.", "success")
    return redirect(outcome.url)


def _issue_types(key: str) -> tuple[IssueType, ...]:
    """Return the issue types Jira offers this person in the project (asked once in five minutes)."""
    found = session_cached("issue_types", key, lambda: [[t.id, t.name, t.subtask]
                                                         for t in get_jira().list_create_issue_types(key)])
    return tuple(IssueType(id=type_id, name=name, subtask=bool(subtask)) for type_id, name, subtask in found)


def _in_form_order(metas) -> list[FieldMeta]:
    """Return the create screen's fields with the summary first, then the ones to fill in, then the rest."""
    return sorted(metas, key=lambda meta: (meta.system != "summary", not field_form.must_fill(meta)))


def _parent_arg() -> str:
    """Return the ``parent`` query argument when it is an issue key, else ""."""
    try:
        return keys.issue_key(request.args.get("parent", ""))
    except keys.InvalidKey:
        return ""


def _create_page(form, page: dict, status: int = 200, error=None):
    rows = field_form.rows(form, page["metas"])
    problems = [(row.meta.name, row.field.id if row.field else f"field-{row.meta.id}", error_text) for row in rows
                for error_text in [*((row.field.errors if row.field else None) or ()),
                                   *((row.query.errors if row.query else None) or ())][:1]]
    return render_template(
        "projects/new_issue.html", form=form, rows=rows, error=error, problems=problems, **page,
    ), status
