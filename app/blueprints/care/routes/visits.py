"""Visit plans with their coverage, and visits (the visit form is an outbox form)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.errors.handlers import error_response
from app.errors import create, form_status, submit
from app.extensions import db
from app.models.care import CareFile, CareVisit, PlanTarget, VisitPlan
from app.storage import Chosen

from .. import bp, parse, queries
from ..access import officers_only, readers_only
from ..forms import PlanForm, TargetForm, VisitForm, options
from ..services import visits as service
from .common import RecordPage, file_page


@bp.route("/plans")
@readers_only
def plans():
    return render_template("care/plans/index.html", plans=queries.plans())


@bp.route("/plans/new", methods=["GET", "POST"])
@officers_only
def new_plan():
    form = PlanForm()
    return create(
        form,
        service.create_plan,
        back=lambda made: url_for("care.plan", plan_id=made.id),
        again=lambda: (render_template("care/plans/new.html", form=form), form_status(form)),
    )


def _plan_page(plan: VisitPlan, form=None, status=200):
    form = form or TargetForm(formdata=None, visitor=current_user.employee_no)
    form.file_id.choices = options([("", "—"), *queries.open_file_options()])
    targets, visits = queries.plan_targets(plan)
    visited, total = len([t for t in targets if t.file_id in visits]), len(targets)
    return (
        render_template(
            "care/plans/show.html",
            plan=plan,
            targets=targets,
            visits=visits,
            visited=visited,
            total=total,
            form=form,
        ),
        status,
    )


_plan = RecordPage(VisitPlan, "care.plan", "plan_id", TargetForm, _plan_page)


@bp.route("/plans/<int:plan_id>")
@readers_only
def plan(plan_id):
    return _plan.show(plan_id)


@bp.route("/plans/<int:plan_id>/targets", methods=["POST"])
@officers_only
def add_targets(plan_id):
    return _plan.post(plan_id, service.add_targets, request.form.to_dict())


@bp.route("/plans/<int:plan_id>/close", methods=["POST"])
@officers_only
def close_plan(plan_id):
    return _plan.close(plan_id, service.close_plan)


@bp.route("/plans/<int:plan_id>/visit/<int:file_id>")
@officers_only
def visit_form(plan_id, file_id):
    """The visit form of one file of a plan: in the care officer's offline kit."""
    target = db.session.scalar(
        db.select(PlanTarget).where(PlanTarget.plan_id == plan_id, PlanTarget.file_id == file_id)
    )
    if target is None:
        abort(404)
    form = VisitForm(
        formdata=None,
        file_id=file_id,
        plan_id=plan_id,
        visited_on=parse.local_today().isoformat(),
        visitors=current_user.name,
    )
    return _visit_page(form, target.plan, target.file)


def _visit_page(form, plan, file, status=200, kept=()):
    return file_page(
        file, "visit form", "care/plans/visit.html", status, form=form, plan=plan, kept=kept
    )


@bp.route("/visits", methods=["POST"])
@officers_only
def record_visit():
    """The visit form without JavaScript (with it, the outbox sends it as `care_visit`)."""
    form = VisitForm()
    chosen = Chosen(current_user.id)
    if form.validate_on_submit() and (
        done := submit(
            form,
            service.record_visit,
            current_user,
            request.form.to_dict(),
            chosen.uploads,
            client_id=request.form.get("client_id"),
        )
    ):
        db.session.commit()
        return redirect(url_for("care.visit", visit_id=done.value[0].id), 303)
    file = db.session.get(CareFile, parse.row_id(request.form, "file_id", {}, required=False) or 0)
    plan = db.session.get(VisitPlan, parse.row_id(request.form, "plan_id", {}, required=False) or 0)
    if file is None:
        messages = [m for errors in form.errors.values() for m in errors] + form.form_errors
        return error_response(
            422, " ".join(str(m) for m in messages) or _("This file is not open.")
        )
    # The photos chosen are kept for the corrected form (named for the officer alone).
    form.photos.errors = chosen.again(form.photos.errors)
    return _visit_page(form, plan, file, 422, kept=chosen.kept)


@bp.route("/visits/<int:visit_id>")
@readers_only
def visit(visit_id):
    visit = db.get_or_404(CareVisit, visit_id)
    return file_page(visit.file, "visit", "care/visits/show.html", visit=visit)
