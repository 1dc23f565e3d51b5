"""Boards without Jira: the column mapping and limits, the models read from agile answers, and how a move is decided."""

from __future__ import annotations

import pytest

from jira_client.api import agile
from jira_client.api.agile_models import (Board, BoardConfig, Card, Column, IssueMoves, Sprint, lay_out,
                                          needs_form, show_estimate)
from jira_client.api.errors import AuthError, PermissionDenied
from jira_client.api.models import FieldMeta, Status, Transition, TransitionScreen
from jira_client.observability.jira_calls import operation_name
from jira_client.web.boards.board import BoardFilters, choose_sprint
from jira_client.web.boards.moves import FORM, SEND, STAY, Target, plan

TODO, DOING, REVIEW, DONE = "1", "3", "4", "5"

# The configuration example of Jira Software's OpenAPI description (GET board/{boardId}/configuration).
OPENAPI_CONFIGURATION = {
    "columnConfig": {"columns": [
        {"name": "To Do", "statuses": [{"id": "1", "self": "https://your-domain.atlassian.net/status/1"},
                                       {"id": "4", "self": "https://your-domain.atlassian.net/status/4"}]},
        {"max": 4, "min": 2, "name": "In progress", "statuses": [{"id": "3", "self": "https://your-domain.atlassian.net/status/3"}]},
        {"name": "Done", "statuses": [{"id": "5", "self": "https://your-domain.atlassian.net/status/5"}]}],
        "constraintType": "issueCount"},
    "estimation": {"field": {"displayName": "Story Points", "fieldId": "customfield_10002"}, "type": "field"},
    "filter": {"id": "1001", "self": "https://your-domain.atlassian.net/filter/1001"},
    "id": 10000,
    "location": {"id": "10010", "key": "PROJ", "name": "name", "self": "https://your-domain.atlassian.net/rest/api/3/project/10010", "type": "project"},
    "name": "Board", "ranking": {"rankCustomFieldId": 10020},
    "self": "https://your-domain.atlassian.net/rest/agile/1.0/board/84/config",
}


def card(key: str, status: str | None, subtask: bool = False) -> Card:
    return Card(id=key, key=key, summary=key, status=Status(name=f"s{status}", id=status) if status else None,
                issue_type=None, priority=None, assignee=None, subtask=subtask)


def config(*columns: Column, constraint: str = "issueCount") -> BoardConfig:
    return BoardConfig(id="7", name="B", type="kanban", columns=columns, constraint=constraint)


def keys_by_column(layout) -> list[list[str]]:
    return [[c.key for c in view.cards] for view in layout.columns]


# -- column mapping --

def test_cards_go_to_the_column_that_maps_their_status_in_the_configurations_order():
    board = config(Column("To Do", (TODO,)), Column("Doing", (DOING, REVIEW)), Column("Done", (DONE,)))
    layout = lay_out(board, [card("A-1", DONE), card("A-2", REVIEW), card("A-3", TODO), card("A-4", DOING)])
    assert [v.column.name for v in layout.columns] == ["To Do", "Doing", "Done"]
    assert keys_by_column(layout) == [["A-3"], ["A-2", "A-4"], ["A-1"]]  # Jira's (rank) order kept within a column
    assert layout.unmapped == ()


def test_a_status_no_column_maps_is_set_aside_and_a_status_in_two_columns_goes_to_the_first():
    board = config(Column("One", (TODO,)), Column("Two", (TODO, DONE)), Column("Empty", ()))
    layout = lay_out(board, [card("A-1", TODO), card("A-2", DONE), card("A-3", "99"), card("A-4", None)])
    assert keys_by_column(layout) == [["A-1"], ["A-2"], []]
    assert [c.key for c in layout.unmapped] == ["A-3", "A-4"]
    assert [v.reachable for v in layout.columns] == [True, True, False]


def test_the_columns_a_card_may_be_moved_to_are_the_others_that_hold_statuses():
    board = config(Column("To Do", (TODO,)), Column("Blocked", ()), Column("Doing", (DOING,)), Column("Done", (DONE,)))
    layout = lay_out(board, [])
    assert [(i, c.name) for i, c in layout.targets(0)] == [(2, "Doing"), (3, "Done")]
    assert [(i, c.name) for i, c in layout.targets(3)] == [(0, "To Do"), (2, "Doing")]


@pytest.mark.parametrize("count, under, over", [(1, True, False), (2, False, False), (4, False, False), (5, False, True)])
def test_column_limits_are_marked_when_broken(count, under, over):
    board = config(Column("Doing", (DOING,), min=2, max=4))
    [view] = lay_out(board, [card(f"A-{n}", DOING) for n in range(count)]).columns
    assert (view.counted, view.under_min, view.over_max) == (count, under, over)


