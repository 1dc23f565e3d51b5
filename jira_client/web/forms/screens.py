"""One form per screen; validators check shape only and never call Jira.

CSRF: ``CSRFProtect`` checks every post in the app, and every template emits the token one way,
with the ``csrf_field()`` macro; so the forms here carry no CSRF field of their own.
"""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

MAX_COMMENT_CHARS = 32_000  # Jira's own limit on a comment's text is 32,767 characters


class AppForm(FlaskForm):
    """The base of every screen's form (CSRF is checked app-wide, see above)."""

    class Meta:
        csrf = False


class CommentForm(AppForm):
    body = TextAreaField(
        "Add a comment",
        validators=[DataRequired("Write something first."), Length(max=MAX_COMMENT_CHARS)],
        render_kw={"rows": 5, "placeholder": "Write a comment. Markdown works: **bold**, `code`, lists, links."},
    )


# -- the write forms whose inputs are fixed (the generated ones are in web/forms/field_form.py) ----
# Every write form also carries a one-time token, rendered by ``once_input`` in the template.


class CreateForm(AppForm):
    """Create an issue: the inputs come from createmeta."""


class EditForm(AppForm):
    """Edit an issue: the inputs come from editmeta; these two catch a colleague's change."""

    updated = HiddenField()  # Jira's ``updated`` when the form was made
    base = HiddenField()  # a digest of each field's value then (JSON), to tell who changed what


class TransitionForm(AppForm):
    """Move an issue through a transition whose screen asks for values."""

    comment = TextAreaField("Comment", [Length(max=MAX_COMMENT_CHARS)], render_kw={"rows": 4})


class AssignForm(AppForm):
    """Assign an issue: "me", "nobody" or a person found by the search (``accountId|name``).

    ``current`` is who it was assigned to when the form was made, so sending it unchanged (or
    with nothing chosen) changes nothing.
    """

    assignee = RadioField("Assignee", choices=[], validate_choice=False)
    current = HiddenField()


class LabelsForm(AppForm):
    """Add labels (separated by spaces) and remove one."""

    add = StringField("Add labels", [Length(max=1000)])
    remove = HiddenField()


class PriorityForm(AppForm):
    """Change an issue's priority."""

    priority = SelectField("Priority", [InputRequired("Choose a priority.")], choices=[])


class CommentEditForm(AppForm):
    """Change one's own comment."""

    body = TextAreaField(
        "Your comment", [DataRequired("Write something first."), Length(max=MAX_COMMENT_CHARS)], render_kw={"rows": 6},
    )


class ConfirmForm(AppForm):
    """Confirm a deletion: CSRF and the one-time token only."""


class AdminTokenForm(AppForm):
    """/setup in multi_user mode: the ADMIN_TOKEN that opens an emergency admin session."""

    admin_token = PasswordField("Admin token", [InputRequired("Enter the admin token.")])


class SaveFilterForm(AppForm):
    """Save a search as a new filter: a name (unique among the person's filters), the query, a note."""

    name = StringField("Filter name", [DataRequired("Give the filter a name."), Length(max=255)])
    jql = TextAreaField("Query (JQL)", [DataRequired("A filter needs a query."), Length(max=20_000)],
                        render_kw={"rows": 3})
    description = TextAreaField("Description (optional)", [Length(max=1000)], render_kw={"rows": 2})
