"""What members see and do: the list, an activity, signing up, their code and history."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.activities import bp, queries, services
from app.errors import submit
from app.extensions import db, htmx
from app.guards import paginate
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, ParticipationStatus
from app.rendering import page_or_fragment, qr_svg
from app.storage import send_image, sha256_of_name

TABS = ("open", "mine", "past")


def get_visible_activity(activity_id: int) -> Activity:
    """Any logged-in worker may read an activity; the list shows each one their audience's,
    and signing up checks the audience (with a message that says so)."""
    return db.get_or_404(Activity, activity_id)


@bp.route("/")
@login_required
def index():
    tab = request.args.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    page = paginate(
        queries.activity_list(current_user, tab),
        per_page=current_app.config.get("ACTIVITIES_PER_PAGE", 20),
    )
    ids = [a.id for a in page.items]
    return page_or_fragment(
        "activities/index.html",
        "activities/_list.html",
        tab=tab,
        tabs=TABS,
        page=page,
        counts=queries.counts_by_activity(ids),
        mine=queries.my_participations(current_user, ids),
        signup_state=queries.signup_state,
        now=utcnow(),
    )


def _show_context(activity: Activity) -> dict:
    participation = queries.my_participation(current_user, activity)
    return {
        "activity": activity,
        "participation": participation,
        "counts": queries.counts_by_activity([activity.id])[activity.id],
        "position": queries.waitlist_position(participation) if participation else None,
        "code": services.code_for(participation)
        if participation and participation.status is ParticipationStatus.CONFIRMED
        else None,
        "in_audience": queries.in_audience(current_user, activity),
        "now": utcnow(),
        "can_manage": queries.can_manage(current_user),
        "ActivityKind": ActivityKind,
        "Status": ParticipationStatus,
    }


@bp.route("/<int:activity_id>")
@login_required
def show(activity_id):
    activity = get_visible_activity(activity_id)
    return page_or_fragment(
        "activities/show.html", "activities/_signup.html", **_show_context(activity)
    )


def _after_signup_change(activity, message, category, status=200):
    """htmx: the sign-up widget in its new state, and the page's places count out of band
    (it changed too); otherwise back to the page (303)."""
    if htmx:
        context = _show_context(activity)
        context["message"], context["message_category"] = message, category
        widget = render_template("activities/_signup.html", **context)
        places = render_template("activities/_places.html", oob=True, **context)
        return widget + places, status
    flash(message, category)
    return redirect(url_for("activities.show", activity_id=activity.id), 303)


@bp.route("/<int:activity_id>/signup", methods=["POST"])
@login_required
def sign_up(activity_id):
    activity = get_visible_activity(activity_id)
    if not (done := submit(None, services.sign_up, current_user, activity)):
        return _after_signup_change(activity, " ".join(done.messages), "error", 422)
    db.session.commit()
    if done.value.status is ParticipationStatus.WAITLISTED:
        message = _("The activity is full; you are on the waitlist.")
        return _after_signup_change(activity, message, "warning")
    return _after_signup_change(activity, _("You have signed up."), "success")


@bp.route("/<int:activity_id>/signup/cancel", methods=["POST"])
@login_required
def cancel_sign_up(activity_id):
    activity = get_visible_activity(activity_id)
    if not (done := submit(None, services.cancel_sign_up, current_user, activity)):
        return _after_signup_change(activity, " ".join(done.messages), "error", 422)
    db.session.commit()
    return _after_signup_change(activity, _("Your sign-up has been cancelled."), "info")


@bp.route("/<int:activity_id>/code.svg")
@login_required
def my_code(activity_id):
    activity = get_visible_activity(activity_id)
    participation = queries.my_participation(current_user, activity)
    if participation is None or participation.status is not ParticipationStatus.CONFIRMED:
        abort(404)
    response = Response(qr_svg(services.code_for(participation)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.route("/<int:activity_id>/cover")
@login_required
def cover(activity_id):
    activity = get_visible_activity(activity_id)
    return send_image(sha256_of_name(activity.cover_image) or "")


@bp.route("/<int:activity_id>/leaderboard")
@login_required
def leaderboard(activity_id):
    activity = get_visible_activity(activity_id)
    if activity.kind is not ActivityKind.COMPETITION:
        abort(404)
    return render_template(
        "activities/leaderboard.html",
        activity=activity,
        standings=queries.leaderboard(activity),
        can_manage=queries.can_manage(current_user),
    )


@bp.route("/history")
@login_required
def history():
    return render_template(
        "activities/history.html",
        attended=queries.history(current_user),
        qualifications=queries.qualifications_of(current_user),
        today=queries.local_today(),
    )
