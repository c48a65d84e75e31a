"""The scorecard page, the list behind each figure, and the yearly xlsx."""

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.blueprints.errors.handlers import error_response
from app.extensions import db
from app.models import Department
from app.scorecard import sharing
from app.services.inputs import FIRST_DAY, LAST_DAY, NOT_OUR_YEAR

from . import bp, export, scorecard


def _checked():
    """The period asked for, or the error page to answer with."""
    if not scorecard.may_read(current_user):
        return None, error_response(403, _("The scorecard is for the chairman and the organizers."))
    try:
        return scorecard.period_from(request.args), None
    except scorecard.BadPeriod as bad:
        return None, error_response(400, str(bad))


def _departments():
    return db.session.scalars(
        select(Department).where(Department.parent_id.is_(None)).order_by(Department.name)
    ).all()


@bp.route("/")
@login_required
def index():
    period, refusal = _checked()
    if refusal:
        return refusal
    year, month, department = period
    return render_template(
        "reports/index.html",
        areas=scorecard.areas(year, month, department, current_user),
        year=year,
        month=month,
        department=department,
        departments=_departments(),
        shown=scorecard.shown,
    )


@bp.route("/<area>/<key>")
@login_required
def figure(area, key):
    period, refusal = _checked()
    if refusal:
        return refusal
    found = scorecard.find(area, key)
    if found is None or found.rows is None:
        abort(404)
    if not scorecard.visible(found, current_user):
        return error_response(403, _("This figure is not shown to you."))
    year, month, department = period
    with sharing():  # the rows and the figure read alike once
        rows, counts = scorecard.rows_for(found, current_user, year, month, department)
        value = found.compute(year, month, department)
    return render_template(
        "reports/figure.html",
        figure=found,
        rows=rows,
        counts=counts,
        value=scorecard.shown(value, found.unit),
        shown=scorecard.shown,  # the rows' amounts written as the headline is
        area_label=scorecard.AREA_LABELS[area],
        year=year,
        month=month,
        department=department,
    )


@bp.route("/<int:year>.xlsx")
@login_required
def yearly(year):
    period, refusal = _checked()
    if refusal:
        return refusal
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return error_response(400, str(NOT_OUR_YEAR))
    _year, _month, department = period
    return send_file(
        export.yearly_workbook(year, department, current_user),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"jianjia-{year}.xlsx",
    )
