"""Static URLs carry the hash of the file's bytes, and a versioned file may be cached for good."""

from __future__ import annotations

import hashlib
import os
import re

from flask import Flask, render_template_string, url_for

from jira_client.web.assets import IMMUTABLE, ContentHashes, init_assets
from tests.support.clock import FakeClock
from tests.support.paths import ROOT
from tests.support.stubs import API, EMPTY_PROJECTS


def content_hash(name: str) -> str:
    return hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]


def test_static_urls_carry_the_files_content_hash(app):
    with app.test_request_context("/"):
        assert url_for("static", filename="app.css") == f"/static/app.css?v={content_hash('app.css')}"
        assert url_for("static", filename="mentions.js") == f"/static/mentions.js?v={content_hash('mentions.js')}"


def test_pages_link_their_css_by_hash(client, jira_http):
    jira_http.get(f"{API}/project/search", json=EMPTY_PROJECTS)
    html = client.get("/projects").get_data(as_text=True)

    assert f'href="/static/app.css?v={content_hash("app.css")}"' in html
    assert f'href="/static/adf.css?v={content_hash("adf.css")}"' in html


def test_a_versioned_file_is_immutable(client):
    response = client.get(f"/static/app.css?v={content_hash('app.css')}")

    assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
    response.close()


def test_an_unversioned_or_stale_url_is_revalidated_not_pinned(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")
        assert re.search(r"no-cache|max-age=0", response.headers.get("Cache-Control", "no-cache"))
        response.close()


def test_a_changed_file_gets_a_new_url_once_it_is_looked_at_again(tmp_path):
    (tmp_path / "site.css").write_text("a { color: red }")
    clock = FakeClock()
    hashes = ContentHashes(str(tmp_path), recheck_seconds=2, clock=clock)
    first = hashes.of("site.css")
    (tmp_path / "site.css").write_text("a { color: blue; }")

    assert first and hashes.of("site.css") == first  # trusted for two seconds: no stat for every link
    clock.advance(2)
    assert hashes.of("site.css") == _hash(tmp_path / "site.css") != first
    assert hashes.of("../etc/passwd") == "" and hashes.of("missing.css") == ""


def test_a_file_is_looked_at_once_per_recheck_period_not_once_per_link(tmp_path, monkeypatch):
    (tmp_path / "site.css").write_text("a{}")
    clock = FakeClock()
    hashes = ContentHashes(str(tmp_path), recheck_seconds=2, clock=clock)
    looked = []
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *args, **kwargs: looked.append(path) or real_stat(path, *args, **kwargs))
    for _ in range(11):
        hashes.of("site.css")
    assert len(looked) == 1
    clock.advance(2.5)
    hashes.of("site.css")
    assert len(looked) == 2


def test_a_removed_file_loses_its_hash(tmp_path):
    (tmp_path / "site.css").write_text("a{}")
    clock = FakeClock()
    hashes = ContentHashes(str(tmp_path), recheck_seconds=2, clock=clock)
    assert hashes.of("site.css")
    (tmp_path / "site.css").unlink()
    clock.advance(2)
    assert hashes.of("site.css") == ""


def test_templates_static_url_is_url_for_kept_per_file_version_and_script_root(tmp_path):
    app = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    init_assets(app, recheck_seconds=0)
    (tmp_path / "site.css").write_text("a{}")
    page = "{{ static_url('site.css') }}"

    with app.test_request_context("/"):
        first = render_template_string(page)
        assert first == url_for("static", filename="site.css") == f"/static/site.css?v={_hash(tmp_path / 'site.css')}"
        (tmp_path / "site.css").write_text("a { color: blue }")
        changed = render_template_string(page)
        assert changed != first and changed == url_for("static", filename="site.css")
    with app.test_request_context("/", base_url="http://localhost/tools"):  # mounted under a prefix
        assert render_template_string(page) == f"/tools{changed}"


def _hash(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
