"""Everything under /projects: the list, one project's issues, creating an issue, people to mention.

The URL table is here, in one place; the views live in ``browse.py`` and ``create.py``.
"""

from flask import Blueprint

from jira_client.web import people
from jira_client.web.projects import browse, create

bp = Blueprint("projects", __name__, url_prefix="/projects")
bp.add_url_rule("", view_func=browse.index)
bp.add_url_rule("/<project_key:key>", view_func=browse.show)
bp.add_url_rule("/<project_key:key>/issues/new", view_func=create.new_issue, methods=["GET", "POST"])
bp.add_url_rule("/<project_key:key>/people", "people", view_func=people.for_project)
