"""Auth strategies: the only code that knows where a request's Jira credentials come from.

The app factory picks one from ``STRATEGIES`` by ``APP_MODE``; nothing else branches on the mode.
A strategy offers ``init_app(app)``, ``is_signed_in()``, ``jira_connection() -> (base_url, auth)``,
``viewer_label()`` and ``cache_scope()``; the OAuth one also handles sign-in and refresh.
"""

from jira_client.auth.api_token import ApiTokenStrategy

STRATEGIES = {"single_user": ApiTokenStrategy}
