"""``python -m sandbox --host 127.0.0.1 --port 5001``: serve the sandbox until Ctrl-C.

Identity settings come from ``SANDBOX_<KEY>`` environment variables (see ``sandbox.identity``).
"""

import argparse
import sys
import threading

from sandbox import directory
from sandbox.server import start_sandbox


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=5001, help="port to listen on, 0 for any (default: %(default)s)")
    parser.add_argument("--log-requests", action="store_true", help="print one line per request")
    return parser.parse_args(argv)


def banner(url: str) -> str:
    """Return what to print at start: the URL and the demo credentials."""
    admin = next(user for user in directory.USERS if user["admin"])
    return "\n".join([
        f"Jira sandbox serving on {url}  (Ctrl-C stops it)",
        f"  single-user mode: JIRA_BASE_URL={url} JIRA_EMAIL={admin['email']} JIRA_API_TOKEN={admin['api_token']}",
        f"  OAuth client:     JIRA_OAUTH_CLIENT_ID={directory.OAUTH_CLIENT['client_id']}"
        f" JIRA_OAUTH_CLIENT_SECRET={directory.OAUTH_CLIENT['client_secret']}",
        f"  everyone:         {url}/_sandbox/info",
    ])


def main(argv: list[str] | None = None) -> int:
    """Serve in the foreground; return the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        sandbox = start_sandbox(args.host, args.port, log_requests=args.log_requests)
    except OSError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 1
    try:
        print(banner(sandbox.url), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
