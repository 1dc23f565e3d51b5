"""Moving a card to another column: find the transition into one of the column's statuses, and take it.

A move costs two calls: the issue's status and transitions (with their screens' fields, in one
call), then the transition. The card's form says which statuses the target column holds and the
status the card had when the board was drawn, so the move needs no board configuration. The
person ends up back on the board, with a message saying what happened:

- the issue moved meanwhile, or is already in that column: nothing is sent;
- no transition Jira offers leads into the column (or none at all: no permission): nothing is sent;
- the transition's screen has a required field: the person lands on the issue's transition form,
  which leads back to the board when done;
- otherwise the transition is sent once (``submit_once``: a double click moves once); a refusal
  (a validator, a permission, a conflict) leaves the card where it was and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, request, url_for

from jira_client.api import keys
from jira_client.api.agile_models import IssueMoves, needs_form
from jira_client.api.errors import AuthError, BadRequest, JiraError
from jira_client.api.models import TransitionScreen
from jira_client.web.boards.access import get_agile, needs_scopes
from jira_client.web.boards.board import BoardFilters, board_url
from jira_client.web.boards.outcomes import refused, renew_sign_in
from jira_client.web.forms import once
from jira_client.web.jira import login_required

MAX_COLUMN_NAME = 255
SEND, FORM, STAY = "send", "form", "stay"


@dataclass(frozen=True)
class Target:
    """The column a card is dropped on: its name and the ids of the statuses it holds."""

    name: str
    status_ids: frozenset[str]

    @classmethod
    def parse(cls, value: str) -> Target | None:
        """Return the target a form's ``to`` names ("10001,10002|In Progress"), or None when malformed."""
        ids, bar, name = value.partition("|")
        parts = [part for part in ids.split(",") if part]
        if not bar or not all(keys.NUMERIC_ID_RE.fullmatch(part) for part in parts):
            return None
        return cls(name=name.strip()[:MAX_COLUMN_NAME] or "that column", status_ids=frozenset(parts))


@dataclass(frozen=True)
class Plan:
    """What a move comes to: send a transition, open its form, or stay (with why, and how to say it)."""

    action: str
    screen: TransitionScreen | None = None
    message: str = ""
    category: str = "error"


def plan(key: str, moves: IssueMoves, target: Target, shown_status: str) -> Plan:
    """Return what moving issue ``key`` into ``target`` takes, given where it is now and what Jira offers."""
    now = moves.status
    here = now.name if now else "its status"
    if now is not None and now.id in target.status_ids:
        moved = shown_status and shown_status != now.id
        said = f"{key} was already moved to {here} meanwhile." if moved else f"{key} is already in “{target.name}”."
        return Plan(STAY, message=said, category="info")
    if shown_status and now is not None and shown_status != now.id:
        return Plan(STAY, message=f"{key} was not moved: it moved to {here} since this board was shown. "
                                  "The board below shows where everything is now.")
    if not target.status_ids:
        return Plan(STAY, message=f"{key} was not moved: no status is mapped to “{target.name}”, "
                                  "so no issue can go there. The board's configuration decides that.")
    if not moves.transitions:
        return Plan(STAY, message=f"{key} was not moved: Jira offers you no transition on it. "
                                  "You may not have permission to move issues in this project.")
    found = moves.into(target.status_ids)
    if not found:
        offered = ", ".join(dict.fromkeys(t.transition.to.name for t in moves.transitions if t.transition.to))
        return Plan(STAY, message=f"{key} was not moved: none of the transitions Jira offers from {here} "
                                  f"({offered}) leads into “{target.name}”.")
    return Plan(FORM if needs_form(found[0]) else SEND, screen=found[0])


def _back(board_id: str) -> str:
    """Return the board page the move was made from, with its filters and sprint."""
    return board_url(board_id, BoardFilters.from_values(request.form))


@login_required
@needs_scopes(page_of=lambda board_id: url_for("boards.show", board_id=board_id))
def move(board_id: str):
    """Move one card (POST ``issue``, ``to``, ``from``), then go back to the board."""
    if request.method == "GET":
        return redirect(url_for("boards.show", board_id=board_id))
    back = _back(board_id)
    earlier = once.earlier_result()
    if earlier:
        return redirect(earlier, 303)
    target = Target.parse(request.form.get("to", ""))
    try:
        key = keys.issue_key(request.form.get("issue", ""))
    except keys.InvalidKey:
        target = None
    if target is None:
        flash("Choose a column to move the card to.", "error")
        return redirect(back, 303)
    try:
        decided = plan(key, get_agile().get_moves(key), target, request.form.get("from", ""))
    except AuthError as error:
        return renew_sign_in(error, back)
    except JiraError as error:
        return refused(key, error, back)
    if decided.action == STAY:
        flash(decided.message, decided.category)
        return redirect(back, 303)
    transition = decided.screen.transition
    if decided.action == FORM:
        return redirect(url_for("issues.transition", key=key, transition_id=transition.id, back=back), 303)
    try:
        outcome = once.submit_once(lambda: get_agile().jira.transition_issue(key, transition.id), back)
    except once.Refused as refusal:
        return refused(key, refusal, back)
    except AuthError as error:
        return renew_sign_in(error, back)
    except BadRequest as error:
        if error.field_errors:  # the screen wants values after all: its form asks for them
            flash(f"Jira needs more before {key} can move to {transition.to.name if transition.to else transition.name}.", "error")
            return redirect(url_for("issues.transition", key=key, transition_id=transition.id, back=back), 303)
        return refused(key, error, back)
    except JiraError as error:
        return refused(key, error, back)
    if not outcome.repeated:
        flash(f"{key} moved to {transition.to.name if transition.to else transition.name}.", "success")
    return redirect(outcome.url, 303)
