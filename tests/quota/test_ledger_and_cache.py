"""The shared ledger (Redis and the session files) and the per-person read cache: numbers, clocks, secrecy, failures."""

import json
import time

import pytest
from cachelib import SimpleCache

from jira_client.api.client import Call
from jira_client.quota.cache import CachelibStore, CacheError, DataCipher, ReadCache, RedisStore
from jira_client.quota.ledger import CacheLedger, LedgerError, RedisLedger
from jira_client.quota.window import Window
from tests.support.clock import FakeClock
from tests.support.redis_servers import quick_redis

WINDOW = Window(end=3600 * 500_001)
SEARCH = Call("POST", "search/jql", "https://jira.test/rest/api/3/search/jql", None, {"jql": "project = ACME"}, True)
PAYLOAD = {"issues": [{"id": "10001", "key": "ACME-1", "fields": {"summary": "Secret launch plan"}}]}


@pytest.fixture(params=["files", "redis"])
def ledger(request):
    if request.param == "files":
        return CacheLedger(SimpleCache(), clock=FakeClock(WINDOW.start + 5))
    client = request.getfixturevalue("redis_client")
    return RedisLedger(client, client.test_prefix, clock=FakeClock(WINDOW.start + 5))


def test_spending_is_kept_per_window_for_the_app_and_each_person(ledger):
    ledger.record(WINDOW, "alice", 51)
    ledger.record(WINDOW, "alice", 51)
    ledger.record(WINDOW, "bob", 2)
    ledger.record(Window(WINDOW.end + 3600), "bob", 500)  # the next hour
    usage = ledger.usage(WINDOW, "alice", default_points=65000)
    assert (usage.spent, usage.estimated, usage.person, usage.people, usage.points) == (104, 104, 102, 2, 65000)
    assert usage.average == 52 and usage.blocked_until is None and usage.left_by_jira is None
    assert ledger.usage(WINDOW, "carol", 65000).person == 0
    assert ledger.top(WINDOW, 5) == [("alice", 102), ("bob", 2)]


def test_jiras_own_count_corrects_the_estimates_and_never_goes_back(ledger):
    ledger.record(WINDOW, "alice", 100)
    ledger.observe(WINDOW, points=1000, spent=130)  # Jira counted calls the app did not see (sign-ins)
    ledger.record(WINDOW, "alice", 10)
    usage = ledger.usage(WINDOW, "alice", default_points=65000)
    assert (usage.points, usage.spent, usage.estimated, usage.left_by_jira) == (1000, 140, 110, 870)
    ledger.observe(WINDOW, points=1000, spent=120)  # an older answer arriving late
    assert ledger.usage(WINDOW, "alice", 65000).spent == 140
    ledger.observe(WINDOW, points=None, spent=None)  # headers that said nothing change nothing
    assert ledger.usage(WINDOW, "alice", 65000).spent == 140


def test_a_quota_refusal_is_remembered_until_its_reset(ledger):
    ledger.block(WINDOW, WINDOW.end - 1)
    assert ledger.usage(WINDOW, "bob", 65000).blocked_until == WINDOW.end - 1


@pytest.mark.redis
def test_workers_with_skewed_clocks_share_redis_clock(redis_client):
    fast = RedisLedger(redis_client, redis_client.test_prefix, local_clock=lambda: time.time() + 1800)
    slow = RedisLedger(redis_client, redis_client.test_prefix, local_clock=lambda: time.time() - 1200)
    whole, micros = redis_client.time()
    shared = whole + micros / 1e6
    assert abs(fast.now() - shared) < 5 and abs(slow.now() - shared) < 5  # Redis' TIME, not their own clocks


def test_an_unreachable_redis_is_a_ledger_error_and_a_cache_error():
    dead = quick_redis("redis://127.0.0.1:1/0")
    ledger = RedisLedger(dead, "x:")
    for action in (ledger.now, lambda: ledger.record(WINDOW, "a", 1), lambda: ledger.usage(WINDOW, "a", 1),
                   lambda: ledger.observe(WINDOW, 1, 1), lambda: ledger.block(WINDOW, 1), lambda: ledger.top(WINDOW, 1)):
        with pytest.raises(LedgerError):
            action()
    cache = ReadCache(RedisStore(dead), DataCipher("k"), 60, 3600)
    with pytest.raises(CacheError):
        cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))
    with pytest.raises(CacheError):
        cache.forget("alice@site", "https://jira.test")


@pytest.fixture(params=["files", "redis"])
def make_cache(request):
    """Return a function making a ReadCache (60 s fresh, an hour kept) on the session files or Redis."""
    if request.param == "files":
        store, prefix = CachelibStore(SimpleCache()), "session:"
    else:
        client = request.getfixturevalue("redis_client")
        store, prefix = RedisStore(client), client.test_prefix
    return lambda clock: ReadCache(store, DataCipher("secret"), 60, 3600, prefix=prefix, clock=clock)


