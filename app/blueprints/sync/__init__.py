"""Offline capture and sync: `POST /sync`, `PUT /sync/photos/<uuid>`, `GET /sync/token`."""

from app.features import feature_blueprint, pages, register_feature

bp = feature_blueprint("sync", __name__)


def init_app(app):
    from . import routes  # noqa: F401  (routes attach themselves to bp)

    register_feature(app, bp, url_prefix="/sync").offline(pages("sync.outbox"))
