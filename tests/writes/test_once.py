"""One-time tokens: bound to one form and one person, claimed atomically, remembered after use."""

from __future__ import annotations

import threading
import time

import pytest
from cachelib import SimpleCache
from itsdangerous import BadSignature, URLSafeTimedSerializer

from jira_client.api.errors import ServerError, TransportError
from jira_client.web.forms import once
from jira_client.state import app_state
from tests.support.apps import make_app
from tests.support.forms import once_token


def submit(app, path: str, sent: str, write=lambda run: run.finish("/done")):
    """Run one Attempt as a POST to ``path`` carrying ``sent``; return its result or raise."""
    with app.test_request_context(path, method="POST", data={"once": sent}):
        with once.Attempt() as run:
            if run.result:
                return ("repeat", run.result)
            write(run)
            return ("ran", None)


def test_a_token_runs_once_and_its_repeat_goes_to_the_result(app):
    sent = once_token(app, "/issues/ACME-1/labels")
    assert submit(app, "/issues/ACME-1/labels", sent) == ("ran", None)
    assert submit(app, "/issues/ACME-1/labels", sent) == ("repeat", "/done")


def test_the_query_of_the_action_does_not_matter(app):
    sent = once_token(app, "/projects/ACME/issues/new?type=10001")
    assert submit(app, "/projects/ACME/issues/new?type=10001", sent) == ("ran", None)


@pytest.mark.parametrize("sent", ["", "garbage", "WyJ4Il0.forged.sig"])
def test_a_missing_or_forged_token_is_refused(app, sent):
    with pytest.raises(once.Refused) as refused:
        submit(app, "/issues/ACME-1/labels", sent)
    assert refused.value.page.status == 409


def test_a_token_is_good_for_its_own_form_only(app):
    sent = once_token(app, "/issues/ACME-1/labels")
    with pytest.raises(once.Refused):
        submit(app, "/issues/ACME-2/labels", sent)


def test_a_token_from_another_app_secret_is_refused(app, tmp_path):
    other = make_app(tmp_path, SECRET_KEY="another-secret")
    with pytest.raises(once.Refused):
        submit(app, "/issues/ACME-1/labels", once_token(other, "/issues/ACME-1/labels"))


def fail_with(error):
    def write(run):
        raise error
    return write


def test_after_jira_refused_a_repeat_is_told_nothing_was_saved(app):
    sent = once_token(app, "/x")
    with pytest.raises(ServerError):
        submit(app, "/x", sent, fail_with(ServerError(status=503)))
    with pytest.raises(once.Refused) as refused:
        submit(app, "/x", sent)
    assert "nothing was saved" in refused.value.page.message


def test_after_no_answer_a_repeat_is_refused_because_it_may_have_been_saved(app):
    sent = once_token(app, "/x")
    with pytest.raises(TransportError):
        submit(app, "/x", sent, fail_with(TransportError(timed_out=True)))
    with pytest.raises(once.Refused) as refused:
        submit(app, "/x", sent)
    assert "may have been saved" in refused.value.page.message


def test_an_optional_attempt_without_a_token_runs_unprotected(app):
    with app.test_request_context("/x", method="POST", data={}):
        with once.Attempt(optional=True) as run:
            assert run.result is None


@pytest.mark.parametrize("make_store", [
    lambda tmp_path: once.FileStore(str(tmp_path / "once")),
    lambda tmp_path: once.CacheStore(SimpleCache()),
])
def test_only_one_of_many_simultaneous_claims_wins(tmp_path, make_store):
    store, winners, start = make_store(tmp_path), [], threading.Barrier(16)

    def claim():
        start.wait()
        if store.claim("once:abc"):
            winners.append(1)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    store.put("once:abc", "done:/x")
    assert store.get("once:abc") == "done:/x" and not store.claim("once:abc")


def test_the_store_follows_the_session_backend(tmp_path):
    assert isinstance(app_state(make_app(tmp_path)).once_store, once.CacheStore)
    on_disk = make_app(tmp_path, SESSION_TYPE=None, SESSION_CACHELIB=None)
    assert isinstance(app_state(on_disk).once_store, once.FileStore)


def test_sweeping_old_claims_survives_a_file_that_vanished_meanwhile(tmp_path, monkeypatch):
    store = once.FileStore(str(tmp_path / "once"))

    class Vanished:
        path = str(tmp_path / "once" / "gone")

        def stat(self):
            raise FileNotFoundError(self.path)

    monkeypatch.setattr(once.os, "scandir", lambda directory: [Vanished()])
    store._prune()  # another process removed it between listing and stat: nothing to do
    monkeypatch.undo()
    assert store.claim("once:after-a-sweep")


@pytest.mark.parametrize("payload", [
    ["nonce-abcdefghijklmnop", "/issues/KAN-2/transitions/21", "712020:alice@site"],
    ["ñ-é", "/issues/ÄBC-1/comments", ""],
])
def test_tokens_are_what_the_stock_serializer_writes_and_reads(monkeypatch, payload):
    monkeypatch.setattr(time, "time", lambda: 1_800_000_123.4)  # the signers' timestamp
    ours = once._serializer_for("test-secret-key")
    stock = URLSafeTimedSerializer("test-secret-key", salt="jira-client-once")
    for _ in range(2):  # the second time with the signer and key kept from the first
        token = ours.dumps(payload)
        assert token == stock.dumps(payload)
        assert stock.loads(token) == ours.loads(token) == payload
    assert ours.loads(stock.dumps(payload), max_age=60) == payload
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer("another-secret", salt="jira-client-once").loads(token)
