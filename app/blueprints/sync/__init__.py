"""Offline capture and sync: `POST /sync`, `PUT /sync/photos/<uuid>`, `GET /sync/token`."""

from app.features import feature_blueprint, pages, register_feature

from .strings import OUTBOX_STRINGS

bp = feature_blueprint("sync", __name__)


def init_app(app):
    from . import routes  # noqa: F401  (routes attach themselves to bp)

    register_feature(app, bp, url_prefix="/sync").offline(pages("sync.outbox"))
    app.add_template_global(OUTBOX_STRINGS, "outbox_strings")
