"""Forms generated from Jira's field metadata, for the create, edit and transition screens.

``build(base, metas, ...)`` makes a form (a subclass of ``base``) with one WTForms field per field this app can edit
(see ``jira_fields``), named by Jira's field id so Jira's own field errors land next
to the right input. A person picker is a select plus a ``<id>__query`` text input and a search
button, which works without JavaScript: the view fills the select with matches and re-renders.
Enter in that text input searches too, never submits the whole form: a browser presses the form's
own button then, so a query typed since the last search (``<id>__searched`` remembers it) is taken
as a search, not as the go-ahead to write.

Rich text that Markdown cannot carry whole is edited in parts (``partial``, from
``rich_text.split``): one ``<id>__part<n>`` text area per editable part, shown between the
parts kept as they are; the field's form value is the parts' texts joined by ``rich_text.SEPARATOR``.

``jira_values`` turns the form's input into the values Jira expects, and ``search_people`` runs
a person search whose button was pressed, for every screen built here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from jira_client.web.forms import jira_fields, once, rich_text
from jira_client.web.forms.text_area import TextAreaField
from jira_client.api.errors import JiraError
from jira_client.api.models import FieldMeta, User
from jira_client.web.errors import ErrorPage
from jira_client.web.jira import get_jira

QUERY_SUFFIX = "__query"
SEARCHED_SUFFIX = "__searched"
PART_SUFFIX = "__part"
MAX_TEXT_CHARS = 32_000  # Jira's limit on a text field is 32,767 characters
REQUIRED = "Jira needs a value here."


class InputErrors(Exception):
    """Form input that cannot become Jira values: ``errors`` maps field id to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Piece:
    """A part of a rich text edited in parts: a text area, or a kept document shown as it is."""

    field: Field | None = None
    doc: dict | None = None


@dataclass(frozen=True)
class Row:
    """One field as a template renders it."""

    meta: FieldMeta
    kind: str
    field: Field | None
    query: Field | None = None
    hint: str = ""
    pieces: tuple[Piece, ...] = ()


HINTS = {
    jira_fields.LABELS: "Separate labels with spaces.",
    jira_fields.RICH: "Markdown works: **bold**, _italic_, `code`, lists, links.",
    jira_fields.DATETIME: "In UTC.",
    jira_fields.PARENT: "The key of the parent issue, such as ACME-12.",
}


def build(base: type[FlaskForm], metas: Sequence[FieldMeta], *, data: dict[str, Any] | None = None,
          posted: bool = False, partial: dict[str, tuple[rich_text.Part, ...]] | None = None) -> FlaskForm:
    """Return a form of class ``base`` plus one input per editable field in ``metas``.

    ``data`` gives starting values (form input, as ``jira_fields.to_form`` makes it); ``posted``
    reads the request's form instead; ``partial`` names rich fields edited in parts.
    """
    attributes: dict[str, Field] = {}
    data = dict(data or {})
    for field_id, parts in (partial or {}).items():
        texts = str(data.pop(field_id, "") or "").split(rich_text.SEPARATOR)
        for number, text in enumerate(rich_text.texts(parts)):
            name = f"{field_id}{PART_SUFFIX}{number}"
            attributes[name] = TextAreaField(f"Part {number + 1}", [Length(max=MAX_TEXT_CHARS)], render_kw={"rows": 5})
            data.setdefault(name, texts[number] if number < len(texts) else "")
    for meta in metas:
        kind = jira_fields.kind_of(meta)
        if meta.id in (partial or {}):
            continue
        if kind is not None:
            attributes[meta.id] = _field(meta, kind)
            if kind == jira_fields.USER:
                attributes[meta.id + QUERY_SUFFIX] = StringField(f"Find a person for {meta.name}")
                attributes[meta.id + SEARCHED_SUFFIX] = HiddenField()
    form_class = type(base.__name__, (base,), attributes)
    form = form_class(data=data) if posted else form_class(formdata=None, data=data)
    for meta in metas:
        if jira_fields.kind_of(meta) == jira_fields.USER:
            offer_people(form[meta.id], meta, [])
    return form


