"""Serve the sandbox over HTTP/1.1 with keep-alive, in a background thread or the foreground.

Werkzeug's development server answers every request with ``Connection: close`` (its handler
cannot drain a request body before the next request line), which would make every client call a
new TCP connection and hide connection-pooling bugs. The handler here keeps Werkzeug's WSGI
environ but buffers each (small, JSON) response, sends it with a ``Content-Length``, reads the
request body to its end, and so can keep the connection open. The server counts the TCP
connections it accepts into the app's ``sandbox_connections`` counter. ``start_sandbox`` also starts
the media origin (``sandbox.media``), which serves attachment bytes on a port of its own.
"""

import socket
import threading

from flask import Flask
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from sandbox.admin import CONNECTIONS_KEY, FAULTS_KEY
from sandbox.app import create_sandbox_app
from sandbox.media import MediaOrigin

_HOP_BY_HOP = {"connection", "content-length", "keep-alive", "transfer-encoding"}


class KeepAliveHandler(WSGIRequestHandler):
    """A WSGI request handler that keeps HTTP/1.1 connections open between requests."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes; don't wait for an ACK

    def run_wsgi(self) -> None:
        """Run the app for one request and send its buffered response."""
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        body = _request_body(environ)
        status, headers, payload = _call_app(self.server.app, environ)
        _drain(body)
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log one line per request only when the server was asked to."""
        if self.server.log_requests:
            super().log_request(code, size)


def _request_body(environ: dict):
    """Bound ``wsgi.input`` to this request's body, so the next request line stays unread."""
    if not environ.get("wsgi.input_terminated"):  # chunked bodies are already bounded
        declared = environ.get("CONTENT_LENGTH") or "0"
        length = int(declared) if declared.isascii() and declared.isdigit() else 0
        environ["wsgi.input"] = LimitedStream(environ["wsgi.input"], length)
        environ["wsgi.input_terminated"] = True
    return environ["wsgi.input"]


def _call_app(app, environ: dict) -> tuple[str, list, bytes]:
    """Return the status line, headers and whole body the WSGI app answers."""
    started: list = []
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        started[:] = [status, headers]
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0], started[1], b"".join(chunks)


def _drain(stream) -> None:
    while stream.read(65536):
        pass


class SandboxServer(ThreadedWSGIServer):
    """A threaded WSGI server that counts accepted connections and can close the open ones."""

    def __init__(self, host: str, port: int, app: Flask, log_requests: bool = False) -> None:
        self.log_requests = log_requests
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._connections = app.extensions[CONNECTIONS_KEY]
        super().__init__(host, port, app, handler=KeepAliveHandler)

    def get_request(self):
        """Accept a connection, count it and remember it until it closes."""
        conn, address = super().get_request()
        self._connections.increment()
        with self._open_lock:
            self._open.add(conn)
        return conn, address

    def shutdown_request(self, request) -> None:
        """Forget a connection that has ended, then close it."""
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """Hang up on every client still connected (idle keep-alive or mid-request)."""
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already gone


class RunningSandbox:
    """A sandbox serving in a daemon thread; ``stop()`` or leaving ``with`` ends it."""

    def __init__(self, server: SandboxServer, thread: threading.Thread, media: MediaOrigin | None = None) -> None:
        self._server = server
        self._thread = thread
        self._media = media
        self.media_url = media.url if media else ""  # where attachment bytes are served (another port)
        self.app: Flask = server.app
        self.host: str = server.host
        self.port: int = server.port
        self.url = f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving, free the port, end stalls and hang up on open connections."""
        self._server.shutdown()
        self._server.server_close()
        self.app.extensions[FAULTS_KEY].release()
        self._server.close_open_connections()
        self._thread.join(timeout=5)
        if self._media is not None:
            self._media.stop()

    def __enter__(self) -> "RunningSandbox":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RunningSandbox {self.url}>"


def make_sandbox_server(
    host: str = "127.0.0.1", port: int = 0, config: dict | None = None, *, app: Flask | None = None,
    log_requests: bool = False,
) -> SandboxServer:
    """Return a bound, listening server for ``app`` (default: a new sandbox app with ``config``).

    Raises:
        OSError: the address is taken or cannot be bound.
    """
    app = app or create_sandbox_app(config)
    try:
        return SandboxServer(host, port, app, log_requests=log_requests)
    except SystemExit as exc:  # Werkzeug prints why and exits when it cannot bind
        raise OSError(f"cannot listen on {host}:{port}") from exc


def start_sandbox(
    host: str = "127.0.0.1", port: int = 0, config: dict | None = None, *, app: Flask | None = None,
    log_requests: bool = False,
) -> RunningSandbox:
    """Return a sandbox serving in a daemon thread on ``host:port`` (0: a free port), its media origin on another."""
    server = make_sandbox_server(host, port, config, app=app, log_requests=log_requests)
    media = MediaOrigin(server.app, host)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox:{server.port}", daemon=True,
    )
    thread.start()
    return RunningSandbox(server, thread, media)
