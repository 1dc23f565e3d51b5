"""The Jira web client: a server-rendered Flask app for Jira Cloud, in single_user or multi_user mode.

``app.create_app`` builds it. ``api`` talks to Jira (no Flask), ``auth`` knows where credentials
come from, ``web`` holds the pages, ``observability`` the logs and metrics; README's "Layout"
section draws the whole tree.
"""
