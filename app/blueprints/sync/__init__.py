"""Offline capture and sync: `POST /sync`, `PUT /sync/photos/<uuid>`, `GET /sync/token`."""

from flask import Blueprint

bp = Blueprint("sync", __name__, template_folder="templates")

from app.blueprints.sync import routes  # noqa: E402, F401  (routes attach themselves to bp)
