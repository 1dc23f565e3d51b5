"""Attachment bytes and uploads pass through the quota governor like every other Jira call.

A download is Jira's redirect (one call: 1 point, never an expensive read, never kept in the read
cache) and then the media service's bytes (not a Jira REST call: no points); an upload is a write
(1 point) and drops the person's cached reads, so the issue page shows the new file at once.
"""

import io

import pytest
import responses

from jira_client.api.attachments import AttachmentsApi, Upload
from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.transport import create_transport
from jira_client.quota.governor import QuotaExhausted
from jira_client.state import app_state
from tests.support.clock import FakeClock
from tests.support.forms import form_token, page
from tests.support.oauth import make_oauth_app, sign_in
from tests.support.quota import WINDOW_START, memory_quota, sandbox_quota, use_clock
from tests.support.sandbox import reset_stats

BASE = "https://jira.test"
API = f"{BASE}/rest/api/3"
MEDIA = "https://media.test/file/3fcbbbe8/binary?token=abc"
ISSUE = {"id": "10001", "key": "ACME-1", "fields": {}}
QUOTA_REFUSAL = {"RateLimit-Reason": "jira-quota-global-based", "Retry-After": "1200"}


@pytest.fixture
def quota():
    return memory_quota(FakeClock(WINDOW_START + 600))


@pytest.fixture
def jira_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def client_for(quota, person="alice"):
    governor = quota.governor(scope=f"{person}@site", site=BASE, person=person, counted=True)
    client = JiraClient(create_transport(), BASE, ("robot@example.test", "token"), gate=governor,
                        observer=governor.watch(None), retry=RetryPolicy(attempts=1))
    return client, governor


def test_a_download_costs_one_point_each_time_and_is_never_served_from_the_cache(quota, jira_http):
    content = jira_http.get(f"{API}/attachment/content/10000", status=303, headers={"Location": MEDIA})
    media = jira_http.get(MEDIA, body=b"\x89PNG\r\n\x1a\n" + b"x" * 5000)
    client, governor = client_for(quota)
    for _ in range(2):
        assert b"".join(AttachmentsApi(client).open_content("10000").chunks()).endswith(b"x" * 5000)
    assert content.call_count == media.call_count == 2  # no copy of a file is kept
    assert governor.points == 2 and quota.usage("alice").person == 2  # the media service's answers cost nothing


def test_a_download_waits_like_any_read_while_jira_refuses_for_the_quota(quota, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", status=429, json={}, headers=QUOTA_REFUSAL)
    content = jira_http.get(f"{API}/attachment/content/10000", status=303, headers={"Location": MEDIA})
    client, _ = client_for(quota)
    with pytest.raises(QuotaExhausted):
        client.get_issue("ACME-1")
    with pytest.raises(QuotaExhausted):
        AttachmentsApi(client).open_content("10000")
    assert content.call_count == 0  # the governor held it back: Jira never heard of it


def test_an_upload_costs_one_point_and_drops_the_uploaders_cached_reads(quota, jira_http):
    issue = jira_http.get(f"{API}/issue/ACME-1", json=ISSUE)
    jira_http.post(f"{API}/issue/ACME-1/attachments", json=[{"id": "10010", "filename": "a.txt"}])
    client, governor = client_for(quota)
    client.get_issue("ACME-1")
    client.get_issue("ACME-1")  # from alice's cache
    AttachmentsApi(client).upload("ACME-1", [Upload("a.txt", io.BytesIO(b"abc"), "text/plain")])
    client.get_issue("ACME-1")  # asks Jira again: the issue has a new file
    assert issue.call_count == 2
    assert governor.points == 2 + 1 + 2


def test_with_the_read_cache_on_a_new_file_shows_at_once_and_a_download_costs_what_jira_counts(tmp_path, sandbox,
                                                                                                shared_clock):
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_CACHE_SECONDS=60)
    use_clock(app, shared_clock)
    alice = app.test_client()
    sign_in(alice, "alice", site="acme")
    html = page(alice, "/issues/ACME-1")
    posted = alice.post("/attachments/upload/ACME-1", data={
        "once": form_token(html, "/attachments/upload/ACME-1"), "file": [(io.BytesIO(b"quota note"), "quota.txt")]})
    assert posted.status_code == 302
    html = page(alice, "/issues/ACME-1")
    assert "quota.txt</a>" in html  # not the issue as alice's cache held it before the upload
    download = html.split('class="attachment-name" href="')[1].split('"')[0].replace("&amp;", "&")
    reset_stats(sandbox)
    app_spent = lambda: app_state(app).quota.usage("anyone").spent  # noqa: E731 (the app's total this hour)
    before = app_spent()
    assert alice.get(download).data == b"quota note"
    assert sandbox_quota(sandbox)["points_spent"] == 1  # Jira counts the redirect; its media service, nothing
    assert app_spent() == before + 1  # and so does the app's ledger
