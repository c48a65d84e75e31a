"""Log-in by employee number, log-out, password changes."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app):
    from . import routes  # noqa: F401

    app.register_blueprint(bp, url_prefix="/auth")
