"""single_user mode: every call carries one shared API token from the environment.

HTTP basic ``JIRA_EMAIL:JIRA_API_TOKEN`` to ``JIRA_BASE_URL``; with ``JIRA_CLOUD_ID`` set the calls
go through ``ATLASSIAN_API_URL/ex/jira/{cloudId}`` instead, which scoped API tokens require.
Nobody signs in: whoever reaches the app acts as that account, so deploy it for a trusted group.
"""

from __future__ import annotations

import requests
from requests.auth import HTTPBasicAuth

from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.errors import AuthError, JiraError
from jira_client.auth.base import SETUP_OPEN, AuthStrategy, Viewer
from jira_client.observability.checks import PROBE_TIMEOUT, Check
from jira_client.settings import Settings


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

    def is_signed_in(self) -> bool:
        return True

    def jira_connection(self) -> tuple[str, requests.auth.AuthBase]:
        """Return (base URL, basic auth) for this request's calls."""
        return self.base_url, self._auth

    def cache_scope(self) -> str:
        """Return one scope for everyone: every request uses the same account."""
        return "shared"

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
