from flask import Blueprint

bp = Blueprint("activities", __name__, template_folder="templates")

from app.blueprints.activities import routes  # noqa: E402,F401
