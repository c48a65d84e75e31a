"""The officer's dashboard and the Excel exports."""

from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _

from app.blueprints.errors.handlers import error_response

from .. import bp, queries
from ..export import hazards_xlsx, patrols_xlsx
from ..forms import ExportForm
from ..services.common import local_today
from .helpers import manager_required, page_or_partial

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_DAYS = 366


@bp.route("/dashboard")
@manager_required
def dashboard():
    today = local_today()
    form = ExportForm(formdata=None, start=today.replace(day=1), end=today)
    return page_or_partial(
        "safety/dashboard.html",
        "safety/_dashboard.html",
        data=queries.dashboard(today),
        form=form,
        today=today,
    )


def _export(kind: str, build):
    form = ExportForm(request.args)
    if not form.validate() or form.end.data < form.start.data:
        message = _("Choose a start date and an end date after it.")
        return _export_error(message)
    if form.end.data - form.start.data > timedelta(days=MAX_EXPORT_DAYS):
        return _export_error(_("Export at most one year at a time."))
    if form.start.data.year < 2000 or form.end.data.year > 2100:
        return _export_error(_("Choose dates between the years 2000 and 2100."))
    data = build(form.start.data, form.end.data)
    name = f"{kind}-{form.start.data.isoformat()}-{form.end.data.isoformat()}.xlsx"
    response = current_app.response_class(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_error(message):
    return error_response(400, message)


@bp.route("/export/hazards.xlsx")
@manager_required
def export_hazards():
    return _export("hazards", hazards_xlsx)


@bp.route("/export/patrols.xlsx")
@manager_required
def export_patrols():
    return _export("patrols", patrols_xlsx)
