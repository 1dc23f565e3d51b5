"""Sharing one OAuth app's hourly Jira points quota among everyone signed in.

Since 2026 Atlassian limits each OAuth (3LO) app to one hourly points quota, shared by every
person and site that uses it; once it is spent, Jira refuses everyone until the hour resets.
This package keeps that from happening and softens it when it does:

- ``costs``     what a call costs in points, and which reads are expensive
- ``headers``   what Jira's rate-limit headers say (missing or garbled: unknown, never 0)
- ``window``    which hourly window spending belongs to (Jira's reset, else the shared clock)
- ``ledger``    points spent per window by the app and by each person, in Redis or the session files
- ``policy``    fair shares: who is slowed, and when
- ``cache``     each person's recent reads, encrypted, for reuse and as a fallback
- ``governor``  the JiraClient's CallGate that puts them together for one request
- ``web``       the Flask wiring: the app's Quota, the request's governor, the pages
"""