def test_reads_are_kept_per_person_and_site_fresh_for_a_while_then_kept_as_a_fallback(make_cache):
    clock = FakeClock()
    cache = make_cache(clock)
    slot, entry = cache.lookup(cache.slot("alice@site-1", "https://jira.test", SEARCH))
    assert entry is None
    cache.keep(slot, PAYLOAD)
    _, entry = cache.lookup(cache.slot("alice@site-1", "https://jira.test", SEARCH))
    assert entry.payload == PAYLOAD and cache.is_fresh(entry)
    assert cache.lookup(cache.slot("bob@site-1", "https://jira.test", SEARCH))[1] is None  # never shared
    assert cache.lookup(cache.slot("alice@site-2", "https://jira.test/2", SEARCH))[1] is None
    other = Call("POST", "search/jql", SEARCH.url, None, {"jql": "project = OPS"}, True)
    assert cache.lookup(cache.slot("alice@site-1", "https://jira.test", other))[1] is None
    clock.advance(61)
    _, entry = cache.lookup(cache.slot("alice@site-1", "https://jira.test", SEARCH))
    assert entry is not None and not cache.is_fresh(entry) and entry.age(clock()) == 61


def test_a_write_makes_every_kept_read_of_that_person_unusable(make_cache):
    cache = make_cache(FakeClock())
    for person in ("alice@site", "bob@site"):
        slot, _ = cache.lookup(cache.slot(person, "https://jira.test", SEARCH))
        cache.keep(slot, PAYLOAD)
    cache.forget("alice@site", "https://jira.test")
    assert cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))[1] is None
    assert cache.lookup(cache.slot("bob@site", "https://jira.test", SEARCH))[1] is not None
    slot, _ = cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))
    cache.keep(slot, {"issues": []})  # kept after the write: usable again
    assert cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))[1].payload == {"issues": []}


@pytest.mark.redis
def test_kept_reads_are_encrypted_and_name_nobody(redis_client):
    cache = ReadCache(RedisStore(redis_client), DataCipher("secret"), 60, 3600, prefix=redis_client.test_prefix)
    slot, _ = cache.lookup(cache.slot("712020:alice@cloud-1", "https://jira.test", SEARCH))
    cache.keep(slot, PAYLOAD)
    keys = list(redis_client.scan_iter(f"{redis_client.test_prefix}*"))
    dump = b"".join(key + (redis_client.get(key) or b"") for key in keys)
    assert keys and b"Secret launch plan" not in dump and b"ACME" not in dump and b"alice" not in dump
    assert 0 < redis_client.ttl(keys[0]) <= 3660
    other_key = ReadCache(RedisStore(redis_client), DataCipher("rotated"), 60, 3600, prefix=redis_client.test_prefix)
    unreadable = other_key.lookup(other_key.slot("712020:alice@cloud-1", "https://jira.test", SEARCH))[1]
    assert unreadable is None or unreadable.payload is None  # decrypted only when used: then it is nothing


def test_very_large_answers_are_not_kept():
    cache = ReadCache(CachelibStore(SimpleCache()), DataCipher("secret"), 60, 3600)
    slot, _ = cache.lookup(cache.slot("alice", "s", SEARCH))
    cache.keep(slot, {"issues": ["x" * 3_000_000]})
    assert cache.lookup(cache.slot("alice", "s", SEARCH))[1] is None


def test_the_cipher_round_trips_json_and_refuses_tampering():
    cipher = DataCipher("secret")
    sealed = cipher.seal(PAYLOAD)
    assert cipher.open(sealed) == PAYLOAD and b"Secret" not in sealed
    assert cipher.open(sealed[:-3] + b"AAA") is None and cipher.open(json.dumps(PAYLOAD)) is None
    with pytest.raises(ValueError):
        DataCipher("")


class CountingStore:
    """A store that remembers which keys were read, around another store."""

    def __init__(self, inner) -> None:
        self.inner, self.read = inner, []

    def get_many(self, *keys):
        self.read += keys
        return self.inner.get_many(*keys)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_lookup_reads_the_stamp_only_and_the_answer_when_it_is_used(make_cache):
    cache = make_cache(FakeClock())
    slot, _ = cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))
    cache.keep(slot, PAYLOAD)
    cache.store = counting = CountingStore(cache.store)
    _, entry = cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))
    assert len(counting.read) == 2 and all(key.endswith((":gen", ":at")) for key in counting.read)
    assert entry.payload == PAYLOAD  # now the entry itself is read, once
    assert entry.payload == PAYLOAD and len(counting.read) == 3 and not counting.read[2].endswith(":at")


def test_an_answer_replaced_after_its_stamp_was_read_is_not_taken_for_it(make_cache):
    clock = FakeClock()
    cache = make_cache(clock)
    slot, _ = cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))
    cache.keep(slot, PAYLOAD)
    _, entry = cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))  # stamp read
    clock.advance(40)
    cache.keep(slot, {"issues": ["newer"]})  # another request keeps a newer answer meanwhile
    assert entry.payload is None  # not the newer answer under the older stamp's age
    assert cache.lookup(cache.slot("alice@site", "https://jira.test", SEARCH))[1].payload == {"issues": ["newer"]}


def test_a_store_that_fails_when_the_answer_is_read_is_a_cache_error():
    cache = ReadCache(CachelibStore(SimpleCache()), DataCipher("secret"), 60, 3600)
    slot, _ = cache.lookup(cache.slot("alice", "s", SEARCH))
    cache.keep(slot, PAYLOAD)
    _, entry = cache.lookup(cache.slot("alice", "s", SEARCH))

    class Failing:
        def get_many(self, *keys):
            raise CacheError("the read cache could not be read")

    cache.store = Failing()
    with pytest.raises(CacheError):
        entry.payload
