"""The form machinery shared by every write screen.

- ``screens``: one WTForms class per screen whose inputs are fixed (comment, assign, labels...).
- ``field_form``: forms generated from Jira's field metadata (create, edit, transition screens).
- ``jira_fields``: a Jira field's kind, and its values from form input to Jira's JSON and back.
- ``rich_text``: editing the Markdown-friendly parts of a document, keeping the rest exactly.
- ``once``: one-time form tokens, so a double submit never writes twice (``submit_once``).
- ``drafts``: what was typed, kept across a forced re-sign-in or a moment Jira was unavailable.
"""
