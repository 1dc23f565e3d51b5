"""The token store and keeper without HTTP: encryption, compare-and-set, rotation rules, purging,
expiry arithmetic and single-flight across threads, for the cachelib and the Redis store."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from cachelib import SimpleCache
from cachelib.file import FileSystemCache

from jira_client.api.errors import AuthError, ServerError
from jira_client.auth.tokens import CacheTokenStore, RedisTokenStore, TokenCipher, TokenKeeper, TokenRecord

NOW = 1_800_000_000.0


def _record(**changes) -> TokenRecord:
    base = dict(access_token="at-1", refresh_token="rt-1", expires_at=NOW + 3600, scope="read:jira-work offline_access", consented_at=NOW)
    return TokenRecord(**{**base, **changes})


@pytest.fixture(params=["memory", "files", "redis"])
def store(request, tmp_path):
    cipher = TokenCipher("store-test-secret")
    if request.param == "memory":
        return CacheTokenStore(SimpleCache(), cipher, str(tmp_path / "locks"))
    if request.param == "files":
        return CacheTokenStore(FileSystemCache(str(tmp_path / "cache")), cipher, str(tmp_path / "locks"))
    client = request.getfixturevalue("redis_client")
    return RedisTokenStore(client, cipher, prefix=client.test_prefix)


class FakeEndpoint:
    """A token endpoint that rotates (or fails) and counts calls."""

    def __init__(self, answer=None, error=None) -> None:
        self.calls: list[str] = []
        self.answer, self.error = answer, error
        self.lock = threading.Lock()

    def __call__(self, refresh_token: str) -> dict:
        with self.lock:
            self.calls.append(refresh_token)
            n = len(self.calls)
        if self.error:
            raise self.error
        return self.answer or {"access_token": f"at-{n + 1}", "refresh_token": f"rt-{n + 1}", "expires_in": 3600}


def test_round_trip_and_compare_and_set(store):
    record_id = store.create(_record())
    assert store.load(record_id) == _record()
    newer = _record().rotated({"access_token": "at-2", "refresh_token": "rt-2", "expires_in": 3600}, NOW + 10)
    assert store.replace(record_id, newer, expected_version=1)
    assert not store.replace(record_id, _record(access_token="stale", version=2), expected_version=1)
    assert store.load(record_id) == newer
    store.delete(record_id)
    assert store.load(record_id) is None
    assert not store.replace(record_id, newer.rotated({"access_token": "x"}, NOW), expected_version=2)  # no resurrection
    assert store.load(record_id) is None


def test_a_fresh_token_is_used_without_a_refresh(store):
    endpoint = FakeEndpoint()
    record_id = store.create(_record())
    assert TokenKeeper(store, endpoint, clock=lambda: NOW).fresh(record_id).access_token == "at-1"
    assert endpoint.calls == []


@pytest.mark.parametrize("expires_at, refreshes", [(NOW + 30, 1), (NOW + 3600, 0), (NOW - 5, 1)])
def test_refresh_happens_within_the_leeway(store, expires_at, refreshes):
    endpoint = FakeEndpoint()
    record_id = store.create(_record(expires_at=expires_at, consented_at=expires_at - 3600))
    TokenKeeper(store, endpoint, clock=lambda: NOW).fresh(record_id)
    assert len(endpoint.calls) == refreshes


def test_the_new_pair_is_stored_and_an_omitted_refresh_token_keeps_the_old_one(store):
    record_id = store.create(_record(expires_at=NOW - 1))
    keeper = TokenKeeper(store, FakeEndpoint(answer={"access_token": "at-2", "expires_in": 3600}), clock=lambda: NOW)
    fresh = keeper.fresh(record_id)
    stored = store.load(record_id)
    assert stored == fresh and stored.access_token == "at-2" and stored.refresh_token == "rt-1"
    assert stored.version == 2 and stored.refreshed_at == NOW and stored.expires_at == NOW + 3600


def test_a_rejected_token_is_refreshed_once_even_if_it_looks_fresh(store):
    endpoint = FakeEndpoint()
    record_id = store.create(_record())
    keeper = TokenKeeper(store, endpoint, clock=lambda: NOW)
    assert keeper.fresh(record_id, rejected="at-1").access_token == "at-2"
    assert keeper.fresh(record_id, rejected="at-1").access_token == "at-2"  # someone already did it
    assert endpoint.calls == ["rt-1"]


def test_invalid_grant_purges_the_record(store):
    record_id = store.create(_record(expires_at=NOW - 1))
    keeper = TokenKeeper(store, FakeEndpoint(error=AuthError("invalid_grant", status=403)), clock=lambda: NOW)
    with pytest.raises(AuthError):
        keeper.fresh(record_id)
    assert store.load(record_id) is None
    with pytest.raises(AuthError):
        keeper.fresh(record_id)


def test_an_unavailable_endpoint_keeps_the_record(store):
    record_id = store.create(_record(expires_at=NOW - 1))
    keeper = TokenKeeper(store, FakeEndpoint(error=ServerError("down", status=503)), clock=lambda: NOW)
    with pytest.raises(ServerError):
        keeper.fresh(record_id)
    assert store.load(record_id) == _record(expires_at=NOW - 1)


def test_single_flight_across_threads(store):
    endpoint = FakeEndpoint()
    record_id = store.create(_record(expires_at=NOW - 1))
    keeper = TokenKeeper(store, endpoint, clock=lambda: NOW)
    barrier = threading.Barrier(20)

    def one(_):
        barrier.wait(timeout=10)
        return keeper.fresh(record_id).access_token

    with ThreadPoolExecutor(max_workers=20) as pool:
        tokens = list(pool.map(one, range(20)))
    assert endpoint.calls == ["rt-1"] and set(tokens) == {"at-2"}


def test_a_record_sealed_with_another_key_reads_as_none(tmp_path):
    cache = SimpleCache()
    record_id = CacheTokenStore(cache, TokenCipher("old-key"), str(tmp_path)).create(_record())
    assert CacheTokenStore(cache, TokenCipher("new-key"), str(tmp_path)).load(record_id) is None


@pytest.mark.parametrize("token, expected", [
    ({"access_token": "a", "expires_in": 3600}, NOW + 3600),
    ({"access_token": "a", "expires_in": "3600"}, NOW + 3600),
    ({"access_token": "a", "expires_at": NOW + 60.5}, NOW + 60.5),
    ({"access_token": "a", "expires_at": str(NOW + 60)}, NOW + 60),
    ({"access_token": "a"}, NOW),
    ({"access_token": "a", "expires_in": None}, NOW),
])
def test_expiry_is_coerced(token, expected):
    assert TokenRecord.from_token(token, NOW).expires_at == expected


def test_a_short_lived_token_is_not_refreshed_on_every_use():
    record = _record(expires_at=NOW + 5, consented_at=NOW)
    assert not record.is_stale(NOW + 1) and record.is_stale(NOW + 3)


def test_records_never_show_tokens_in_their_repr():
    assert "at-1" not in repr(_record()) and "rt-1" not in repr(_record())


def test_a_refresh_stuck_elsewhere_is_a_timeout_page_not_a_crash(tmp_path):
    from jira_client.api.errors import TransportError
    from jira_client.auth import locks

    store = CacheTokenStore(SimpleCache(), TokenCipher("k"), str(tmp_path / "locks"), lock_timeout=0.05)
    record_id = store.create(_record(expires_at=NOW - 1))
    keeper = TokenKeeper(store, FakeEndpoint(), clock=lambda: NOW)
    path = locks.stripe_path(store.lock_dir, "refresh", record_id)
    with locks.file_lock(path):
        with pytest.raises(TransportError) as raised:
            keeper.fresh(record_id)
    assert raised.value.timed_out and store.load(record_id).version == 1
