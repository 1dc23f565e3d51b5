"""single_user mode: every call carries one shared API token from the environment.

HTTP basic ``JIRA_EMAIL:JIRA_API_TOKEN`` to ``JIRA_BASE_URL``; with ``JIRA_CLOUD_ID`` set the calls
go through ``ATLASSIAN_API_URL/ex/jira/{cloudId}`` instead, which scoped API tokens require.
Nobody signs in: whoever reaches the app acts as that account, so deploy it for a trusted group.

The account's id is learned at start-up (one ``GET /myself``, in the background), so the issue
page offers edit and delete on the account's own comments from the first view without another
call; if Jira did not answer then, the first page that needs the id asks again (at most once a
minute).
"""

from __future__ import annotations

import logging
import threading
import time

import requests
from flask import Flask
from requests.auth import HTTPBasicAuth

from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.errors import AuthError, JiraError
from jira_client.api.transport import get_transport
from jira_client.auth.base import SETUP_OPEN, AuthStrategy, Viewer
from jira_client.observability.checks import PROBE_TIMEOUT, Check
from jira_client.settings import Settings


log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0  # how soon a failed look-up of the account id may be tried again


class ApiTokenStrategy(AuthStrategy):
    """The shared-token mode: always signed in, always the same Jira account."""

    mode = "single_user"
    site_variables = ("JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN")

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        if settings.jira_cloud_id:
            self.base_url = f"{settings.atlassian_api_url}/ex/jira/{settings.jira_cloud_id}"
        else:
            self.base_url = settings.jira_base_url
        self._auth = _BasicAuth(settings.jira_email, settings.jira_api_token)
        self._account_id = ""
        self._next_try = 0.0
        self._learning = threading.Lock()
        self._learns = False  # set at start-up; tests (which stub every call) learn only from writes

    def init_app(self, app: Flask) -> None:
        """Learn the shared account's id in the background (not in tests: they stub every call)."""
        if not app.testing:
            self._learns = True
            threading.Thread(target=self._learn_account_id, name="learn-account-id", daemon=True).start()

    def is_signed_in(self) -> bool:
        return True

    def jira_connection(self) -> tuple[str, requests.auth.AuthBase]:
        """Return (base URL, basic auth) for this request's calls."""
        return self.base_url, self._auth

    def cache_scope(self) -> str:
        """Return one scope for everyone: every request uses the same account."""
        return "shared"

    def account_id(self) -> str:
        """Return the shared account's id, asking Jira once more if start-up could not learn it."""
        return self._account_id or (self._learn_account_id() if self._learns else "")

    def _learn_account_id(self) -> str:
        """Ask ``GET /myself`` for the account id (one caller at a time, not again within a minute)."""
        with self._learning:
            if self._account_id or time.monotonic() < self._next_try:
                return self._account_id
            jira = JiraClient(get_transport(), self.base_url, self._auth, timeout=PROBE_TIMEOUT, retry=RetryPolicy(attempts=1))
            try:
                user = jira.myself()
            except JiraError as error:
                log.warning("Could not learn the shared account's id: %s (%s)", type(error).__name__, error.status)
                user = None
            if user is None or not user.account_id:
                self._next_try = time.monotonic() + RETRY_SECONDS
                return ""
            self._account_id = user.account_id
            return self._account_id

    def viewer(self) -> Viewer:
        """Return the shared account, by its e-mail address."""
        return Viewer(name=self.settings.jira_email)

    def setup_access(self) -> str:
        """Return "open": whoever reaches the app already acts as the shared account."""
        return SETUP_OPEN

    def reachability_target(self) -> tuple[str, str]:
        return "Jira", self.base_url

    def doctor_checks(self, transport: requests.Session) -> list[Check]:
        """Return whether Jira accepts the shared token (one ``GET /myself``)."""
        jira = JiraClient(transport, self.base_url, self._auth, timeout=PROBE_TIMEOUT, retry=RetryPolicy(attempts=1))
        try:
            user = jira.myself()
        except AuthError:
            return [Check("credentials", False, "Jira refused JIRA_EMAIL / JIRA_API_TOKEN (401 on /myself): "
                                                "check the e-mail, and that the token is not expired or revoked")]
        except JiraError as exc:
            return [Check("credentials", False, f"GET /myself failed: {exc.message} (HTTP {exc.status or 'none'})")]
        name = user.display_name if user else "an unknown account"
        return [Check("credentials", True, f"GET /myself answered: the app acts as {name}")]

    def local_entry(self, served_at: str, sandbox_people: str = "") -> tuple[str, str]:
        """Return the local URL, and that every page acts as the shared account."""
        return served_at, f"single_user: every page acts as {self.settings.jira_email}"


class _BasicAuth(HTTPBasicAuth):
    """Basic auth whose repr never shows the token."""

    def __repr__(self) -> str:
        return f"<BasicAuth {self.username}>"
