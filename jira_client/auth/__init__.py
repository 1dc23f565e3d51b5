"""Auth strategies: the only code that knows where a request's Jira credentials come from.

The app factory picks one from ``STRATEGIES`` by ``APP_MODE``; nothing else branches on the mode.
Every strategy implements ``base.AuthStrategy``, the one interface the rest of the app calls.

- ``api_token``: single_user, one shared API token.
- ``oauth``: multi_user, "Sign in with Atlassian"; with ``oauth_views`` (its pages),
  ``atlassian`` (the identity service), ``tokens`` and ``locks`` (token records, single-flight
  refresh), ``session_data`` (what the session holds) and ``emergency`` (ADMIN_TOKEN access).
"""

from jira_client.auth.api_token import ApiTokenStrategy
from jira_client.auth.base import AuthStrategy
from jira_client.auth.oauth import OAuthStrategy

STRATEGIES: dict[str, type[AuthStrategy]] = {"single_user": ApiTokenStrategy, "multi_user": OAuthStrategy}
