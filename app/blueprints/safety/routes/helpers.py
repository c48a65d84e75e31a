"""Small helpers shared by the safety views."""

from flask import current_app
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app.blueprints.errors.handlers import error_response
from app.errors import only_if
from app.rendering import page_or_fragment

from .. import bp, permissions


def page_or_partial(full: str, fragment: str, /, status: int = 200, **context):
    """`page_or_fragment` with the status code the view answers with."""
    return page_or_fragment(full, fragment, **context), status


# Safety officers and admins: areas, checklists, plans, roster, dashboard.
manager_required = only_if(permissions.can_manage_network)


# Inspectors, safety officers and admins.
network_required = only_if(permissions.is_network)


def area_choices(areas) -> list[tuple[str, str]]:
    return [(str(a.id), a.full_name) for a in areas]


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Photos are what makes a request big here: say so, and what the limit is."""
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 2**20
    return error_response(
        413, _("The photos are too large: send at most %(mb)d MB at a time.", mb=limit)
    )
