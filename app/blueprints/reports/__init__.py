"""The chairman's 建家 scorecard (`/reports`): every figure the features registered
(`app.features.Figure`), for a year or a month and a department, each linking to the list
behind it, and the yearly report as xlsx, one sheet per area. It imports no feature."""

from app.features import feature_blueprint

bp = feature_blueprint("reports", __name__)


def init_app(app):
    from . import routes  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp, url_prefix="/reports")
