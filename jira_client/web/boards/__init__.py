"""Everything under /boards: Jira Software's boards, a board with its cards, moving cards, a scrum backlog.

The URL table is here, in one place; the views live in ``listing.py`` (the boards list),
``board.py`` (one board), ``moves.py`` (a card to another column), ``backlog.py`` (sprints and
backlog); ``access.py`` holds the Jira Software calls and scope checks they share. The two move
URLs answer GET with their page (where a sign-in that ended mid-move comes back to).
"""

from flask import Blueprint

from jira_client.web.boards import backlog, board, listing, moves

bp = Blueprint("boards", __name__, url_prefix="/boards")
bp.add_url_rule("", view_func=listing.index)
bp.add_url_rule("/<numeric_id:board_id>", view_func=board.show)
bp.add_url_rule("/<numeric_id:board_id>/move", view_func=moves.move, methods=["GET", "POST"])
bp.add_url_rule("/<numeric_id:board_id>/backlog", "backlog", view_func=backlog.show)
bp.add_url_rule("/<numeric_id:board_id>/backlog/move", "backlog_move", view_func=backlog.move, methods=["GET", "POST"])
