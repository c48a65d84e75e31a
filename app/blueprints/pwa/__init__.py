"""The installable app: manifest, service worker, offline page."""

from app.features import feature_blueprint

bp = feature_blueprint("pwa", __name__)


def init_app(app):
    from . import kit, routes  # noqa: F401

    app.register_blueprint(bp)
