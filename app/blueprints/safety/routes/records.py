"""Violations (违章), and where safety suggestions (提建议) went: the proposals."""

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.errors import done, submit
from app.extensions import db
from app.guards import page_number
from app.models.hazards import Photo, Violation
from app.models.proposals import Proposal

from .. import bp, permissions, queries, services
from ..forms import FollowUpForm, ViolationForm
from .helpers import network_required, page_or_partial, report_form

PER_PAGE = 20


@bp.route("/violations")
@network_required
def violations():
    page = page_number()
    total = db.session.scalar(select(func.count(Violation.id)))
    rows = db.session.scalars(
        select(Violation)
        .options(joinedload(Violation.area), joinedload(Violation.reporter))
        .order_by(Violation.created_at.desc(), Violation.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return page_or_partial(
        "safety/violations/index.html",
        "safety/violations/index.html",
        page=queries.Page(rows, total, page, PER_PAGE),
        can_patrol=permissions.can_patrol(current_user),
    )


@bp.route("/violations/new", methods=["GET", "POST"])
@network_required
def new_violation():
    form = ViolationForm()
    if request.method == "GET":
        form.area_id.data = request.args.get("area_id", "")
        form.patrol_id.data = request.args.get("patrol_id", "")
    return report_form(
        form,
        services.report_violation,
        "safety/violations/new.html",
        "safety/violations/new.html",
        show=lambda violation: url_for("safety.violation", violation_id=violation.id),
    )


def _violation_page(violation, form=None, status=200):
    photos = db.session.scalars(
        select(Photo).where(Photo.violation_id == violation.id).order_by(Photo.id)
    ).all()
    return page_or_partial(
        "safety/violations/show.html",
        "safety/violations/show.html",
        status,
        violation=violation,
        photos=photos,
        form=form or FollowUpForm(formdata=None),
        can_follow_up=permissions.is_officer(current_user),
    )


@bp.route("/violations/<int:violation_id>")
@network_required
def violation(violation_id):
    return _violation_page(db.get_or_404(Violation, violation_id))


@bp.route("/violations/<int:violation_id>/follow-up", methods=["POST"])
@network_required
def violation_follow_up(violation_id):
    # The service decides in its own order (who, the violation's state, then the text), so
    # the form is not validated first: an officer posting to a handled violation hears 409.
    violation = db.get_or_404(Violation, violation_id)
    form = FollowUpForm()
    if submit(
        form,
        services.follow_up_violation,
        current_user,
        violation,
        request.form.to_dict(),
        refused_as_page=True,
    ):
        return done(None, url_for("safety.violation", violation_id=violation.id))
    return _violation_page(violation, form, 422)


# Safety suggestions are proposals of the category "safety" now: old links lead there.
@bp.route("/suggestions")
@login_required
def suggestions():
    return redirect(url_for("proposals.index", category="safety"), 301)


@bp.route("/suggestions/new")
@login_required
def new_suggestion():
    return redirect(url_for("proposals.new", category="safety"), 301)


@bp.route("/suggestions/<int:suggestion_id>")
@login_required
def suggestion(suggestion_id):
    found = db.session.scalar(
        select(Proposal.id).where(Proposal.legacy_suggestion_id == suggestion_id)
    )
    if found is None:
        abort(404)
    return redirect(url_for("proposals.show", proposal_id=found), 301)
