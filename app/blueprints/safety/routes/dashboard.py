"""The officer's dashboard and the Excel exports."""

from datetime import timedelta

from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.services.inputs import FIRST_DAY, LAST_DAY, OUTSIDE_OUR_YEARS

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


def _dashboard_with_export_errors(form):
    """The dashboard again, the export form holding the dates chosen and why they were not
    exported: the officer corrects them where they typed them."""
    today = local_today()
    page = render_template(
        "safety/dashboard.html", data=queries.dashboard(today), form=form, today=today
    )
    return page, 422


def _export(kind: str, build):
    form = ExportForm(request.args)
    if message := _range_refusal(form):
        form.form_errors.append(message)
        return _dashboard_with_export_errors(form)
    data = build(form.start.data, form.end.data)
    name = f"{kind}-{form.start.data.isoformat()}-{form.end.data.isoformat()}.xlsx"
    response = current_app.response_class(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _range_refusal(form) -> str | None:
    """Why the form's dates cannot be exported, in words; None when they can."""
    if not form.validate() or form.end.data < form.start.data:
        return _("Choose a start date and an end date after it.")
    if form.end.data - form.start.data > timedelta(days=MAX_EXPORT_DAYS):
        return _("Export at most one year at a time.")
    if form.start.data < FIRST_DAY or form.end.data > LAST_DAY:
        return str(OUTSIDE_OUR_YEARS)
    return None


@bp.route("/export/hazards.xlsx")
@manager_required
def export_hazards():
    return _export("hazards", hazards_xlsx)


@bp.route("/export/patrols.xlsx")
@manager_required
def export_patrols():
    return _export("patrols", patrols_xlsx)
