"""``flask --app web_app doctor``: checks a deployment and prints a ✔/✘ report.

It checks the settings, the session store, that Jira (single_user: the site or the gateway) or
Atlassian's sign-in (multi_user) answers, and the credentials (single_user: ``GET /myself``;
multi_user: client id and secret present, redirect URI consistent). It exits 1 when anything
is wrong.

Settings so broken that the app cannot be built stop ``flask --app web_app`` before any command
runs (Flask prints the SettingsError, which names every bad variable). ``python -m
jira_client.cli doctor`` reads the same environment (and ``.env``) without needing a working
app first, and reports those problems in the same ✔/✘ form.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from jira_client.api.transport import get_transport
from jira_client.observability.checks import Check, check_credentials, check_reachable, check_session_store, probe_target
from jira_client.settings import SettingsError

OK_MARK, FAIL_MARK = "✔", "✘"


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check settings, session store, Jira and credentials; exit 1 when something is wrong."""
    _print_and_exit(run_checks(current_app._get_current_object()))


@click.command("doctor")
def doctor_without_app() -> None:
    """Check the environment's deployment, reporting settings problems too; exit 1 when something is wrong."""
    _print_and_exit(_checks_building_app())


def _print_and_exit(checks: list[Check]) -> None:
    click.echo(report(checks))
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def run_checks(app: Flask) -> list[Check]:
    """Return every check for a built app (its settings are valid, or it would not exist)."""
    settings = app.extensions["settings"]
    strategy = app.extensions["auth_strategy"]
    checks = [Check("settings", True, f"valid (APP_MODE={settings.app_mode})"), check_session_store(app)]
    name, url = probe_target(settings, strategy)
    checks.append(check_reachable(url, get_transport(), name))
    return checks + check_credentials(settings, strategy, get_transport())


def report(checks: list[Check]) -> str:
    """Return the printed report: one ✔/✘ line per check, then a summary."""
    lines = [f"{OK_MARK if check.ok else FAIL_MARK} {check.name}: {check.detail}" for check in checks]
    failed = sum(not check.ok for check in checks)
    lines.append(f"{len(checks)} checks, all passed." if not failed else f"{failed} of {len(checks)} checks failed.")
    return "\n".join(lines)


def _checks_building_app() -> list[Check]:
    """Return the checks for the app the environment describes, or its settings problems."""
    from web_app import create_app

    try:
        app = create_app()
    except SettingsError as error:
        return [Check("settings", False, problem) for problem in error.problems]
    with app.app_context():
        return run_checks(app)


@click.group()
def cli() -> None:
    """Operations commands that run without building the app first."""


cli.add_command(doctor_without_app)

if __name__ == "__main__":
    cli()
