"""One form per screen; validators check shape only and never call Jira.

CSRF: ``CSRFProtect`` checks every post in the app, and every template emits the token one way,
with the ``csrf_field()`` macro; so the forms here carry no CSRF field of their own.
"""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from jira_client.api import durations
from jira_client.web.forms.text_area import TextAreaField

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


class CommentPartsForm(AppForm):
    """Change one's own comment around what Markdown cannot carry (images): one text area per editable part.

    The text areas are added per comment by ``field_form.build`` (see ``issues/comments.py``).
    """


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
# -- links, work log (the issue page's "more" sections) ------------------------------------------


class DurationText:
    """Validate a duration in Jira's notation (``1w 2d 3h 30m``) without calling Jira."""

    def __init__(self, optional: bool = False) -> None:
        self.optional = optional

    def __call__(self, form, field) -> None:
        if self.optional and not (field.data or "").strip():
            return
        try:
            durations.parse(field.data)
        except durations.DurationError as error:
            raise ValidationError(str(error)) from None


class LinkForm(AppForm):
    """Link this issue to another: a link type and direction, and the other issue by key or words."""

    link_type = SelectField("This issue", [InputRequired("Choose how the issues relate.")], choices=[])
    target = StringField("Issue", [Length(max=200)],
                         render_kw={"placeholder": "A key such as ACME-12, or words from its summary"})
    choice = RadioField("Matching issues", choices=[], validate_choice=False)


ADJUST_CHOICES = {
    "auto": "Adjust automatically",
    "new": "Set to",
    "manual": "Reduce by",
    "leave": "Leave the estimate as it is",
}


class WorklogForm(AppForm):
    """Log work: time spent in Jira's notation, when it started (UTC), a comment, the remaining estimate."""

    time_spent = StringField("Time spent", [DurationText()], render_kw={"placeholder": "1w 2d 3h 30m"})
    started_date = StringField("Date started", [InputRequired("Enter the day the work started.")],
                               render_kw={"type": "date"})
    started_time = StringField("Time started (UTC)", [InputRequired("Enter the time the work started.")],
                               render_kw={"type": "time"})
    comment = TextAreaField("Work description", [Length(max=MAX_COMMENT_CHARS)], render_kw={"rows": 4})
    adjust = RadioField("Remaining estimate", choices=[SelectChoice(k, v) for k, v in ADJUST_CHOICES.items()],
                        default="auto")
    new_estimate = StringField("New remaining estimate", [DurationText(optional=True)], render_kw={"placeholder": "2d"})
    reduce_by = StringField("Reduce the remaining estimate by", [DurationText(optional=True)],
                            render_kw={"placeholder": "4h"})

    def validate_new_estimate(self, field) -> None:
        if self.adjust.data == "new" and not (field.data or "").strip():
            raise ValidationError("Enter the new remaining estimate, such as 2d.")

    def validate_reduce_by(self, field) -> None:
        if self.adjust.data == "manual" and not (field.data or "").strip():
            raise ValidationError("Enter how much to take off the remaining estimate, such as 4h.")


class WorklogEditForm(WorklogForm):
    """Change one's own work log entry (Jira offers no "reduce by" when changing one)."""

    adjust = RadioField("Remaining estimate", choices=[SelectChoice(k, v) for k, v in ADJUST_CHOICES.items() if k != "manual"],
                        default="auto")


class WorklogDeleteForm(AppForm):
    """Delete one's own work log entry, saying what happens to the remaining estimate."""

    adjust = RadioField("Remaining estimate", default="auto", choices=[SelectChoice(k, v) for k, v in (
        ("auto", "Adjust automatically (add the time back)"), ("new", "Set to"), ("manual", "Increase by"),
        ("leave", "Leave the estimate as it is"))])
    new_estimate = StringField("New remaining estimate", [DurationText(optional=True)])
    increase_by = StringField("Increase the remaining estimate by", [DurationText(optional=True)])

    def validate_new_estimate(self, field) -> None:
        if self.adjust.data == "new" and not (field.data or "").strip():
            raise ValidationError("Enter the new remaining estimate, such as 2d.")

    def validate_increase_by(self, field) -> None:
        if self.adjust.data == "manual" and not (field.data or "").strip():
            raise ValidationError("Enter how much to add to the remaining estimate, such as 4h.")
