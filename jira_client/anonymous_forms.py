"""CSRF for the forms people see before they have a session: "Sign in with Atlassian" and the /setup gate.

Flask-WTF keeps its CSRF secret in the session, so rendering such a form for an anonymous visitor
would store a server-side session per visit (1,000 visits to /login, 1,000 Redis keys). These
forms use a signed double-submit cookie instead, and nothing is stored until there is something
to keep: the page puts a random nonce in a small cookie (HttpOnly, SameSite=Lax, ``__Host-``
under https, an hour long) and the same nonce, signed with ``SECRET_KEY`` and timestamped, in the
form. A post is accepted only when the signature is good, at most an hour old, and names the nonce
this browser's cookie carries: another site can neither read the cookie nor sign a nonce. Views
marked ``@sessionless_csrf`` are exempt from ``CSRFProtect`` and checked this way instead; the
cross-site ``Origin`` check (``security.py``) applies to them as to every other post.
"""

from __future__ import annotations

import hmac
import re
import secrets
from functools import wraps

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE, SECURE_COOKIE = "form_nonce", "__Host-form_nonce"
MAX_AGE = 3600
SALT = "jira-client anonymous form"
FIELD = "csrf_token"
NONCE = re.compile(r"[A-Za-z0-9_-]{20,64}")


def sessionless_csrf(view):
    """Mark a view whose form anonymous visitors post: its posts are checked against the cookie."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
            check()
        return view(*args, **kwargs)

    wrapped.sessionless_csrf = True
    return wrapped


def token() -> str:
    """Return the signed token for this page's form (the response sets the matching cookie)."""
    if "form_nonce" not in g:
        g.form_nonce = _cookie_nonce() or secrets.token_urlsafe(24)
    return _serializer().dumps(g.form_nonce)


def check() -> None:
    """Raise CSRFError unless the posted token is fresh, signed here, and matches this browser's cookie."""
    try:
        nonce = _serializer().loads(request.form.get(FIELD, ""), max_age=MAX_AGE)
    except BadData:
        raise CSRFError("The form's token is missing, expired or not ours.") from None
    cookie = _cookie_nonce()
    if not cookie or not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), cookie.encode()):
        raise CSRFError("The form's token does not belong to this browser.")


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    """Exempt the marked views from the session-based check, and set the cookie on pages that need it."""
    for view in app.view_functions.values():
        if getattr(view, "sessionless_csrf", False):
            csrf.exempt(view)
    app.add_template_global(token, "sessionless_csrf_token")
    app.after_request(_set_cookie)


def _cookie_name() -> str:
    return SECURE_COOKIE if current_app.config.get("SESSION_COOKIE_SECURE") else COOKIE


def _cookie_nonce() -> str | None:
    value = request.cookies.get(_cookie_name(), "")
    return value if NONCE.fullmatch(value) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _set_cookie(response: Response) -> Response:
    nonce = g.get("form_nonce")
    if nonce:
        secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
        response.set_cookie(_cookie_name(), nonce, max_age=MAX_AGE, path="/", secure=secure, httponly=True, samesite="Lax")
    return response