def rows(form: FlaskForm, metas: Sequence[FieldMeta], partial: dict[str, tuple[rich_text.Part, ...]] | None = None) -> list[Row]:
    """Return the form's generated inputs in screen order, for the template."""
    found = []
    for meta in metas:
        if meta.id in (partial or {}):
            found.append(Row(meta, jira_fields.RICH, None, hint=HINTS[jira_fields.RICH], pieces=_pieces(form, meta.id, partial[meta.id])))
        elif meta.id in form._fields:
            found.append(Row(meta, jira_fields.kind_of(meta), form[meta.id], form._fields.get(meta.id + QUERY_SUFFIX),
                             HINTS.get(jira_fields.kind_of(meta), "")))
    return found


def list_fields(metas: Sequence[FieldMeta]) -> tuple[str, ...]:
    """Return the ids of the fields whose input is a list (several checkboxes)."""
    return tuple(m.id for m in metas if jira_fields.kind_of(m) == jira_fields.MULTI)


def values(form: FlaskForm, metas: Sequence[FieldMeta], partial: dict[str, tuple[rich_text.Part, ...]] | None = None) -> dict[str, Any]:
    """Return the form input of every generated field, by field id (parts joined for partial fields)."""
    found = {meta.id: form[meta.id].data for meta in metas if meta.id in form._fields}
    for field_id, parts in (partial or {}).items():
        count = len(rich_text.texts(parts))
        found[field_id] = rich_text.SEPARATOR.join(form[f"{field_id}{PART_SUFFIX}{n}"].data or "" for n in range(count))
    return found


def jira_values(raw: dict[str, Any], metas: Sequence[FieldMeta], keep_empty: bool,
                partial: dict[str, tuple[rich_text.Part, ...]] | None = None) -> dict[str, Any]:
    """Return form input as Jira values (``keep_empty``: send emptied fields, to clear them).

    A rich field edited in parts is put back together around the parts kept as they were.

    Raises:
        InputErrors: some input cannot be a value of its field.
    """
    found, errors = {}, {}
    for meta in metas:
        if meta.id not in raw:
            continue
        try:
            if meta.id in (partial or {}):
                value = rich_text.join(partial[meta.id], str(raw[meta.id]).split(rich_text.SEPARATOR))
            else:
                value = jira_fields.to_json(meta, raw[meta.id])
        except jira_fields.FieldInputError as error:
            errors[meta.id] = str(error)
            continue
        if keep_empty or value not in (None, []):
            found[meta.id] = value
    if errors:
        raise InputErrors(errors)
    return found


def search_people(form: FlaskForm, metas: Sequence[FieldMeta], **where: str) -> bool:
    """Run a person search instead of the write, when one was asked for; return whether it ran.

    Asked for means its button was pressed (``search=<field id>``), or its box holds a query not
    searched yet (Enter pressed there, or a name typed and never looked up). ``where`` says whom the
    person may be (``issue_key`` or ``project_key``), as Jira's assignable search takes it.
    """
    pickers = [m for m in metas if jira_fields.kind_of(m) == jira_fields.USER and m.id + QUERY_SUFFIX in form._fields]
    pressed = request.form.get("search", "")
    meta = next((m for m in pickers if m.id == pressed), None) or next((m for m in pickers if _unsearched(form, m)), None)
    if meta is None:
        return False
    query = (form[meta.id + QUERY_SUFFIX].data or "").strip()
    found = list(get_jira().search_assignable_users(query, **where)) if query else []
    offer_people(form[meta.id], meta, found)
    form[meta.id + SEARCHED_SUFFIX].data = query
    if not found:
        form[meta.id + QUERY_SUFFIX].errors = [f"Nobody matching “{query}” can be chosen here."]
    return True


