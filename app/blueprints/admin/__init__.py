"""People, departments, roster import and the audit log."""

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("admin", __name__)


def init_app(app):
    from . import cards, routes  # noqa: F401

    register_feature(app, bp, cards, url_prefix="/admin")
