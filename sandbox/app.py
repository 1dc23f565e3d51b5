"""The sandbox's Flask app: Jira Cloud REST v3 and Atlassian's identity service, on one port.

Wiring only. The pieces, each in its own module:

- ``world``     the seeded Jira data (sites, projects, issues, comments) and its mutations
- ``jira_api``  ``/rest/api/3/...`` (site style, basic auth) and
                ``/ex/jira/<cloudId>/rest/api/3/...`` (gateway style, bearer or basic)
- ``jira_filters`` + ``filters``  saved filters and favourites;  ``jira_jql``  JQL help and parse
- ``identity``  ``/authorize``, ``/oauth/token``, accessible-resources, ``/me``; grants and tokens
- ``admin``     ``/_sandbox/...``: info, stats, faults, config, reset; the fault and counter hooks
- ``quota``     Jira's rate limits: the hourly points quota, bursts, per-issue writes
- ``jira_attachments`` + ``attachments``  files on issues; ``media`` serves their bytes on a port of its own
"""

from flask import Flask

from sandbox import admin, identity, jira_api, jira_attachments, jira_filters, jira_jql, quota
from sandbox.attachments import MEDIA_STATS_KEY, STORE_KEY, AttachmentStore, MediaStats
from sandbox.filters import FilterStore
from sandbox.jira_http import QUOTA_KEY
from sandbox.world import World


def create_sandbox_app(config: dict | None = None) -> Flask:
    """Return a sandbox app with freshly seeded data.

    ``config`` takes the keys of ``POST /_sandbox/config`` (``access_token_ttl_seconds``,
    ``refresh_reuse_grace_seconds``, ``auth_code_ttl_seconds``, ``redirect_uris``, and the rate
    limits of ``sandbox.quota``); the same keys come from ``SANDBOX_<KEY>`` environment variables,
    and ``config`` wins over those.
    """
    config = config or {}
    app = Flask(__name__)
    app.json.sort_keys = False
    app.extensions["sandbox_world"] = World()
    app.extensions["sandbox_filters"] = FilterStore()
    app.extensions[STORE_KEY] = AttachmentStore(app.extensions["sandbox_world"])
    app.extensions[MEDIA_STATS_KEY] = MediaStats()
    identity_config = {key: value for key, value in config.items() if not quota.owns(key)}
    app.extensions["sandbox_identity"] = identity.Identity(identity.config_from_env(identity_config))
    app.extensions[QUOTA_KEY] = quota.Quota(quota.config_from_env({k: v for k, v in config.items() if quota.owns(k)}))
    admin.install(app)
    app.register_blueprint(identity.bp)
    app.register_blueprint(jira_api.bp)
    app.register_blueprint(jira_filters.bp)
    app.register_blueprint(jira_jql.bp)
    app.register_blueprint(jira_attachments.bp)
    return app
