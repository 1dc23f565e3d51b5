"""Everything under /attachments: files through the app (download, inline image, thumbnail), upload, delete.

The URL table is here, in one place; the views live in ``serving.py`` (bytes to the browser),
``uploads.py`` (files to Jira) and ``removal.py`` (delete). ``files.py`` decides how bytes may be
served, ``section.py`` feeds the issue page's attachments section (``templates/attachments/_list.html``,
included by the issue page) and ``embedded.py`` the images inside descriptions and comments.
Attachment ids are checked by the ``numeric_id`` converter before any call to Jira.
"""

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from jira_client.web.attachments import files, removal, section, serving, uploads

bp = Blueprint("attachments", __name__, url_prefix="/attachments")
bp.add_url_rule("/<numeric_id:attachment_id>", view_func=serving.download)
bp.add_url_rule("/<numeric_id:attachment_id>/view", view_func=serving.view)
bp.add_url_rule("/<numeric_id:attachment_id>/thumbnail", view_func=serving.thumbnail)
bp.add_url_rule("/<numeric_id:attachment_id>/delete", view_func=removal.delete, methods=["GET", "POST"])
bp.add_url_rule("/upload/<issue_key:key>", view_func=uploads.upload, methods=["POST"])
bp.url_value_preprocessor(uploads.allow_large_body)  # before every before_request: CSRF reads the body
bp.register_error_handler(RequestEntityTooLarge, uploads.too_large)
bp.add_app_template_global(section.rights, "attachment_rights")
bp.add_app_template_filter(uploads.size_text, "filesize")
bp.add_app_template_global(files.download_url, "attachment_download_url")
