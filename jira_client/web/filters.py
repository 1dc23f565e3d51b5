"""Saved filters (``/filters``): the person's favourites, a search over every filter they may
see, saving a search as a new filter, and starring or unstarring one.

Opening a filter runs its JQL on the search page (``/search?filter=<id>``); filters someone else
owns name their owner. Saving and starring are writes: each form carries a one-time token
(``submit_once``) and is never retried, and a failed save shows the form again with the name,
the query and the description as typed, and Jira's reasons beside them.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jira_client.api.errors import JiraError
from jira_client.auth.session_data import safe_next
from jira_client.web import viewer
from jira_client.web.errors import ErrorPage, render_error
from jira_client.web.forms import drafts, once
from jira_client.web.forms.screens import SaveFilterForm
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import int_arg

bp = Blueprint("filters", __name__, url_prefix="/filters")

PER_PAGE = 25
MAX_QUERY = 255
CHECK_VALUES = ErrorPage(400, "Check the values", "See the notes next to the fields below.")
# Jira's field names in a refused save -> this form's fields
JIRA_FIELDS = {"filterName": "name", "name": "name", "jql": "jql", "description": "description"}


@bp.get("")
@login_required
def index():
    """The person's favourite filters, and one page of every filter they may see (or those named like ``q``)."""
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    start = int_arg("start")
    jira = get_jira()
    favourites = jira.list_favourite_filters()
    found = jira.search_filters(query, start, PER_PAGE)
    viewer.learn()  # whose filters are whose: shared ones name their owner
    return render_template("filters/index.html", favourites=favourites, found=found, query=query, start=start,
                           per_page=PER_PAGE, me=viewer.known_account_id(), here=request.full_path)


@bp.route("/new", methods=["GET", "POST"])
@drafts.keeps_form
@login_required
def new():
    """Save a query as a new filter (GET: the form, filled in from ``?jql=``)."""
    if request.method == "GET":
        form = SaveFilterForm(data={"jql": request.args.get("jql", ""), **drafts.restore()})
        return render_template("filters/new.html", form=form, error=None)
    form = SaveFilterForm()
    if not form.validate_on_submit():
        return render_template("filters/new.html", form=form, error=CHECK_VALUES), 400
    name, query, description = form.name.data.strip(), form.jql.data.strip(), form.description.data.strip()
    try:
        outcome = once.submit_once(lambda: get_jira().create_filter(name, query, description),
                                   lambda saved: url_for("search.index", filter=saved.id))
    except (JiraError, once.Refused) as error:
        signing_in = drafts.sign_in_for(error)
        if signing_in is not None:
            return signing_in
        field_errors = getattr(error, "field_errors", {})
        page = CHECK_VALUES if field_errors else once.failure_page(error)
        for field, text in field_errors.items():
            getattr(form, JIRA_FIELDS.get(field, "jql")).errors.append(text)
        return render_template("filters/new.html", form=form, error=page), page.status
    if not outcome.repeated:
        flash(f"Saved the filter “{outcome.value.name}”. Star it to keep it on your list.", "success")
    return redirect(outcome.url)


@bp.post("/<numeric_id:filter_id>/star")
@login_required
def star(filter_id: str):
    """Add a filter to the person's favourites (``starred=1``) or take it out, then go back."""
    starred = request.form.get("starred") == "1"
    back = safe_next(request.form.get("next"))
    try:
        outcome = once.submit_once(lambda: get_jira().star_filter(filter_id, starred), back)
    except (JiraError, once.Refused) as error:
        signing_in = drafts.sign_in_for(error, back)
        if signing_in is not None:
            return signing_in
        return render_error(once.failure_page(error))
    if not outcome.repeated:
        flash(f"{'Starred' if starred else 'Unstarred'} “{outcome.value.name}”.", "success")
    return redirect(outcome.url)
