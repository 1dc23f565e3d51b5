"""The sandbox's attachments: Jira's shapes and rules, and the media origin that serves the bytes on a port of its own."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox import seed_media
from sandbox.attachments import STORE_KEY
from sandbox.media import create_media_app
from tests.support.sandbox import basic_headers

SEEDED = {f.id: f for f in seed_media.SEEDED}
NO_CHECK = {"X-Atlassian-Token": "no-check"}


@pytest.fixture
def media(sandbox_app):
    """The media origin's test client, serving the sandbox app's files."""
    return create_media_app(sandbox_app).test_client()


def media_get(media, location: str, **headers):
    parts = urlsplit(location)
    return media.get(f"{parts.path}?{parts.query}", headers=headers)


def upload(api, key: str, *files: tuple[bytes, str], user: str = "alice", headers=NO_CHECK, part: str = "file"):
    data = {part: [(io.BytesIO(body), name) for body, name in files]}
    return api.client.open(api.url(f"issue/{key}/attachments"), method="POST", data=data,
                           headers={**api.headers(user), **headers})


def test_the_issue_lists_its_files_as_jira_does(api):
    fields = api.get("issue/ACME-14?fields=attachment").get_json()["fields"]
    listed = fields["attachment"]
    assert [a["filename"] for a in listed] == [f.filename for f in seed_media.SEEDED if f.issue_key == "ACME-14"]
    first = listed[0]
    assert first["id"] == "10000" and first["size"] == len(SEEDED["10000"].make()) and first["mimeType"] == "image/png"
    assert first["content"].endswith(api.url("attachment/content/10000"))  # gateway calls link through the gateway
    assert first["thumbnail"].endswith("rest/api/3/attachment/thumbnail/10000") and first["author"]["displayName"] == "Ada Admin"
    assert "thumbnail" not in listed[2]  # the PDF: Jira makes thumbnails of images only


def test_metadata_gives_a_numeric_id_and_jiras_refusals(api):
    assert api.get("attachment/10003").get_json()["id"] == 10003
    hidden = api.get("attachment/10003", user="bob")
    assert hidden.status_code == 403
    assert hidden.get_json()["errorMessages"] == ["You do not have permission to view attachment with id: 10003"]
    assert api.get("attachment/99999").status_code == 404


def test_content_is_a_303_to_the_media_origin_whose_token_is_the_only_key(client, media):
    answer = client.get("/rest/api/3/attachment/content/10000", headers=basic_headers("admin"))
    assert answer.status_code == 303 and answer.data == b""
    location = answer.headers["Location"]
    assert urlsplit(location).path == f"/file/{SEEDED['10000'].media_id}/binary"
    assert set(parse_qs(urlsplit(location).query)) == {"token", "client", "dl", "name"}
    got = media_get(media, location)
    assert got.status_code == 200 and got.data == SEEDED["10000"].make() and got.mimetype == "image/png"
    assert media.get("/_media/stats").get_json() == {"requests": 1, "with_authorization": 0, "with_cookie": 0,
                                                      "bytes_sent": len(got.data)}
    assert media_get(media, location, Authorization="Basic bm8=").status_code == 200
    assert media.get("/_media/stats").get_json()["with_authorization"] == 1  # a leak is counted, wherever it comes from
    assert client.get("/_sandbox/stats").get_json()["media"]["with_authorization"] == 1


@pytest.mark.parametrize("spoil", [
    lambda url: url.replace("token=", "token=1"),
    lambda url: url.replace("/binary", "/image"),  # a token for the bytes is not one for the thumbnail
    lambda url: url.replace(SEEDED["10000"].media_id, SEEDED["10001"].media_id),
])
def test_the_media_origin_refuses_a_spoiled_token(client, media, spoil):
    location = client.get("/rest/api/3/attachment/content/10000", headers=basic_headers("admin")).headers["Location"]
    assert media_get(media, spoil(location)).status_code == 401


def test_redirect_false_sends_the_bytes_from_jira(client):
    answer = client.get("/rest/api/3/attachment/content/10002?redirect=false", headers=basic_headers("alice"))
    assert answer.status_code == 200 and answer.data == SEEDED["10002"].make() and answer.mimetype == "application/pdf"


def test_thumbnails(client, media):
    image = client.get("/rest/api/3/attachment/thumbnail/10000?width=96&height=96", headers=basic_headers("admin"))
    assert image.status_code == 303 and "/image?" in image.headers["Location"]
    assert media_get(media, image.headers["Location"]).data[:8] == b"\x89PNG\r\n\x1a\n"
    generic = client.get("/rest/api/3/attachment/thumbnail/10002", headers=basic_headers("admin"))
    assert media_get(media, generic.headers["Location"]).data == seed_media.DEFAULT_THUMBNAIL
    refused = client.get("/rest/api/3/attachment/thumbnail/10002?fallbackToDefault=false", headers=basic_headers("admin"))
    assert refused.status_code == 404


def test_an_upload_without_jiras_xsrf_header_is_refused_in_plain_text(api, sandbox_app):
    refused = upload(api, "ACME-1", (b"x", "x.txt"), headers={})
    assert refused.status_code == 403 and refused.data == b"XSRF check failed" and refused.mimetype == "text/plain"
    assert sandbox_app.extensions[STORE_KEY].for_issue(api.get("issue/ACME-1").get_json()["id"]) == []


def test_uploads_are_listed_and_served_byte_for_byte(api, client, media):
    blob = bytes(range(256)) * 4096  # 1 MiB
    added = upload(api, "ACME-1", (blob, "blob.bin"), (b"\x89PNG\r\n\x1a\nrest", "shot.png"))
    assert added.status_code == 200
    first, second = added.get_json()
    assert first["filename"] == "blob.bin" and first["size"] == len(blob) and isinstance(first["id"], str)
    assert "thumbnail" in second and second["mimeType"] == "image/png"
    listed = api.get("issue/ACME-1?fields=attachment").get_json()["fields"]["attachment"]
    assert [a["id"] for a in listed] == [first["id"], second["id"]]
    location = client.get(f"/rest/api/3/attachment/content/{first['id']}", headers=basic_headers("alice")).headers["Location"]
    assert hashlib.sha256(media_get(media, location).data).hexdigest() == hashlib.sha256(blob).hexdigest()


def test_upload_limits_and_rules(api, client, sandbox_app):
    client.post("/_sandbox/attachments", json={"upload_limit": 100})
    assert api.get("attachment/meta").get_json() == {"enabled": True, "uploadLimit": 100}
    assert upload(api, "ACME-1", (b"x" * 101, "big.txt")).status_code == 413
    assert upload(api, "ACME-1", *[(b"x", f"{n}.txt") for n in range(61)]).status_code == 413
    assert upload(api, "ACME-1", (b"x", "x.txt"), part="upload").status_code == 400  # Jira wants parts named "file"
    assert upload(api, "WEB-1", (b"x", "x.txt"), user="bob").status_code == 403  # bob may only read WEB
    assert upload(api, "GLOBX-1", (b"x", "x.txt"), user="bob").status_code == 404
    client.post("/_sandbox/attachments", json={"enabled": False})
    assert upload(api, "ACME-1", (b"x", "x.txt")).status_code == 403
    assert sandbox_app.extensions[STORE_KEY].for_issue(api.get("issue/ACME-1").get_json()["id"]) == []
    assert client.post("/_sandbox/attachments", json={"upload_limit": 0}).status_code == 400
    assert client.post("/_sandbox/attachments", json={"colour": "red"}).status_code == 400


def test_who_may_delete(api):
    own = upload(api, "ACME-1", (b"mine", "mine.txt"), user="alice").get_json()[0]["id"]
    assert api.delete("attachment/10000", user="alice").status_code == 403  # the admin's file
    assert api.delete(f"attachment/{own}", user="alice").status_code == 204
    assert api.delete(f"attachment/{own}", user="alice").status_code == 404
    assert api.delete("attachment/10005", user="bob").status_code == 403  # WEB-2: bob may only read
    assert api.delete("attachment/10001", user="admin").status_code == 204  # the admin may delete anyone's


def test_reset_restores_the_seed(client, sandbox_app):
    posted = client.post("/rest/api/3/issue/ACME-1/attachments", data={"file": (io.BytesIO(b"x"), "x.txt")},
                         headers={**basic_headers("alice"), **NO_CHECK})
    assert posted.status_code == 200
    client.delete("/rest/api/3/attachment/10004", headers=basic_headers("admin"))
    client.post("/_sandbox/attachments", json={"upload_limit": 5})
    client.post("/_sandbox/reset")
    store = sandbox_app.extensions[STORE_KEY]
    assert [store.get(i).filename for i in SEEDED] == [f.filename for f in seed_media.SEEDED]
    assert store.settings.upload_limit > 5 and store.get("10006") is None


def test_seeded_text_embeds_the_seeded_files(api):
    description = api.get("issue/ACME-14?fields=description").get_json()["fields"]["description"]
    media_ids = [node["attrs"].get("id") for node in _walk(description) if node.get("type") in ("media", "mediaInline")]
    assert SEEDED["10000"].media_id in media_ids and seed_media.MISSING_MEDIA_ID in media_ids
    comment = api.get("issue/ACME-14/comment").get_json()["comments"][0]
    assert comment["author"]["displayName"] == "Ada Admin"
    assert SEEDED["10001"].media_id in [n["attrs"].get("id") for n in _walk(comment["body"]) if n.get("type") == "media"]


def test_faults_and_counters_apply_to_the_media_origin(client, media):
    location = client.get("/rest/api/3/attachment/content/10000", headers=basic_headers("admin")).headers["Location"]
    client.post("/_sandbox/faults", json={"faults": [{"path": "^/file/", "status": 503, "count": 1}]})
    assert media_get(media, location).status_code == 503
    assert media_get(media, location).status_code == 200
    rows = {(r["path"], r["status"]): r["count"] for r in client.get("/_sandbox/stats").get_json()["requests"]}
    assert rows[("/file/{fileId}/binary", 503)] == 1 and rows[("/file/{fileId}/binary", 200)] == 1


def test_a_third_party_client_uploads_and_downloads_through_a_live_sandbox(live):
    jira = pytest.importorskip("jira")
    client = jira.JIRA(live.url, options={"rest_api_version": "3"}, basic_auth=("alice@sandbox.test", "sandbox-alice-api-token"),
                       max_retries=0)
    added = client.add_attachment("ACME-1", attachment=io.BytesIO(b"from pycontribs"), filename="pycontribs.txt")
    assert client.attachment(added.id).filename == "pycontribs.txt"
    assert client.attachment(added.id).get() == b"from pycontribs"  # requests follows the 303, dropping credentials
    assert requests.get(f"{live.media_url}/_media/stats", timeout=5).json()["with_authorization"] == 0


def _walk(node):
    yield node
    for child in node.get("content") or ():
        yield from _walk(child)
