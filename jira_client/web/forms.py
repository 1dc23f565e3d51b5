"""One form per screen; validators check shape only and never call Jira."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

MAX_COMMENT_CHARS = 32_000  # Jira's own limit on a comment's text is 32,767 characters


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Add a comment",
        validators=[DataRequired("Write something first."), Length(max=MAX_COMMENT_CHARS)],
        render_kw={"rows": 5, "placeholder": "Write a comment. Markdown works: **bold**, `code`, lists, links."},
    )