def test_limits_that_leave_out_subtasks_count_only_the_other_issues():
    board = config(Column("Doing", (DOING,), max=1), constraint="issueCountExclSubs")
    [view] = lay_out(board, [card("A-1", DOING), card("A-2", DOING, subtask=True)]).columns
    assert view.counted == 1 and not view.over_max and len(view.cards) == 2


@pytest.mark.parametrize("constraint, check", [("none", True), ("issueCount", False)])
def test_no_limit_is_broken_without_a_constraint_or_on_a_filtered_board(constraint, check):
    board = config(Column("Doing", (DOING,), min=3, max=0), constraint=constraint)
    [view] = lay_out(board, [card("A-1", DOING)], check_limits=check).columns
    assert not view.under_min and not view.over_max


# -- what Jira Software answers, as models --

def test_the_configuration_example_of_the_openapi_description_reads_whole():
    board = BoardConfig.from_api(OPENAPI_CONFIGURATION)
    assert (board.id, board.name, board.project_key, board.constraint) == ("10000", "Board", "PROJ", "issueCount")
    assert board.columns == (Column("To Do", ("1", "4")), Column("In progress", ("3",), min=2, max=4), Column("Done", ("5",)))
    assert (board.estimation_field, board.estimation_name) == ("customfield_10002", "Story Points")
    assert board.is_scrum  # no "type" in the example: an estimation field means sprints
    assert board.card_fields == ("summary", "status", "issuetype", "priority", "assignee", "labels", "customfield_10002")


@pytest.mark.parametrize("body", [{}, {"columnConfig": None, "estimation": "x", "location": []},
                                  {"columnConfig": {"columns": [None, {"statuses": [{"id": True}, {}]}]}, "type": "kanban"}])
def test_a_configuration_with_missing_or_odd_parts_still_reads(body):
    board = BoardConfig.from_api(body)
    assert board.card_fields[:2] == ("summary", "status") and not board.estimation_field
    assert all(column.status_ids == () for column in board.columns)


def test_a_board_and_a_sprint_read_as_the_openapi_examples_show_them():
    board = Board.from_api({"id": 84, "name": "scrum board", "type": "scrum", "self": "https://x/rest/agile/1.0/board/84",
                            "location": {"projectKey": "EX", "projectName": "Example", "projectId": 10040}})
    assert board == Board("84", "scrum board", "scrum", "EX", "Example")
    sprint = Sprint.from_api({"id": 37, "state": "closed", "name": "sprint 1", "startDate": "2015-04-11T15:22:00.000+10:00",
                              "endDate": "2015-04-20T01:22:00.000Z", "goal": "sprint 1 goal"})
    assert (sprint.id, sprint.state, sprint.goal, sprint.start.utcoffset().total_seconds(), sprint.end.hour) == (
        "37", "closed", "sprint 1 goal", 36000, 1)
    assert Sprint.from_api({"id": 72, "state": "future", "name": "sprint 2"}).start is None


def test_a_card_shows_its_assignees_initials_and_its_estimate():
    data = {"id": "1", "key": "A-1", "fields": {"summary": "S", "assignee": {"accountId": "x", "displayName": "Alice van Anders"},
                                                 "labels": ["ux", 3], "customfield_1": 2.5, "issuetype": {"name": "Sub-task", "subtask": True}}}
    shown = Card.from_api(data, "customfield_1")
    assert (shown.initials, shown.estimate, shown.labels, shown.subtask) == ("AA", "2.5", ("ux",), True)
    assert Card.from_api({"key": "A-2", "fields": None}).initials == ""


@pytest.mark.parametrize("value, field, shown", [
    (3, "customfield_10016", "3"), (3.0, "customfield_10016", "3"), (0.5, "customfield_10016", "0.5"),
    (None, "customfield_10016", ""), ("8", "customfield_10016", ""), (True, "customfield_10016", ""),
    (5400, "timeoriginalestimate", "1h 30m"), (7200, "timeoriginalestimate", "2h"), (0, "timeestimate", "0m"),
])
def test_estimates_show_points_as_numbers_and_time_as_hours(value, field, shown):
    assert show_estimate(value, field) == shown


# -- choosing the sprint, filtering --

SPRINTS = (Sprint("2", "S2", "active"), Sprint("3", "S3", "future"))


@pytest.mark.parametrize("wanted, shown, noticed", [("", "2", False), ("3", "3", False), ("9", "2", True)])
def test_the_active_sprint_is_shown_unless_another_open_one_is_asked_for(wanted, shown, noticed):
    sprint, notice = choose_sprint(SPRINTS, wanted)
    assert sprint.id == shown and bool(notice) == noticed


def test_no_active_sprint_shows_none():
    assert choose_sprint((Sprint("3", "S3", "future"),), "") == (None, "")


