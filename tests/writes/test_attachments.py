"""Attaching and deleting files through the app against the live sandbox, in both modes: uploads arrive byte
for byte and once, limits are explained before Jira hears of them, Jira's permissions hold, and editing text
that shows images keeps the images where they were."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from jira_client.api import adf
from jira_client.web.forms import rich_text
from tests.support.forms import client_once_token, form_data, form_token, page
from tests.support.sandbox import (admin_download, admin_get, configure_attachments, media_stats, reset_stats,
                                   writes)
from tests.support.writers import MODES, make_person

UPLOAD = "/attachments/upload/{}"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(4000)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachments(sandbox, key: str) -> list[dict]:
    return admin_get(sandbox, f"issue/{key}", fields="attachment")["fields"]["attachment"]


def post_files(client, key: str, *files: tuple[bytes, str], once: str | None = None):
    html = None if once else page(client, f"/issues/{key}")
    token = once or form_token(html, UPLOAD.format(key))
    return client.post(UPLOAD.format(key), data={"once": token, "file": [(io.BytesIO(data), name) for data, name in files]})


def test_an_upload_arrives_byte_for_byte_and_comes_back_the_same(writer, sandbox):
    blob = os.urandom(3 * 1024 * 1024)
    reset_stats(sandbox)
    response = post_files(writer.client, "ACME-1", (blob, "capture.bin"), (PNG, "Screenshot ü.png"))
    assert response.status_code == 302 and response.headers["Location"] == "/issues/ACME-1#attachments"
    assert writes(sandbox, "POST", "/attachments") == 1  # both files in one request
    added = attachments(sandbox, "ACME-1")
    assert [a["filename"] for a in added] == ["capture.bin", "Screenshot ü.png"]
    assert sha(admin_download(sandbox, added[0]["id"])) == sha(blob)
    back = writer.client.get(f"/attachments/{added[0]['id']}")
    assert sha(back.data) == sha(blob)
    assert sha(writer.client.get(f"/attachments/{added[1]['id']}/view").data) == sha(PNG)
    html = page(writer.client, "/issues/ACME-1")
    assert "Attached capture.bin and Screenshot ü.png." in html and "Screenshot ü.png</a>" in html
    assert media_stats(sandbox)["with_authorization"] == 0


def test_a_double_submit_attaches_once(writer, sandbox):
    token = form_token(page(writer.client, "/issues/ACME-1"), UPLOAD.format("ACME-1"))
    first = post_files(writer.client, "ACME-1", (b"once", "once.txt"), once=token)
    second = post_files(writer.client, "ACME-1", (b"once", "once.txt"), once=token)
    assert first.status_code == second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert [a["filename"] for a in attachments(sandbox, "ACME-1")] == ["once.txt"]


def test_a_hostile_file_named_like_an_image_is_never_shown_inline(writer, sandbox):
    post_files(writer.client, "ACME-1", (b"<svg onload=alert(1) xmlns='http://www.w3.org/2000/svg'/>", "cute-cat.png"))
    added = attachments(sandbox, "ACME-1")[0]
    assert added["mimeType"] == "image/png"  # what the uploader claimed
    assert writer.client.get(f"/attachments/{added['id']}/view").status_code == 303
    assert writer.client.get(f"/attachments/{added['id']}/thumbnail").status_code == 404
    download = writer.client.get(f"/attachments/{added['id']}")
    assert download.mimetype == "application/octet-stream"
    assert download.headers["Content-Security-Policy"].endswith("; sandbox")


def test_a_file_over_max_upload_mb_is_refused_with_the_limit(sandbox, tmp_path):
    person = make_person("single_user", sandbox, tmp_path, "admin", MAX_UPLOAD_MB="1")
    reset_stats(sandbox)
    response = post_files(person.client, "ACME-1", (os.urandom(1024 * 1024 + 400_000), "big.bin"))
    assert response.status_code == 413
    assert "one upload may carry at most 1.0 MB" in response.get_data(as_text=True)
    assert writes(sandbox, "POST", "/attachments") == 0 and attachments(sandbox, "ACME-1") == []


@pytest.mark.parametrize("mode", MODES)
def test_a_file_over_jiras_limit_is_refused_with_jiras_limit(sandbox, tmp_path, mode):
    person = make_person(mode, sandbox, tmp_path, "admin")
    configure_attachments(sandbox, upload_limit=2000)
    reset_stats(sandbox)
    response = post_files(person.client, "ACME-1", (b"x" * 100, "small.txt"), (b"y" * 5000, "large.txt"))
    assert response.status_code == 413
    assert "Too large to attach: large.txt (4.9 KB). Each file may be at most 2.0 KB." in response.get_data(as_text=True)
    assert writes(sandbox, "POST", "/attachments") == 0
    assert "each at most 2.0 KB" in page(person.client, "/issues/ACME-1")  # the form now says so too


@pytest.mark.parametrize("mode", MODES)
def test_bob_may_read_web_but_neither_attach_nor_delete_there(sandbox, tmp_path, mode):
    bob = make_person(mode, sandbox, tmp_path, "bob")
    html = page(bob.client, "/issues/WEB-2")
    assert "footer-mockup.png</a>" in html and 'src="/attachments/10005/view"' in html
    assert UPLOAD.format("WEB-2") not in html and "/attachments/10005/delete" not in html
    assert sha(bob.client.get("/attachments/10005").data) == sha(admin_download(sandbox, "10005"))
    refused = post_files(bob.client, "WEB-2", (b"x", "x.txt"), once=client_once_token(bob.client, UPLOAD.format("WEB-2")))
    assert refused.status_code == 403 and "permission" in refused.get_data(as_text=True)
    action = "/attachments/10005/delete"
    gone = bob.client.post(action, data={"issue": "WEB-2", "once": client_once_token(bob.client, action)})
    assert gone.status_code == 403
    assert [a["id"] for a in attachments(sandbox, "WEB-2")] == ["10005"]
    assert post_files(bob.client, "OPS-1", (b"fine", "fine.txt")).status_code == 302  # where bob may change issues


def test_alice_deletes_her_own_file_but_not_the_admins(sandbox, tmp_path):
    alice = make_person("multi_user", sandbox, tmp_path, "alice")
    html = page(alice.client, "/issues/ACME-14")
    assert "/attachments/10001/delete" in html and "/attachments/10000/delete" not in html  # hers, and the admin's
    confirm = page(alice.client, "/attachments/10001/delete?issue=ACME-14")
    assert "Delete <q>dashboard-error.png</q> from ACME-14?" in confirm
    deleted = alice.client.post("/attachments/10001/delete", data=form_data(confirm, "/attachments/10001/delete"))
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/issues/ACME-14#attachments"
    assert "10001" not in [a["id"] for a in attachments(sandbox, "ACME-14")]
    after = page(alice.client, "/issues/ACME-14")
    assert "The attachment was deleted." in after and "Not attached to this issue:</span> dashboard-error.png" in after
    action = "/attachments/10000/delete"
    refused = alice.client.post(action, data={"issue": "ACME-14", "once": client_once_token(alice.client, action)})
    assert refused.status_code == 403 and "10000" in [a["id"] for a in attachments(sandbox, "ACME-14")]


def test_the_admin_deletes_a_file_once(writer, sandbox):
    confirm = page(writer.client, "/attachments/10004/delete?issue=ACME-14")
    data = form_data(confirm, "/attachments/10004/delete")
    assert writer.client.post("/attachments/10004/delete", data=data).status_code == 302
    assert writer.client.post("/attachments/10004/delete", data=data).status_code == 302  # the repeat goes where the first went
    assert writes(sandbox, "DELETE", "/attachment/{id}") == 1
    assert writer.client.get("/attachments/10004/delete?issue=not-a-key").status_code == 404


def test_editing_a_description_keeps_its_images_where_they_were(writer, sandbox):
    before = admin_get(sandbox, "issue/ACME-14")["fields"]["description"]
    html = page(writer.client, "/issues/ACME-14/edit")
    assert "Attachment:</span> login-page.png" in html and "<img" not in html  # a placeholder line, not the image
    data = form_data(html, "/issues/ACME-14/edit")
    parts = rich_text.split(before)
    texts = rich_text.texts(parts)
    number = next(n for n, text in enumerate(texts) if "login page as it looks" in text)
    edited = list(texts)
    edited[number] = texts[number].replace("The login page as it looks today:", "The login page, **before** the redesign:")
    data[f"description__part{number}"] = edited[number]
    assert writer.client.post("/issues/ACME-14/edit", data=data).status_code == 302
    after = admin_get(sandbox, "issue/ACME-14")["fields"]["description"]
    assert after == rich_text.join(parts, edited)
    media = [(i, block) for i, block in enumerate(before["content"]) if "media" in str(block)]
    assert len(media) == 5 and len(after["content"]) == len(before["content"])
    assert all(after["content"][i] == block for i, block in media)  # the same blocks in the same places


def test_editing_a_comment_keeps_its_image_where_it_was(writer, sandbox):
    comment = admin_get(sandbox, "issue/ACME-14/comment")["comments"][0]
    action = f"/issues/ACME-14/comments/{comment['id']}/edit?back=50"  # edited from the comments' second page
    html = page(writer.client, action)
    assert "Attachment:</span> dashboard-error.png" in html
    data = form_data(html, action)
    data["body__part1"] = "It happens on _every_ reload."
    answer = writer.client.post(action, data=data)
    assert answer.status_code == 302  # back on the page of comments it was edited from, as other comments are
    assert answer.headers["Location"].endswith(f"/issues/ACME-14?comments=50#comment-{comment['id']}")
    body = admin_get(sandbox, f"issue/ACME-14/comment/{comment['id']}")["body"]
    assert body["content"][:2] == comment["body"]["content"][:2]  # the opening line and the screenshot, untouched
    assert adf.to_markdown({"type": "doc", "version": 1, "content": body["content"][2:]})[0] == "It happens on *every* reload."
