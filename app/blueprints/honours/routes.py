"""The honour board, nominating, the union's decisions, a honour's page and its photo."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.blueprints.errors.handlers import error_response
from app.errors import form_on, form_status, submit
from app.extensions import db
from app.guards import paginate
from app.models.honours import Honour, HonourStatus, HonourTitle
from app.services.inputs import plain_year
from app.storage import Chosen, photo_routes

from . import bp, services
from .forms import DecisionForm, NominationForm


def _years() -> list[int]:
    return list(
        db.session.scalars(
            select(Honour.year)
            .where(Honour.status == HonourStatus.AWARDED)
            .distinct()
            .order_by(Honour.year.desc())
        )
    )


@bp.route("/")
@login_required
def index():
    years = _years()
    raw = request.args.get("year", "")
    if raw == "":
        year = years[0] if years else services.local_today().year
    elif (year := plain_year(raw)) is None:
        return error_response(400, _("The year must be written as four digits, like 2025."))
    honours = db.session.scalars(
        select(Honour)
        .where(Honour.status == HonourStatus.AWARDED, Honour.year == year)
        .order_by(Honour.title, Honour.id)
    ).all()
    groups = [(t, [h for h in honours if h.title is t]) for t in HonourTitle]
    return render_template(
        "honours/index.html",
        year=year,
        years=years,
        groups=[(t, hs) for t, hs in groups if hs],
        can_nominate=services.can_nominate(current_user),
        is_union=services.is_union(current_user),
    )


@bp.route("/nominate", methods=["GET", "POST"])
@login_required
def nominate():
    if not services.can_nominate(current_user):
        abort(403)
    form = NominationForm()
    if request.method == "GET":
        form.year.data = str(services.local_today().year)
    chosen = Chosen(current_user.id, "photo", most=1)
    if form.validate_on_submit() and (
        done := submit(form, services.nominate, current_user, request.form, chosen.upload)
    ):
        db.session.commit()
        return redirect(url_for("honours.show", honour_id=done.value.id), 303)
    # A browser never fills a file input back in: the photo is kept for the corrected form.
    form.photo.errors = chosen.again(form.photo.errors)
    return render_template("honours/nominate.html", form=form, kept=chosen.kept), form_status(form)


@bp.route("/nominations")
@login_required
def nominations():
    if not services.can_nominate(current_user):
        abort(403)
    query = select(Honour).order_by(Honour.status, Honour.year.desc(), Honour.id.desc())
    if not services.is_union(current_user):
        query = query.where(Honour.nominated_by_id == current_user.id)
    page = paginate(query, per_page=100)
    return render_template(
        "honours/nominations.html", page=page, is_union=services.is_union(current_user)
    )


def _visible(honour_id: int) -> Honour:
    honour = db.session.get(Honour, honour_id)
    if honour is None or not services.can_see(current_user, honour):
        abort(404)
    return honour


def _page(honour, form, status=200):
    return render_template(
        "honours/show.html",
        honour=honour,
        form=form,
        is_union=services.is_union(current_user),
        may_decide=services.decide_refusal(current_user, honour) is None,
    ), status


@bp.route("/<int:honour_id>")
@login_required
def show(honour_id):
    return _page(_visible(honour_id), DecisionForm())


@bp.route("/<int:honour_id>/decide", methods=["POST"])
@login_required
def decide(honour_id):
    honour = _visible(honour_id)
    if refused := services.decide_refusal(current_user, honour):
        return error_response(refused.status, refused.message)
    form = DecisionForm()
    return form_on(
        honour,
        form,
        services.decide,
        form.decision.data,
        form.citation.data,
        form.note.data,
        back=url_for("honours.show", honour_id=honour_id),
        page=_page,
        refused_as_page=True,
    )


def _photo(honour_id: int) -> str | None:
    return _visible(honour_id).photo_sha256


photo_routes(bp, "/<int:honour_id>/photo", _photo)
