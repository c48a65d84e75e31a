"""Appeals: my appeals and the officer's queue, raising one, following an anonymous one by its
receipt code, the detail with its steps, the officer's steps, rating, photos, statistics."""

from datetime import date

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import storage
from app.blueprints.errors.handlers import error_response
from app.errors import Refused, ValidationFailed, apply_errors, form_status, submit
from app.extensions import db
from app.guards import paginate
from app.models import Department
from app.models.appeals import Appeal, AppealPhoto, AppealStatus
from app.rendering import page_or_fragment
from app.services.inputs import plain_year

from . import access, bp, ratings, services, statistics
from .forms import AppealForm, CodeForm, RatingForm, StepForm

TABS = ("open", "overdue", "answered", "all")
PER_PAGE = 20
# The receipt code of the anonymous appeal just sent, kept only in the phone's own (signed)
# session cookie until the person leaves the receipt page: never in the database or a URL.
RECEIPT = "appeals.receipt"
RECEIPT_PAGES = {"appeals.receipt", "appeals.receipt_noted"}


def _no_store(response):
    """Pages that show an anonymous appeal or its code: never kept by a cache or the kit."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _workshops():
    return db.session.scalars(
        select(Department).where(Department.parent_id.is_(None)).order_by(Department.name)
    ).all()


def _visible(key: str) -> Appeal:
    appeal = db.session.get(Appeal, key) if len(key) == 32 else None
    if appeal is None or not access.can_see(current_user, appeal):
        abort(404)
    return appeal


def _require_officer():
    if not access.is_officer(current_user):
        abort(403)


@bp.before_request
def _forget_receipt_on_leaving():
    """Any other appeals page means the person has left the receipt: the code is dropped."""
    if RECEIPT in session and request.endpoint not in RECEIPT_PAGES:
        session.pop(RECEIPT)


@bp.route("/")
@login_required
def index():
    officer = access.is_officer(current_user)
    mine = db.session.scalars(
        select(Appeal)
        .where(Appeal.author_id == current_user.id, Appeal.anonymous.is_(False))
        .order_by(Appeal.raised_on.desc(), Appeal.raised_at.desc())
        .options(selectinload(Appeal.events))  # each row's state reads its last step
    ).all()
    queue, tab = [], None
    if officer:
        tab = request.args.get("tab", "open")
        if tab not in TABS:
            tab = "open"
        # The author and workshop each row names, and its steps (the state it reads), with
        # the page rather than row by row.
        query = (
            select(Appeal)
            .options(
                joinedload(Appeal.author),
                joinedload(Appeal.department),
                selectinload(Appeal.events),
            )
            .order_by(Appeal.raised_on.desc(), Appeal.key.desc())  # one direction: the index
        )
        if tab == "open":
            query = query.where(services.waiting_for_officer())
        elif tab == "overdue":
            query = query.where(
                Appeal.status == AppealStatus.RAISED,
                Appeal.acknowledge_by < services.local_today(),
            )
        elif tab == "answered":
            query = query.where(Appeal.status.in_((AppealStatus.ANSWERED, AppealStatus.CLOSED)))
        queue = paginate(query, per_page=PER_PAGE)
    return page_or_fragment(
        "appeals/index.html",
        "appeals/_queue.html",
        mine=mine,
        queue=queue,
        tab=tab,
        tabs=TABS,
        officer=officer,
        today=services.local_today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = AppealForm(workshops=_workshops())
    chosen = storage.Chosen(current_user.id)
    if form.validate_on_submit() and (
        done := submit(form, services.raise_appeal, current_user, request.form, chosen.uploads)
    ):
        appeal, code = done.value
        db.session.commit()
        if code is None:
            flash(_("Your appeal was sent. The union answers within its time limit."), "success")
            return redirect(url_for("appeals.show", key=appeal.key), 303)
        # Post/redirect/get, so a reload cannot send it twice. The code goes with the person's
        # own session cookie (beside who is signed in on this phone, which the cookie holds
        # anyway) and nowhere on the server.
        session[RECEIPT] = {"code": code, "user": current_user.get_id()}
        return _no_store(redirect(url_for("appeals.receipt"), 303))
    # Refused for something else: the photos chosen are kept for the corrected form.
    form.photos.errors = chosen.again(form.photos.errors)
    return render_template("appeals/new.html", form=form, kept=chosen.kept), form_status(form)


def _pending_code() -> str | None:
    """The receipt code this phone's session holds for the person signed in, if any."""
    held = session.get(RECEIPT)
    if not isinstance(held, dict) or held.get("user") != current_user.get_id():
        return None
    return services.normalise_code(held.get("code"))


@bp.route("/receipt")
@login_required
def receipt():
    """The code of the anonymous appeal just sent: shown on every reload until it is noted."""
    code = _pending_code()
    if code is None:
        session.pop(RECEIPT, None)
        return _no_store(render_template("appeals/receipt.html", code=None, appeal=None))
    appeal = db.session.scalar(
        select(Appeal).where(Appeal.receipt_hash == services.code_hash(code))
    )
    return _no_store(render_template("appeals/receipt.html", code=code, appeal=appeal))


