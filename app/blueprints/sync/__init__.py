"""Offline capture and sync: `POST /sync`, `PUT /sync/photos/<uuid>`, `GET /sync/token`."""

from flask import Blueprint

from app import features

bp = Blueprint("sync", __name__, template_folder="templates")


def init_app(app):
    from . import routes  # noqa: F401  (routes attach themselves to bp)

    app.register_blueprint(bp, url_prefix="/sync")
    # (`features.registry`: this package has a module of that name.)
    features.registry(app).offline(features.pages("sync.outbox"))
