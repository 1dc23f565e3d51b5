"""A local stand-in for Jira Cloud and Atlassian's identity service (see sandbox/app.py)."""


def create_sandbox_app(config: dict | None = None):
    """Return a freshly seeded sandbox Flask app (see ``sandbox.app.create_sandbox_app``)."""
    from sandbox.app import create_sandbox_app as create

    return create(config)


def start_sandbox(host: str = "127.0.0.1", port: int = 0, config: dict | None = None, **options):
    """Return a sandbox serving in a background thread (see ``sandbox.server.start_sandbox``)."""
    from sandbox.server import start_sandbox as start

    return start(host, port, config, **options)
