"""Error pages and JSON errors in the shape the request wants."""

from flask import Blueprint

bp = Blueprint("errors", __name__)


def init_app(app):
    from . import handlers  # noqa: F401  (registers the handlers on bp)

    app.register_blueprint(bp)
