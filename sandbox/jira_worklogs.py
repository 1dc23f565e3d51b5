"""Work log routes: list (offset pages), get, add, change and delete entries, moving time tracking.

``adjustEstimate`` works as Jira's: ``auto`` (the default) takes the time logged off the remaining
estimate (gives it back on delete), ``new`` sets ``newEstimate``, ``manual`` moves it by ``reduceBy``
(``increaseBy`` on delete), ``leave`` keeps it; the estimate never goes below zero. Logging work
needs Work On Issues (the sandbox's ``may_edit``); changing or deleting an entry, being its author
or an admin. Refusals are 400s with Jira's texts, as the OpenAPI description lists them.
"""

from datetime import datetime

from flask import Blueprint, request

from sandbox import durations, fields, render_extras
from sandbox.jira_http import READ, WRITE, ApiError, api_route, caller, int_arg, json_body, no_content, reply, visible_issue, world
from sandbox.world_extras import AUTO, LEAVE, MANUAL, NEW

bp = Blueprint("jira_worklogs", __name__)

PAGE_CAP = 5000
NO_WORKLOG = "Worklog must not be null."
NO_PERMISSION = "You do not have the permission to associate a worklog to this issue."
NOT_YOURS = "You do not have permission to edit or delete this worklog."
ADJUSTMENTS = {"add": (AUTO, NEW, LEAVE, MANUAL), "update": (AUTO, NEW, LEAVE), "delete": (AUTO, NEW, LEAVE, MANUAL)}
STARTED_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


@api_route(bp, "issue/<issueIdOrKey>/worklog", READ)
def list_worklogs(issueIdOrKey: str):
    """Return a page of an issue's work log entries, oldest first (``startedAfter``/``Before`` in ms)."""
    issue = visible_issue(issueIdOrKey)
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", PAGE_CAP), PAGE_CAP)
    entries = list(world().worklogs(issue["id"]))
    after, before = request.args.get("startedAfter"), request.args.get("startedBefore")
    if after is not None:
        entries = [w for w in entries if _millis(w["started"]) >= int_arg("startedAfter", 0)]
    if before is not None:
        entries = [w for w in entries if _millis(w["started"]) < int_arg("startedBefore", 0)]
    page = entries[start_at:start_at + max_results]
    return reply({"startAt": start_at, "maxResults": max_results, "total": len(entries),
                  "worklogs": [render_extras.worklog(caller().links, issue["id"], w) for w in page]})


@api_route(bp, "issue/<issueIdOrKey>/worklog/<id>", READ)
def get_worklog(issueIdOrKey: str, id: str):
    """Return one work log entry."""
    issue = visible_issue(issueIdOrKey)
    return reply(render_extras.worklog(caller().links, issue["id"], _entry(issue, id)))


@api_route(bp, "issue/<issueIdOrKey>/worklog", WRITE, methods=("POST",))
def add_worklog(issueIdOrKey: str):
    """Log work; 201 with the new entry."""
    issue = visible_issue(issueIdOrKey)
    if not caller().may_edit(issue["fields"]["project"]["key"]):
        raise ApiError(400, [NO_PERMISSION])
    body = json_body()
    adjust = _adjustment("add")
    seconds = _spent(body)
    started = _started(body)
    entry = world().add_worklog(issue["id"], caller().account_id, seconds, started, _comment(body), adjust)
    return reply(render_extras.worklog(caller().links, issue["id"], entry), 201)


@api_route(bp, "issue/<issueIdOrKey>/worklog/<id>", WRITE, methods=("PUT",))
def update_worklog(issueIdOrKey: str, id: str):
    """Change one's own entry (time, start, comment); 200 with the entry."""
    issue = visible_issue(issueIdOrKey)
    _mine(_entry(issue, id))
    body = json_body()
    adjust = _adjustment("update")
    changes = {}
    if body.get("timeSpent") is not None or body.get("timeSpentSeconds") is not None:
        changes["seconds"] = _spent(body)
    if body.get("started") is not None:
        changes["started"] = _started(body)
    if "comment" in body:
        changes["comment"] = _comment(body)
    entry = world().update_worklog(issue["id"], id, caller().account_id, changes, adjust)
    if entry is None:
        raise ApiError(404, [_gone(id)])
    return reply(render_extras.worklog(caller().links, issue["id"], entry))


