"""What every congress route uses."""

from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _

from app import guards
from app.blueprints.auth.access import roles_required
from app.blueprints.congress.access import MANAGERS
from app.errors import Refused
from app.extensions import db
from app.models import Department

manager_required = roles_required(*MANAGERS)


def get_or_404(model, ident):
    return db.get_or_404(model, ident)


def paginate(query):
    """A list page of `query`: the `page` argument, CONGRESS_PER_PAGE rows (20)."""
    return guards.paginate(query, per_page=current_app.config.get("CONGRESS_PER_PAGE", 20))


def departments_by_ids(ids) -> list[Department]:
    ids = [i for i in ids or [] if i]
    if not ids:
        return []
    return list(db.session.scalars(db.select(Department).where(Department.id.in_(ids))))


def read(form, name: str):
    """A field as a service's checks (`check=`) take it: None where the form flagged it, as a
    value it could not read, or one no service should see (a year 1, an id past any column)."""
    return None if form[name].errors else form[name].data


def refused(error: Refused, back: str):
    """A refused button press: say why on the page it came from."""
    db.session.rollback()
    if error.status == 403:
        from app.blueprints.errors.handlers import error_response

        return error_response(403, error.message)
    flash(error.message, "error")
    return redirect(back, 303)


def not_found():
    abort(404, _("Not found."))
