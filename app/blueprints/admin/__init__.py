"""People, departments, roster import and the audit log."""

from flask import Blueprint

from app.features import registry

bp = Blueprint("admin", __name__, template_folder="templates")


def init_app(app):
    from . import cards, routes  # noqa: F401

    app.register_blueprint(bp, url_prefix="/admin")
    registry(app).cards(cards.admin_cards, order=20)