def _unsearched(form: FlaskForm, meta: FieldMeta) -> bool:
    """Return whether the picker's box holds a query that was not searched yet."""
    query = (form[meta.id + QUERY_SUFFIX].data or "").strip()
    return bool(query) and query != (form[meta.id + SEARCHED_SUFFIX].data or "").strip()


def add_errors(form: FlaskForm, errors: dict[str, str]) -> dict[str, str]:
    """Put Jira's field errors next to their inputs; return those that have no input here."""
    leftover = {}
    for field_id, message in errors.items():
        if field_id in form._fields and field_id != "csrf_token":
            form[field_id].errors = [*form[field_id].errors, message]
        else:
            leftover[field_id] = message
    return leftover


def _pieces(form: FlaskForm, field_id: str, parts: tuple[rich_text.Part, ...]) -> tuple[Piece, ...]:
    """Return the parts of a rich field in order: text areas for the editable ones, documents for the rest."""
    numbers = iter(range(len(parts)))
    return tuple(Piece(doc=part.doc) if part.text is None else Piece(field=form[f"{field_id}{PART_SUFFIX}{next(numbers)}"])
                 for part in parts)


def select_choices(pairs: Sequence[tuple[str, str]]) -> list[SelectChoice]:
    """Return (value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _field(meta: FieldMeta, kind: str) -> Field:
    """Return the unbound WTForms field for one Jira field."""
    label = meta.name + (" *" if must_fill(meta) else "")
    checks = [InputRequired(REQUIRED)] if must_fill(meta) else []
    empty = "— Jira's default —" if meta.has_default else "— None —"
    if kind == jira_fields.RICH:
        return TextAreaField(label, checks + [Length(max=MAX_TEXT_CHARS)], render_kw={"rows": 8})
    if kind in (jira_fields.SELECT, jira_fields.CASCADE):
        return SelectField(label, checks, choices=select_choices([("", empty)] + jira_fields.choices(meta)), default="")
    if kind == jira_fields.MULTI:
        return SelectMultipleField(label, checks, choices=select_choices(jira_fields.choices(meta)),
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    if kind == jira_fields.USER:
        return SelectField(label, checks, choices=select_choices([("", empty)]), validate_choice=False, default="")
    input_types = {jira_fields.DATE: "date", jira_fields.DATETIME: "datetime-local"}
    render_kw = {"type": input_types[kind]} if kind in input_types else {}
    if kind == jira_fields.NUMBER:
        render_kw["inputmode"] = "decimal"
    if kind == jira_fields.TEXT:
        checks.append(Length(max=255 if meta.system == "summary" else MAX_TEXT_CHARS))
    return StringField(label, checks, render_kw=render_kw)


def must_fill(meta: FieldMeta) -> bool:
    """Return whether the person must fill the field in (required, and Jira has no default for it)."""
    return meta.required and not meta.has_default


def offer_people(field: SelectField, meta: FieldMeta, found: list[User]) -> None:
    """Offer the chosen person (if any) and a search's matches in a person picker."""
    offered = [(choice.value, choice.label) for choice in field.choices]
    chosen = field.data or ""
    if chosen:
        offered.append((chosen, jira_fields.display(meta, chosen)))
    offered += [(jira_fields.user_choice(u.account_id, u.display_name), u.display_name) for u in found]
    field.choices = select_choices(list(dict(offered).items()))
    if not chosen and len(found) == 1:
        field.data = jira_fields.user_choice(found[0].account_id, found[0].display_name)


FIELD_ERRORS_HINT = "Jira explained what it needs next to the fields below."


def explain(form: FlaskForm, error: JiraError | once.Refused) -> tuple[int, ErrorPage]:
    """Return (status, error box) for a failed submit, with Jira's field errors put on the form."""
    page = once.failure_page(error)
    if isinstance(error, once.Refused):
        return page.status, page
    leftover = add_errors(form, error.field_errors)
    if error.field_errors and not leftover:
        page = replace(page, hint=FIELD_ERRORS_HINT, details=error.details)
    return page.status, page
