"""Wiring the governor into the Flask app: one Quota per app, one Governor per request, the pages.

``init_quota`` builds the ledger and the read cache on the session store (after
``init_sessions``), and registers the pages for a slowed read (429) and for Jira's spent quota
(503), and the template globals: ``stale_notice()`` (the banner over a page built from an older
copy), ``quota_use()`` (``/account``: the person's spending this hour) and ``quota_top()``
(``/setup``: the hour's biggest spenders, by pseudonym). ``governed`` adds the governor to the
JiraClient options ``get_jira()`` builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, render_template, request

from jira_client.observability.logs import pseudonym
from jira_client.quota import policy
from jira_client.quota.cache import DataCipher, ReadCache, store_for
from jira_client.quota.governor import Governor, Quota, QuotaExhausted, StaleNotice, Throttled
from jira_client.quota.ledger import ledger_for
from jira_client.quota.window import HOUR
from jira_client.state import AppState, app_state, current_strategy

TOP_CONSUMERS = 10


def init_quota(app: Flask, state: AppState) -> Quota:
    """Give ``app`` its Quota (ledger and read cache on the session store) and the quota pages."""
    settings = state.settings
    cipher = DataCipher(settings.token_encryption_key or app.config["SECRET_KEY"])
    prefix = str(app.config.get("SESSION_KEY_PREFIX") or "session:")
    cache = ReadCache(store_for(app.config), cipher, settings.jira_cache_seconds, HOUR, prefix)
    state.quota = Quota(ledger_for(app.config), cache, settings.jira_points_per_hour)
    app.register_error_handler(Throttled, _slowed_page)
    app.register_error_handler(QuotaExhausted, _exhausted_page)
    app.add_template_global(stale_notice, "stale_notice")
    app.add_template_global(quota_use, "quota_use")
    app.add_template_global(quota_top, "quota_top")
    return state.quota


def governed(options: dict, base_url: str) -> dict:
    """Return the JiraClient options with this request's governor as gate (and watching the observer)."""
    quota: Quota | None = app_state().quota
    if quota is None:
        return options
    strategy = current_strategy()
    scope = strategy.cache_scope()
    governor = quota.governor(scope=scope, site=base_url, person=_person(scope), counted=strategy.spends_app_quota(),
                              copies=request.method in ("GET", "HEAD"))  # a form being sent reads Jira afresh
    g.quota_governor = governor
    return {**options, "gate": governor, "observer": governor.watch(options.get("observer"))}


def _person(scope: str) -> str:
    """Return the pseudonym the ledger files a person's spending under (the one the logs use)."""
    return pseudonym(current_app.config.get("SECRET_KEY") or "", scope) or "anonymous"


def stale_notice() -> StaleNotice | None:
    """Return why this page shows an older copy of Jira's data, or None (for base.html's banner)."""
    governor: Governor | None = g.get("quota_governor")
    return governor.stale if governor is not None else None


@dataclass(frozen=True)
class QuotaUse:
    """The signed-in person's spending this hour, for /account."""

    person: int
    spent: int
    points: int
    people: int
    average: float
    resets_at: datetime
    slowed: bool  # their expensive reads are held back now


def quota_use() -> QuotaUse | None:
    """Return the person's use of the app's hourly quota, or None when their calls do not spend it."""
    quota: Quota | None = app_state().quota
    strategy = current_strategy()
    if quota is None or not strategy.is_signed_in() or not strategy.spends_app_quota():
        return None
    usage = quota.usage(_person(strategy.cache_scope()))
    if usage is None:
        return None
    limit = policy.bar(usage)
    return QuotaUse(usage.person, usage.spent, usage.points, usage.people, usage.average, usage.window.ends_at,
                    slowed=limit is not None and usage.person > limit)


def quota_top() -> dict | None:
    """Return the hour's biggest spenders (pseudonyms, points, share of the quota), for /setup."""
    quota: Quota | None = app_state().quota
    found = quota.top(TOP_CONSUMERS) if quota is not None else None
    if found is None:
        return None
    window, rows = found
    usage = quota.usage("")
    points = usage.points if usage is not None else quota.points_per_hour
    return {"resets_at": window.ends_at, "points": points, "spent": usage.spent if usage else None,
            "rows": [(name, spent, 100.0 * spent / points) for name, spent in rows]}


def _slowed_page(error: Throttled):
    return _page(error, 429, "Searches paused for you until the hour resets", slowed=True)


def _exhausted_page(error: QuotaExhausted):
    return _page(error, 503, "Jira's hourly allowance for this app is used up", slowed=False)


def _page(error, status: int, title: str, *, slowed: bool):
    headers = {"Retry-After": str(int(error.retry_after))} if error.retry_after is not None else {}
    page = render_template("errors/quota.html", title=title, error=error, slowed=slowed, status=status)
    return page, status, headers
