"""What a session holds about a sign-in (never a token), and where a sign-in may lead back to.

``AUTH_KEY`` holds {"record", "sites", "site", "account_id", "name", "renewed"}: the id of the
encrypted token record (the record itself lives apart, see ``tokens.py``), the sites the grant
reaches, the chosen one, who the person is there, and when the record's expiry was last renewed
with the session's.

``OWNER_KEY`` holds {"account_id", "scope"} of the last person (and site) signed in on this session.
It outlives a sign-in that ends (a revoked grant, an expired refresh token) but not a logout or
the session's end, so that what was kept for that person, their drafts (``PER_PERSON_SESSION_KEYS``)
and the page they were sent back to, is handed to nobody else who signs in on the same browser.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

AUTH_KEY = "auth"
NEXT_KEY = "login_next"
ADMIN_KEY = "admin_session"
OWNER_KEY = "owner"
PER_SITE_SESSION_KEYS = ("page_tokens", "counts", "permissions", "issue_types")  # caches that belong to one site
PER_PERSON_SESSION_KEYS = ("drafts",)  # what one person typed on one site (web/forms/drafts.py)


def safe_next(value: str | None) -> str:
    """Return ``value`` if it is a relative path on this app, else the home page."""
    default = "/"
    if not value or len(value) > 2000:
        return default
    for form in (value, unquote(value)):  # also as a lenient server or browser might decode it
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return default
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in form):
            return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/auth/", "/logout")):
        return default
    return value
