"""The installable app: manifest, service worker, offline page."""

from flask import Blueprint

bp = Blueprint("pwa", __name__, template_folder="templates")


def init_app(app):
    from . import kit, routes  # noqa: F401

    app.register_blueprint(bp)
