"""Statistics per month and workshop (page with charts, and xlsx), and the committee's
settings: the rubric's weights and the department heads."""

from datetime import date

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import form_status, submit
from app.extensions import db
from app.guards import parse_id
from app.models import Department
from app.models.proposals import DepartmentHead
from app.rendering import page_or_fragment
from app.services.inputs import FIRST_DAY, LAST_DAY, OUTSIDE_OUR_YEARS, local_today

from .. import bp, permissions, queries, services, statistics
from ..export import statistics_xlsx
from ..forms import HeadsForm, WeightsForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _committee_only():
    if not permissions.is_committee(current_user):
        abort(403)


def _month() -> date:
    """The `month` argument (YYYY-MM), default this month; when it is not a month, or not one
    of the years the app's dates take (2000–2100), the stats page says so (400)."""
    raw = request.args.get("month", "")
    if not raw:
        return local_today().replace(day=1)
    try:
        year, month = raw.split("-")
        chosen = date(int(year), int(month), 1)
    except ValueError:
        chosen = None
    error = None
    if chosen is None:
        error = _("Choose a month such as 2026-11.")
    elif not FIRST_DAY <= chosen <= LAST_DAY:
        error = str(OUTSIDE_OUR_YEARS)
    if error:
        page = render_template("proposals/stats.html", error=error, month=None)
        abort(make_response(page, 400))
    return chosen


@bp.route("/stats")
@login_required
def stats():
    _committee_only()
    month = _month()
    rows, total = statistics.month_report(month)
    series = statistics.trend(month)
    return page_or_fragment(
        "proposals/stats.html",
        "proposals/_stats.html",
        rows=rows,
        total=total,
        charts={
            "participation": [(r.name, r.participation) for r in rows if r.members],
            "proposals": [(f"{p.month:%Y-%m}", p.proposals) for p in series],
            "benefit": [(f"{p.month:%Y-%m}", float(p.benefit)) for p in series],
        },
        month=month,
        error=None,
    )


@bp.route("/stats.xlsx")
@login_required
def stats_export():
    _committee_only()
    month = _month()
    data = statistics_xlsx(month)
    response = current_app.response_class(data, mimetype=XLSX)
    name = f"proposals-{month:%Y-%m}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _workshops():
    return db.session.scalars(
        select(Department).where(Department.parent_id.is_(None)).order_by(Department.name)
    ).all()


def _settings_page(weights_form=None, heads_forms=None, status=200):
    people = queries.people_options()
    current = {}
    for row in db.session.scalars(select(DepartmentHead)):
        current.setdefault(row.department_id, []).append(str(row.user_id))
    heads_forms = heads_forms or {}
    forms = []
    for workshop in _workshops():
        form = heads_forms.get(workshop.id) or HeadsForm(
            formdata=None, department_id=str(workshop.id), heads=current.get(workshop.id, [])
        )
        form.heads.choices = people
        forms.append((workshop, form))
    if weights_form is None:
        weights_form = WeightsForm(
            formdata=None,
            **{f"weight_{c.value}": str(w) for c, w in services.weights().items()},
        )
    return render_template(
        "proposals/settings.html", weights_form=weights_form, heads_forms=forms
    ), status


@bp.route("/settings")
@login_required
def settings():
    _committee_only()
    return _settings_page()


@bp.route("/settings/weights", methods=["POST"])
@login_required
def settings_weights():
    _committee_only()
    form = WeightsForm()
    if form.validate_on_submit() and submit(form, services.set_weights, current_user, form.data):
        db.session.commit()
        return redirect(url_for("proposals.settings"), 303)
    return _settings_page(weights_form=form, status=form_status(form))


@bp.route("/settings/heads", methods=["POST"])
@login_required
def settings_heads():
    _committee_only()
    form = HeadsForm()
    department = db.session.get(Department, parse_id(request.form.get("department_id")) or 0)
    if department is None or department.parent_id is not None:
        abort(404)
    ids = []
    for raw in form.heads.data or []:
        if (head_id := parse_id(raw)) is None:
            form.form_errors = [_("Choose one of the options given.")]
        else:
            ids.append(head_id)
    if (
        form.validate_on_submit()
        and not form.form_errors
        and submit(form, services.set_heads, current_user, department, ids)
    ):
        db.session.commit()
        return redirect(url_for("proposals.settings"), 303)
    if not form.errors and not form.form_errors:
        form.form_errors = [_("The form has expired; reload the page and try again.")]
    return _settings_page(heads_forms={department.id: form}, status=422)
