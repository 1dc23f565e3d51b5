"""``flask --app web_app doctor``: checks a deployment and prints a ✔/✘ report.

It checks the settings, the session store, that the service the mode needs answers (single_user:
the Jira site or gateway; multi_user: Atlassian's sign-in) and the mode's credentials (each
strategy's ``doctor_checks``). It exits 1 when anything is wrong. ``python -m jira_client.cli
doctor`` runs the same checks without needing a working app first (``cli.py``).
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from jira_client.api.transport import get_transport
from jira_client.observability.checks import Check, check_network, check_reachable, check_session_store
from jira_client.state import app_state

OK_MARK, FAIL_MARK = "✔", "✘"


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check settings, session store, Jira and credentials; exit 1 when something is wrong."""
    print_and_exit(run_checks(current_app._get_current_object()))


def print_and_exit(checks: list[Check]) -> None:
    """Print the report; exit 1 when a check failed."""
    click.echo(report(checks))
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def run_checks(app: Flask) -> list[Check]:
    """Return every check for a built app (its settings are valid, or it would not exist)."""
    state = app_state(app)
    transport = get_transport(state.settings.network)
    checks = [Check("settings", True, f"valid (APP_MODE={state.settings.app_mode})"), check_session_store(app)]
    checks += check_network(state.settings.network)
    name, url = state.strategy.reachability_target()
    checks.append(check_reachable(url, transport, name))
    return checks + state.strategy.doctor_checks(transport)


def report(checks: list[Check]) -> str:
    """Return the printed report: one ✔/✘ line per check, then a summary."""
    lines = [f"{OK_MARK if check.ok else FAIL_MARK} {check.name}: {check.detail}" for check in checks]
    failed = sum(not check.ok for check in checks)
    lines.append(f"{len(checks)} checks, all passed." if not failed else f"{failed} of {len(checks)} checks failed.")
    return "\n".join(lines)
