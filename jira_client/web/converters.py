"""URL converters that refuse malformed Jira keys and ids while routing, before any call to Jira."""

from typing import Callable

from flask import abort
from werkzeug.routing import BaseConverter, ValidationError

from jira_client.api import keys


class _JiraPartConverter(BaseConverter):
    """A path part checked by one of ``keys``' validators; a value it refuses is a 404."""

    validate: Callable[[str], str]

    def to_python(self, value: str) -> str:
        try:
            return type(self).validate(value)
        except keys.InvalidKey as exc:
            raise ValidationError() from exc


class IssueKeyConverter(_JiraPartConverter):
    """``/issues/<issue_key:key>``: ``proj-12`` becomes ``PROJ-12``; ``../../myself`` is a 404."""

    regex = r"[A-Za-z][A-Za-z0-9_]{0,254}-[0-9]{1,18}"
    validate = keys.issue_key


class ProjectKeyConverter(_JiraPartConverter):
    """``/projects/<project_key:key>``: letters, digits and underscores, starting with a letter."""

    regex = r"[A-Za-z][A-Za-z0-9_]{0,254}"
    validate = keys.project_key


class NumericIdConverter(_JiraPartConverter):
    """``/comments/<numeric_id:comment_id>``: a Jira id (digits only); anything else is a 404."""

    regex = r"[0-9]{1,18}"
    validate = keys.numeric_id


def numeric_id_or_404(value: str) -> str:
    """Return ``value`` as a Jira id, or answer 404 (for an id given in the query string)."""
    try:
        return keys.numeric_id(value)
    except keys.InvalidKey:
        abort(404)


CONVERTERS = {"issue_key": IssueKeyConverter, "project_key": ProjectKeyConverter, "numeric_id": NumericIdConverter}
