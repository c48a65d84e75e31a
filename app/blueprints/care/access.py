"""Who gets through: care officers edit, the chairman (admin) reads, nobody else sees files."""

from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required

from .services.common import can_edit, can_read


def readers_only(view):
    """Care officers; administrators too, but only to read (GET)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        allowed = can_edit(current_user) or (
            can_read(current_user) and request.method in ("GET", "HEAD")
        )
        if not allowed:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def officers_only(view):
    """Care officers alone (writes and exports)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_edit(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
