from flask import Blueprint

bp = Blueprint("notify", __name__, template_folder="templates")

from app.blueprints.notify import routes, tasks  # noqa: E402,F401
