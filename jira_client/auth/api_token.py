"""single_user mode: every call carries one shared API token from the environment.

HTTP basic ``JIRA_EMAIL:JIRA_API_TOKEN`` to ``JIRA_BASE_URL``; with ``JIRA_CLOUD_ID`` set the calls
go through ``ATLASSIAN_API_URL/ex/jira/{cloudId}`` instead, which scoped API tokens require.
Nobody signs in: whoever reaches the app acts as that account, so deploy it for a trusted group.
"""

from __future__ import annotations

from flask import Flask
from requests.auth import HTTPBasicAuth

from jira_client.settings import Settings


class ApiTokenStrategy:
    """The shared-token mode: always signed in, always the same Jira account."""

    mode = "single_user"

    def __init__(self, settings: Settings) -> None:
        if settings.jira_cloud_id:
            self.base_url = f"{settings.atlassian_api_url}/ex/jira/{settings.jira_cloud_id}"
        else:
            self.base_url = settings.jira_base_url
        self._auth = _BasicAuth(settings.jira_email, settings.jira_api_token)
        self.account_label = settings.jira_email

    def init_app(self, app: Flask) -> None:
        """Nothing to register: there is no sign-in."""

    def is_signed_in(self) -> bool:
        return True

    def jira_connection(self) -> tuple[str, object]:
        """Return (base URL, requests auth) for this request's calls."""
        return self.base_url, self._auth

    def viewer_label(self) -> str:
        """Return who the app acts as, for the page header."""
        return self.account_label

    def cache_scope(self) -> str:
        """Return a key that separates cached Jira data by who may see it (one account here)."""
        return "shared"


class _BasicAuth(HTTPBasicAuth):
    """Basic auth whose repr never shows the token."""

    def __repr__(self) -> str:
        return f"<BasicAuth {self.username}>"
