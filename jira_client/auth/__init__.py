"""Auth strategies: the only code that knows where a request's Jira credentials come from.

The app factory picks one from ``STRATEGIES`` by ``APP_MODE``; nothing else branches on the mode.
A strategy offers ``init_app(app)``, ``is_signed_in()``, ``jira_connection() -> (base_url, auth)``,
``viewer_label()`` and ``cache_scope()``; the OAuth one also handles sign-in and refresh, and
offers ``login_redirect(next_path)`` and ``handle_auth_error(error, next_path=None)`` to the web
layer (send the person to sign in, back to where they were).
"""

from jira_client.auth.api_token import ApiTokenStrategy
from jira_client.auth.oauth import OAuthStrategy

STRATEGIES = {"single_user": ApiTokenStrategy, "multi_user": OAuthStrategy}
