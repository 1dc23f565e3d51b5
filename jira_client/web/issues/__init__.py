"""Everything under /issues/<key>: the issue page, editing, the workflow, comments, people to mention.

The URL table is here, in one place; the views live in ``page.py``, ``edit.py``,
``workflow.py`` (transitions, assignee, labels, priority), ``comments.py``, ``links.py``,
``worklog.py``, ``watchers.py`` and ``hierarchy.py`` (children); ``activity.py`` and ``sections.py``
feed the issue page's newer sections.
"""

from flask import Blueprint

from jira_client.web import people
from jira_client.web.issues import comments, edit, hierarchy, links, page, watchers, workflow, worklog

READ_WRITE = ["GET", "POST"]

bp = Blueprint("issues", __name__, url_prefix="/issues/<issue_key:key>")
bp.add_url_rule("", view_func=page.show)
bp.add_url_rule("/edit", view_func=edit.edit, methods=READ_WRITE)
bp.add_url_rule("/transitions/<numeric_id:transition_id>", view_func=workflow.transition, methods=READ_WRITE)
bp.add_url_rule("/assignee", view_func=workflow.assign, methods=READ_WRITE)
bp.add_url_rule("/labels", view_func=workflow.labels, methods=READ_WRITE)
bp.add_url_rule("/priority", view_func=workflow.priority, methods=READ_WRITE)
bp.add_url_rule("/comments", view_func=comments.add_comment, methods=["POST"])
bp.add_url_rule("/comments/<numeric_id:comment_id>/edit", view_func=comments.edit_comment, methods=READ_WRITE)
bp.add_url_rule("/comments/<numeric_id:comment_id>/delete", view_func=comments.delete_comment, methods=READ_WRITE)
bp.add_url_rule("/people", "people", view_func=people.for_issue)
bp.add_url_rule("/links/new", view_func=links.new_link, methods=READ_WRITE)
bp.add_url_rule("/links/<numeric_id:link_id>/delete", view_func=links.delete_link, methods=["POST"])
bp.add_url_rule("/worklog/new", view_func=worklog.log_work, methods=READ_WRITE)
bp.add_url_rule("/worklog/<numeric_id:worklog_id>/edit", view_func=worklog.edit_worklog, methods=READ_WRITE)
bp.add_url_rule("/worklog/<numeric_id:worklog_id>/delete", view_func=worklog.delete_worklog, methods=READ_WRITE)
bp.add_url_rule("/watchers", view_func=watchers.watchers)
bp.add_url_rule("/watch", view_func=watchers.watch, methods=["POST"])
bp.add_url_rule("/children", view_func=hierarchy.children)
