"""``python -m jira_client.cli doctor``: the doctor without ``flask``, reporting settings problems too.

Settings so broken that the app cannot be built stop ``flask --app web_app`` before any command
runs (Flask prints the SettingsError, which names every bad variable). This command reads the
same environment (and ``.env``), builds the app itself, and reports such problems in the same
✔/✘ form as the other checks (``observability/doctor.py``).
"""

from __future__ import annotations

import click

from jira_client.app import create_app
from jira_client.observability.checks import Check
from jira_client.observability.doctor import print_and_exit, run_checks
from jira_client.settings import SettingsError


@click.command("doctor")
def doctor_without_app() -> None:
    """Check the environment's deployment, reporting settings problems too; exit 1 when something is wrong."""
    print_and_exit(_checks_building_app())


def _checks_building_app() -> list[Check]:
    """Return the checks for the app the environment describes, or its settings problems."""
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
