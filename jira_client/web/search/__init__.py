"""Everything under /search: the results page, quick search, list columns and the JQL box's helpers.

The URL table is here, in one place; the views live in ``page.py`` (the page), ``quick.py``
(the top bar's box), ``assist.py`` (JSON for the JQL box's suggestions) and, shared with the
project pages, ``web/issue_columns.py`` (choosing columns, sorting by them).
"""

from flask import Blueprint

from jira_client.web import issue_columns
from jira_client.web.search import assist, page, quick

bp = Blueprint("search", __name__, url_prefix="/search")
bp.add_url_rule("", view_func=page.index, methods=["GET", "POST"])
bp.add_url_rule("/quick", view_func=quick.quick)
bp.add_url_rule("/columns", view_func=issue_columns.save, methods=["POST"])
bp.add_url_rule("/jql/reference", view_func=assist.reference)
bp.add_url_rule("/jql/values", view_func=assist.values)