@bp.route("/receipt/noted", methods=["POST"])
@login_required
def receipt_noted():
    session.pop(RECEIPT, None)
    target = "appeals.follow" if request.form.get("then") == "follow" else "appeals.index"
    return _no_store(redirect(url_for(target), 303))


def _follow_page(form, appeal=None, rating_form=None, status=200):
    page = render_template(
        "appeals/follow.html",
        form=form,
        appeal=appeal,
        rated=ratings.rated_answers(appeal) if appeal is not None else {},
        rating_form=rating_form or RatingForm(),
        code=form.code.data if appeal is not None else "",
    )
    return _no_store((page, status))


def _by_code(form):
    """The appeal of the posted code, or a response that says why there is none."""
    try:
        services.check_guesses(current_user)
        return services.find_by_code(current_user, form.code.data), None
    except ValidationFailed as error:
        apply_errors(form, error)
        return None, _follow_page(form, status=422)
    except Refused as error:
        db.session.rollback()
        if error.status == 404:
            services.count_wrong_guess(current_user)
            db.session.commit()
        apply_errors(form, error)
        return None, _follow_page(form, status=error.status)


@bp.route("/follow", methods=["GET", "POST"])
@login_required
def follow():
    """Follow an anonymous appeal by its receipt code (POSTed: a code never sits in a URL)."""
    form = CodeForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _follow_page(form, status=form_status(form) if request.method == "POST" else 200)
    appeal, refused = _by_code(form)
    return refused or _follow_page(form, appeal)


@bp.route("/follow/rate", methods=["POST"])
@login_required
def follow_rate():
    form = CodeForm()
    rating_form = RatingForm()
    if not form.validate_on_submit():
        return _follow_page(form, status=400)
    appeal, refused = _by_code(form)
    if refused:
        return refused
    done = submit(
        rating_form, services.rate, appeal, rating_form.rating.data, rating_form.rating_note.data
    )
    if done:
        db.session.commit()
        return _follow_page(form, db.session.get(Appeal, appeal.key))
    status = done.error.status if isinstance(done.error, Refused) else 422
    appeal = services.find_by_code(current_user, form.code.data)
    return _follow_page(form, appeal, rating_form, status=status)


def _render_show(appeal, step_form=None, rating_form=None, status=200):
    steps = services.next_steps(appeal)
    page = render_template(
        "appeals/show.html",
        appeal=appeal,
        rated=ratings.rated_answers(appeal),
        officer=access.is_officer(current_user),
        steps=steps,
        step_form=step_form or StepForm(steps=steps),
        rating_form=rating_form or RatingForm(),
        today=services.local_today(),
    )
    return _no_store((page, status)) if appeal.anonymous else (page, status)


@bp.route("/<key>")
@login_required
def show(key):
    return _render_show(_visible(key))


@bp.route("/<key>/steps", methods=["POST"])
@login_required
def step(key):
    appeal = _visible(key)
    _require_officer()
    form = StepForm(steps=services.next_steps(appeal))
    if form.validate_on_submit() and submit(
        form, services.take_step, current_user, appeal, form.action.data, form.note.data
    ):
        db.session.commit()
        return redirect(url_for("appeals.show", key=key), 303)
    return _render_show(_visible(key), step_form=form, status=_status(form))


@bp.route("/<key>/rate", methods=["POST"])
@login_required
def rate(key):
    appeal = _visible(key)
    if appeal.author_id != current_user.id:
        abort(403)
    form = RatingForm()
    if form.validate_on_submit() and submit(
        form, services.rate, appeal, form.rating.data, form.rating_note.data
    ):
        db.session.commit()
        return redirect(url_for("appeals.show", key=key), 303)
    return _render_show(_visible(key), rating_form=form, status=_status(form))


def _status(form) -> int:
    refusal = getattr(form, "form_errors", None)
    return 409 if refusal and not any(f.errors for f in form) else 422


def _photo(key: str, sha256: str, thumb: bool):
    _visible(key)
    if db.session.get(AppealPhoto, (key, sha256)) is None:
        abort(404)
    return storage.send_image(sha256, thumb=thumb)


@bp.route("/<key>/photos/<sha256>")
@login_required
def photo(key, sha256):
    return _photo(key, sha256, thumb=False)


@bp.route("/<key>/photos/<sha256>/thumb")
@login_required
def photo_thumb(key, sha256):
    return _photo(key, sha256, thumb=True)


@bp.route("/stats")
@login_required
def stats():
    _require_officer()
    year = request.args.get("year", "")
    today = services.local_today()
    chosen = plain_year(year) if year else today.year
    if chosen is None or not 2000 <= chosen <= today.year:
        return error_response(400, _("Choose a year from 2000 to %(year)d.", year=today.year))
    figures = statistics.figures(date(chosen, 1, 1), date(chosen, 12, 31))
    return render_template(
        "appeals/stats.html",
        figures=figures,
        year=chosen,
        years=list(range(today.year, today.year - 5, -1)),
    )