@api_route(bp, "issue/<issueIdOrKey>/worklog/<id>", WRITE, methods=("DELETE",))
def delete_worklog(issueIdOrKey: str, id: str):
    """Delete one's own entry; 204."""
    issue = visible_issue(issueIdOrKey)
    _mine(_entry(issue, id))
    adjust = _adjustment("delete")
    if not world().delete_worklog(issue["id"], id, caller().account_id, adjust):
        raise ApiError(404, [_gone(id)])
    return no_content()


def _gone(worklog_id: str) -> str:
    return f"Cannot find worklog with id: {worklog_id}"


def _entry(issue: dict, worklog_id: str) -> dict:
    found = world().worklog(issue["id"], worklog_id)
    if found is None:
        raise ApiError(404, [_gone(worklog_id)])
    return found


def _mine(entry: dict) -> None:
    """Refuse a change to someone else's entry (admins may change any, as "Edit all worklogs" allows)."""
    if entry["author"] != caller().account_id and not caller().user.get("admin"):
        raise ApiError(400, [NOT_YOURS])


def _spent(body: dict) -> int:
    """Return the seconds a body logs (``timeSpentSeconds`` or ``timeSpent``); raise Jira's 400."""
    raw_seconds, text = body.get("timeSpentSeconds"), body.get("timeSpent")
    if raw_seconds is not None:
        if isinstance(raw_seconds, bool) or not isinstance(raw_seconds, int) or raw_seconds < 0 or raw_seconds > durations.MAX_SECONDS:
            raise _time_error("Invalid time duration entered.")
        seconds = raw_seconds
    elif text is None or (isinstance(text, str) and not text.strip()):
        raise _time_error("You must indicate the time spent working.")
    else:
        try:
            seconds = durations.parse(text)
        except ValueError:
            raise _time_error("Invalid time duration entered.") from None
    if seconds < 60:
        raise _time_error("Time Spent can not be zero.")
    return seconds


def _time_error(message: str) -> ApiError:
    return ApiError(400, [NO_WORKLOG], {"timeLogged": message})


def _started(body: dict) -> str:
    raw = body.get("started")
    try:
        moment = datetime.strptime(raw, STARTED_FORMAT)
    except (TypeError, ValueError):
        raise ApiError(400, [], {"started": "You must specify a date on which the work occurred."}) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def _comment(body: dict):
    comment = body.get("comment")
    if comment is None:
        return None
    if not fields.is_adf(comment):
        raise ApiError(400, [], {"comment": fields.NOT_ADF})
    return comment or None


def _adjustment(action: str) -> tuple:
    """Return (mode, seconds) from ``adjustEstimate`` and its companion parameter; Jira's 400 when wrong."""
    mode = request.args.get("adjustEstimate", AUTO).lower()
    if mode not in ADJUSTMENTS[action]:
        raise ApiError(400, [f"Illegal value for adjustEstimate: '{mode}'."])
    if mode == NEW:
        return mode, _duration("newEstimate", "You must supply a valid new estimate.", "Invalid new estimate entered.")
    if mode == MANUAL:
        name = "increaseBy" if action == "delete" else "reduceBy"
        return mode, _duration(name, "You must supply a valid amount of time to adjust the estimate by.",
                               "Invalid time entered for adjusting the estimate.")
    return mode, 0


def _duration(name: str, missing: str, invalid: str) -> int:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        raise ApiError(400, [], {name: missing})
    try:
        return durations.parse(raw)
    except ValueError:
        raise ApiError(400, [], {name: invalid}) from None


def _millis(stamp: str) -> int:
    return int(datetime.strptime(stamp, STARTED_FORMAT).timestamp() * 1000)
