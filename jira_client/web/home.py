"""The home page (``/``): for now it leads to the projects."""

from flask import Blueprint, redirect, url_for

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Send the visitor to the list of projects."""
    return redirect(url_for("projects.index"))
