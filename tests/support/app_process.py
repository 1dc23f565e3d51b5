"""Serve a multi_user app in its own process (for the two-processes-sharing-Redis test).

Usage: ``python -m tests.support.app_process '<settings as JSON>'``; prints the port, then serves
until terminated. ``tests.support.processes.start_app`` starts it and reads the port.
"""

from __future__ import annotations

import json
import os
import sys

from werkzeug.serving import make_server

from web_app import create_app


def main() -> None:
    """Build the app from the JSON settings in argv[1] and serve it on a free loopback port."""
    server = make_server("127.0.0.1", 0, create_app(json.loads(sys.argv[1])), threaded=True)
    print(server.port, flush=True)
    sys.stdout = open(os.devnull, "w")  # nothing more is needed from stdout; keep request noise out of the log
    server.serve_forever()


if __name__ == "__main__":
    main()
