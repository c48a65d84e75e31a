from flask import Blueprint

bp = Blueprint(
    "safety",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from app.blueprints.safety import jobs, routes, sync  # noqa: E402,F401


@bp.context_processor
def photo_accept():
    from app.blueprints.safety.services.photos import ACCEPT

    return {"photo_accept": ACCEPT}
