"""The sandbox's media origin: a second port standing in for Atlassian's media service.

Jira Cloud never sends file bytes itself: ``attachment/content/{id}`` answers ``303 See Other``
to ``https://api.media.atlassian.com/file/<uuid>/binary?token=...&client=...``, a URL whose
token is the only credential the media service needs. This origin serves those URLs from the
sandbox's ``AttachmentStore``: ``/file/<id>/binary`` (the bytes, streamed) and
``/file/<id>/image`` (the thumbnail: the image itself, the sandbox does not scale). It checks
the token, and counts every request that carries an ``Authorization`` header: a client that
follows the redirect with the person's Jira credentials leaks them to another host, and
``GET /_media/stats`` (also under ``media`` in ``/_sandbox/stats``) shows it.

The Jira routes' fault list and request counters apply here too (paths such as
``/file/{fileId}/binary``), so a test can stall or fail a download halfway through the journey.
"""

from __future__ import annotations

import threading

from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

from sandbox.admin import FAULTS_KEY, STATS_KEY, apply_fault, route_template
from sandbox.attachments import MEDIA_STATS_KEY, STORE_KEY, AttachmentStore, MediaStats, Stored, default_thumbnail

CHUNK = 256 * 1024


def create_media_app(jira_app: Flask) -> Flask:
    """Return the media origin's app, serving ``jira_app``'s attachments under its faults and counters."""
    app = Flask(__name__)
    store: AttachmentStore = jira_app.extensions[STORE_KEY]
    stats: MediaStats = jira_app.extensions[MEDIA_STATS_KEY]
    faults, counts = jira_app.extensions[FAULTS_KEY], jira_app.extensions[STATS_KEY]

    @app.before_request
    def count_and_fault():
        if request.path.startswith("/_media/"):
            return None
        stats.saw(request.headers)
        return apply_fault(faults)  # the same faults as the Jira routes, in the same way

    @app.after_request
    def count_response(response):
        if not request.path.startswith("/_media/"):
            rule = request.url_rule
            counts.add(request.method, route_template(rule.rule) if rule else request.path, response.status_code)
        return response

    @app.get("/file/<fileId>/binary")
    def file_binary(fileId: str):
        """Stream a file's bytes to whoever holds a valid token."""
        stored = _granted(store, fileId, "binary")
        if isinstance(stored, Response):
            return stored
        disposition = "attachment" if request.args.get("dl") == "true" else "inline"
        return _stream(stats, stored, {"Content-Disposition": f'{disposition}; filename="{_ascii(stored.filename)}"'})

    @app.get("/file/<fileId>/image")
    def file_image(fileId: str):
        """Send a thumbnail: the image itself, or the generic one for files without a preview."""
        if fileId == "default":
            if not store.token_ok("default", "image", request.args.get("token", "")):
                return _refused()
            stats.sent(len(default_thumbnail()))
            return Response(default_thumbnail(), content_type="image/png")
        stored = _granted(store, fileId, "image")
        return stored if isinstance(stored, Response) else _stream(stats, stored, {})

    @app.get("/_media/stats")
    def media_stats():
        """Return the counts: requests, with_authorization, with_cookie, bytes_sent."""
        return jsonify(stats.as_dict())

    @app.post("/_media/stats/reset")
    def reset_media_stats():
        """Zero the counts."""
        stats.reset()
        return jsonify(stats.as_dict())

    return app


def _granted(store: AttachmentStore, media_id: str, kind: str) -> Stored | Response:
    """Return the file a valid token names, or the media service's refusal."""
    if not store.token_ok(media_id, kind, request.args.get("token", "")):
        return _refused()
    stored = store.by_media_id(media_id)
    if stored is None:
        return Response('{"error":{"code":"FileNotFound","title":"The file was not found"}}', 404,
                        content_type="application/json")
    return stored


def _refused() -> Response:
    return Response('{"error":{"code":"Unauthorized","title":"The token is missing, wrong or expired"}}', 401,
                    content_type="application/json")


def _stream(stats: MediaStats, stored: Stored, headers: dict) -> Response:
    """Return the file's bytes as a streamed response (never read whole into memory)."""
    def chunks():
        with stored.reader() as reader:
            while chunk := reader.read(CHUNK):
                stats.sent(len(chunk))
                yield chunk

    return Response(chunks(), content_type=stored.mime_type,
                    headers={"Content-Length": str(stored.size), "Cache-Control": "private, max-age=600", **headers})


def _ascii(name: str) -> str:
    return "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name)


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler (streamed responses), without a log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class MediaOrigin:
    """The media origin serving in a daemon thread on its own port."""

    def __init__(self, jira_app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(host, port, create_media_app(jira_app), threaded=True,
                                  request_handler=_QuietHandler)
        self.url = f"http://{host}:{self.server.server_port}"
        jira_app.extensions[STORE_KEY].media_url = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"sandbox-media:{self.server.server_port}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
