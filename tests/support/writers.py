"""A client signed in as one of the sandbox's users, in either mode: the write tests run in both."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.apps import single_user_app
from tests.support.oauth import make_oauth_app, sign_in
from tests.support.sandbox import sandbox_info

MODES = ("single_user", "multi_user")


@dataclass
class Writer:
    mode: str
    app: object
    client: object


def make_writer(mode: str, sandbox, tmp_path, **overrides) -> Writer:
    """Return a client signed in as the sandbox's admin in ``mode``."""
    if mode == "single_user":
        app = single_user_app(sandbox, tmp_path, **overrides)
        return Writer(mode, app, app.test_client())
    app = make_oauth_app(tmp_path, sandbox.url, **overrides)
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    return Writer(mode, app, client)


def make_person(mode: str, sandbox, tmp_path, name: str, **overrides) -> Writer:
    """Return a client acting as the sandbox user ``name`` in ``mode`` (single_user: on their own API token).

    A person with several sites (alice) is signed in to the home site, acme.
    """
    if mode == "single_user":
        app = single_user_app(sandbox, tmp_path, user=name, **overrides)
        return Writer(mode, app, app.test_client())
    app = make_oauth_app(tmp_path, sandbox.url, **overrides)
    client = app.test_client()
    several = len(next(u for u in sandbox_info(sandbox)["users"] if u["name"] == name)["sites"]) > 1
    assert sign_in(client, name, site="acme" if several else None).status_code == 302
    return Writer(mode, app, client)
