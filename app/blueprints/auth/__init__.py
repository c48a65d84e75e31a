"""Log-in by employee number, log-out, password changes."""

from app.features import feature_blueprint

bp = feature_blueprint("auth", __name__)


def init_app(app):
    from . import routes  # noqa: F401

    app.register_blueprint(bp, url_prefix="/auth")
