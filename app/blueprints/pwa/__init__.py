"""The installable app: manifest, service worker, offline page."""

from app.features import feature_blueprint

from .strings import KIT_STRINGS

bp = feature_blueprint("pwa", __name__)


def init_app(app):
    from . import kit, routes  # noqa: F401

    app.register_blueprint(bp)
    app.add_template_global(KIT_STRINGS, "kit_strings")
