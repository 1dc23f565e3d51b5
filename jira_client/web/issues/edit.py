"""Editing an issue with a form generated from editmeta.

Only the fields the person changed are sent; if a field of the form changed in Jira since the
form was made, both versions are shown and the person decides (a comment meanwhile is no
conflict). A current value editmeta does not offer (an archived version) is offered anyway, so a
save never clears it. Rich text that Markdown cannot carry whole is edited around the parts it
cannot carry, which are sent back exactly (``forms.rich_text``); with nothing editable it is only
shown, and never sent. Every submit is one-time (``forms.once``); on any failure the form comes
back with what was typed and Jira's field errors next to their fields; a failed read before the
write keeps it as a draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from jira_client.api.errors import JiraError
from jira_client.api.models import EditableIssue, FieldMeta
from jira_client.web import viewer
from jira_client.web.forms import drafts, field_form, jira_fields, once, rich_text
from jira_client.web.forms.screens import EditForm
from jira_client.web.jira import get_jira, login_required


@drafts.keeps_form
@login_required
def edit(key: str):
    """Edit an issue's fields; only changed ones are sent, and a colleague's change is shown first."""
    jira = get_jira()
    screen = EditScreen.of(jira.get_editable_issue(key)).only(request.args.get("only", ""))
    current = screen.current()
    if request.method == "GET":
        viewer.learn()
        draft = drafts.restore(field_form.list_fields(screen.metas))  # kept over a re-sign-in
        form = screen.form(data={**current, **draft})
        form.updated.data = draft.get("updated") or screen.issue.updated_raw
        form.base.data = draft.get("base") or _digests(screen.metas, current)
        return _edit_page(form, screen)
    form = screen.form(posted=True)
    if field_form.search_people(form, screen.metas, issue_key=key):
        return _edit_page(form, screen)
    if not form.validate_on_submit():
        return _edit_page(form, screen, status=400)
    mine = field_form.values(form, screen.metas, screen.partial)
    base = _parse_digests(form.base.data)
    changed = [m for m in screen.metas
               if jira_fields.fingerprint(m, mine[m.id]) != base.get(m.id, jira_fields.fingerprint(m, current[m.id]))]
    earlier = once.earlier_result()
    if earlier:
        return redirect(earlier)
    if screen.issue.updated_raw != form.updated.data and (not base or _theirs(screen.metas, current, base)):
        return _conflict(screen, mine, current, base, changed)
    try:
        values = field_form.jira_values(mine, changed, keep_empty=True, partial=screen.partial)
        once.submit_once(lambda: changed and jira.update_issue(key, fields=values), url_for("issues.show", key=key))
    except field_form.InputErrors as error:
        field_form.add_errors(form, error.errors)
        return _edit_page(form, screen, status=400)
    except (JiraError, once.Refused) as error:
        return drafts.sign_in_for(error) or _edit_page(form, screen, *field_form.explain(form, error))
    flash("Saved." if changed else "Nothing had changed, so nothing was sent.", "success")
    return redirect(url_for("issues.show", key=key))


@dataclass(frozen=True)
class EditScreen:
    """What the edit form offers for one issue.

    ``metas``: the fields offered (rich ones included when at least part of them is editable);
    ``partial``: rich fields edited in parts, the rest kept exactly; ``locked``: rich fields with
    nothing Markdown can carry, only shown.
    """

    issue: EditableIssue
    metas: list[FieldMeta]
    locked: list[FieldMeta]
    partial: dict[str, tuple[rich_text.Part, ...]]

    @classmethod
    def of(cls, issue: EditableIssue) -> EditScreen:
        settable = [jira_fields.offering(m, issue.values.get(m.id)) for m in issue.fields
                    if "set" in m.operations and jira_fields.kind_of(m) is not None]
        lossy = [m for m in settable if not jira_fields.is_lossless(m, issue.values.get(m.id))]
        parts = {m.id: rich_text.split(issue.values.get(m.id)) for m in lossy}
        partial = {field_id: split for field_id, split in parts.items() if rich_text.texts(split)}
        locked = [m for m in lossy if m.id not in partial]
        return cls(issue, [m for m in settable if m not in locked], locked, partial)

    def only(self, field_id: str) -> EditScreen:
        """Return this screen narrowed to one field (``?only=summary``: editing in place), or as it is."""
        if not field_id:
            return self
        return EditScreen(self.issue, [m for m in self.metas if m.id == field_id],
                          [m for m in self.locked if m.id == field_id],
                          {k: v for k, v in self.partial.items() if k == field_id})

    def current(self) -> dict:
        """Return Jira's current values as form input."""
        return {m.id: rich_text.SEPARATOR.join(rich_text.texts(self.partial[m.id])) if m.id in self.partial
                else jira_fields.to_form(m, self.issue.values.get(m.id)) for m in self.metas}

    def form(self, **options) -> EditForm:
        """Return the edit form (``options`` as for ``field_form.build``)."""
        return field_form.build(EditForm, self.metas, partial=self.partial, **options)

    def rows(self, form: EditForm) -> list:
        """Return the form's inputs for the template."""
        return field_form.rows(form, self.metas, self.partial)


def _conflict(screen: EditScreen, mine: dict, current: dict, base: dict, changed: list[FieldMeta]):
    """Show both versions: what this person changed and what changed in Jira meanwhile."""
    metas = screen.metas
    theirs = _theirs(metas, current, base)
    differences = [
        {"name": m.name, "mine": jira_fields.display(m, mine[m.id]), "theirs": jira_fields.display(m, current[m.id]),
         "by_me": m in changed, "by_them": m in theirs}
        for m in metas if m in changed or m in theirs
    ]
    form = screen.form(data={m.id: mine[m.id] if m in changed else current[m.id] for m in metas})
    form.updated.data, form.base.data = screen.issue.updated_raw, _digests(metas, current)
    return render_template(
        "issues/conflict.html", issue=screen.issue, form=form, rows=screen.rows(form), locked=screen.locked,
        differences=differences,
    ), 409


def _theirs(metas: list[FieldMeta], current: dict, base: dict) -> list[FieldMeta]:
    """Return the fields whose value in Jira is no longer the one the form was made with."""
    return [m for m in metas if jira_fields.fingerprint(m, current[m.id]) != base.get(m.id, jira_fields.fingerprint(m, current[m.id]))]


def _digests(metas: list[FieldMeta], current: dict) -> str:
    """Return the digest of each field's value as the form starts, as JSON for a hidden input."""
    return json.dumps({m.id: jira_fields.fingerprint(m, current[m.id]) for m in metas}, separators=(",", ":"))


def _parse_digests(raw: str | None) -> dict[str, str]:
    """Return the digests the form was made with; {} when missing (then compare with Jira's copy)."""
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def _edit_page(form, screen: EditScreen, status: int = 200, error=None):
    return render_template(
        "issues/edit.html", form=form, issue=screen.issue, rows=screen.rows(form), locked=screen.locked, error=error,
    ), status