def test_the_board_filters_become_jql_with_the_text_quoted():
    filters = BoardFilters.from_values({"mine": "1", "q": 'say "hi" \\ now', "sprint": "x1"})
    assert filters.jql() == 'assignee = currentUser() AND text ~ "say \\"hi\\" \\\\ now"'
    assert filters.narrowing and filters.args() == {"mine": "1", "q": 'say "hi" \\ now'}
    assert BoardFilters.from_values({"sprint": "12"}).jql() == "" and not BoardFilters.from_values({}).narrowing


# -- moving a card --

def screen(transition_id: str, to: str, *fields: FieldMeta) -> TransitionScreen:
    return TransitionScreen(Transition(transition_id, f"to {to}", Status(f"S{to}", id=to), has_screen=bool(fields)), fields)


RESOLUTION = FieldMeta("resolution", "Resolution", required=True, type="resolution", system="resolution")
COMMENT = FieldMeta("comment", "Comment", required=True, type="comments-page", system="comment")
MOVES = IssueMoves("A-1", Status("To Do", id=TODO), (screen("11", TODO), screen("21", DOING), screen("41", DONE, RESOLUTION)))
DOING_OR_REVIEW = Target("In Progress", frozenset({DOING, REVIEW}))


def test_a_move_takes_the_transition_into_a_status_of_the_column():
    decided = plan("A-1", MOVES, DOING_OR_REVIEW, TODO)
    assert decided.action == SEND and decided.screen.transition.id == "21"


def test_a_transition_whose_screen_requires_a_field_opens_its_form_and_one_without_is_preferred():
    assert plan("A-1", MOVES, Target("Done", frozenset({DONE})), TODO).action == FORM
    both = IssueMoves("A-1", MOVES.status, (screen("41", DONE, RESOLUTION), screen("42", DONE, COMMENT)))
    decided = plan("A-1", both, Target("Done", frozenset({DONE})), TODO)
    assert (decided.action, decided.screen.transition.id) == (SEND, "42")  # a required comment is not a blocker
    assert not needs_form(screen("43", DONE, FieldMeta("resolution", "R", True, "resolution", has_default=True)))


@pytest.mark.parametrize("moves, target, shown, category, words", [
    (MOVES, Target("To Do", frozenset({TODO})), TODO, "info", "is already in “To Do”"),
    (MOVES, Target("To Do", frozenset({TODO})), DOING, "info", "was already moved to To Do meanwhile"),
    (MOVES, DOING_OR_REVIEW, DONE, "error", "it moved to To Do since this board was shown"),
    (MOVES, Target("Blocked", frozenset()), TODO, "error", "no status is mapped to “Blocked”"),
    (IssueMoves("A-1", MOVES.status, ()), DOING_OR_REVIEW, TODO, "error", "Jira offers you no transition on it"),
    (IssueMoves("A-1", MOVES.status, (screen("41", DONE),)), DOING_OR_REVIEW, TODO, "error",
     "none of the transitions Jira offers from To Do (S5) leads into “In Progress”"),
])
def test_a_card_stays_and_the_message_says_why(moves, target, shown, category, words):
    decided = plan("A-1", moves, target, shown)
    assert decided.action == STAY and decided.category == category and words in decided.message


@pytest.mark.parametrize("value, parsed", [
    ("10001,10002|In Progress", Target("In Progress", frozenset({"10001", "10002"}))),
    ("|Blocked", Target("Blocked", frozenset())),
    ("10003|", Target("that column", frozenset({"10003"}))),
    ("10003", None), ("abc|Done", None), ("1,../x|Done", None), ("", None),
])
def test_the_target_column_is_read_from_the_form_strictly(value, parsed):
    assert Target.parse(value) == parsed


# -- scopes and call names --

def test_each_page_asks_for_the_scopes_of_its_calls_once():
    assert agile.scopes_for("list_sprints", "list_sprint_issues") == (
        "read:sprint:jira-software", "read:issue-details:jira", "read:jql:jira")
    assert set(agile.ALL_SCOPES) >= {"read:board-scope.admin:jira-software", "write:sprint:jira-software",
                                     "write:board-scope:jira-software", "read:project:jira"}


def test_only_the_gateways_scope_refusal_counts_as_a_missing_scope():
    assert agile.lacks_scope(AuthError(status=401, details=("Unauthorized; scope does not match",)))
    assert not agile.lacks_scope(AuthError(status=401, details=("Unauthorized",)))
    assert not agile.lacks_scope(PermissionDenied(status=403, details=("scope does not match",)))


def test_agile_calls_are_named_without_ids_in_metrics():
    url = "https://api.atlassian.com/ex/jira/c1/rest/agile/1.0/board/84/sprint/37/issue?fields=summary"
    assert operation_name("GET", url) == "GET agile/board/{id}/sprint/{id}/issue"
    assert operation_name("POST", "https://x.atlassian.net/rest/agile/1.0/backlog/issue") == "POST agile/backlog/issue"
