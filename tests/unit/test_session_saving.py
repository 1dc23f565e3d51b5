"""Saving a session: a changed one that a logout deleted meanwhile is not written back, and an
unchanged one is not looked up in the store at all (most page views change nothing)."""

from __future__ import annotations

from flask import request

from tests.support.apps import make_app


def _stored_session(app):
    """Return (cookie header, store id, cachelib cache) of a session stored by a first request."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["who"] = "bob"
    sid = client.get_cookie("session").value
    return f"session={sid}", f"session:{sid}", app.config["SESSION_CACHELIB"]


def _save(app, cookie: str, change) -> None:
    """Open the session of ``cookie`` as a request does, let ``change`` act, then save it."""
    interface = app.session_interface
    with app.test_request_context("/projects", headers={"Cookie": cookie}):
        session = interface.open_session(app, request)
        change(session)
        interface.save_session(app, session, app.response_class())


def test_a_changed_session_deleted_meanwhile_is_not_brought_back(tmp_path):
    app = make_app(tmp_path)
    cookie, store_id, cache = _stored_session(app)

    def log_out_meanwhile(session):
        cache.delete(store_id)  # another request (a logout) deleted the session while this one ran
        session["seen"] = 1

    _save(app, cookie, log_out_meanwhile)
    assert not cache.has(store_id)


def test_a_changed_session_still_there_is_written(tmp_path):
    app = make_app(tmp_path)
    cookie, store_id, cache = _stored_session(app)
    _save(app, cookie, lambda session: session.__setitem__("seen", 1))
    assert cache.get(store_id)["seen"] == 1


def test_an_unchanged_session_is_not_looked_up_when_saved(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    cookie, store_id, cache = _stored_session(app)
    looked_up = []
    monkeypatch.setattr(cache, "has", lambda key: looked_up.append(key) or True)
    _save(app, cookie, lambda session: session.get("who"))
    assert looked_up == []
    _save(app, cookie, lambda session: session.__setitem__("seen", 1))
    assert looked_up == [store_id]
