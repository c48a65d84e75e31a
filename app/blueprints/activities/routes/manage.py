"""Organizer pages: create, change, duplicate and cancel activities; roster and export;
check-in; results; the qualification gate."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.blueprints.activities import bp, export, queries, services
from app.blueprints.activities.forms import ActivityForm, CancelActivityForm, CheckInForm
from app.blueprints.auth.access import roles_required
from app.errors import done, form_status, submit
from app.extensions import db
from app.guards import parse_id, without_nul
from app.models import Department, Role
from app.models.activities import Activity, ActivityKind
from app.rendering import page_or_fragment, wants_fragment
from app.services.inputs import plain_decimal
from app.storage import Chosen, save_upload

MANAGERS = (Role.ORGANIZER, Role.ADMIN)
GATE_VIEWERS = (Role.ORGANIZER, Role.SAFETY_OFFICER, Role.ADMIN)
KINDS = {kind.value for kind in ActivityKind}


def _departments():
    rows = db.session.scalars(select(Department).options(joinedload(Department.parent))).all()
    return sorted(rows, key=lambda d: d.full_name)


def _chosen_departments(form, all_departments):
    chosen = set(form.departments.data or [])
    return [d for d in all_departments if d.id in chosen]


def _save(form, departments, cover, activity=None, kept_cover=None):
    """Create or change the activity with the `cover` chosen (a `Chosen`); on failure its
    messages are on the form."""
    chosen = _chosen_departments(form, departments)
    return submit(form, _store_and_save, form, chosen, cover.upload, activity, kept_cover)


def _store_and_save(form, departments, upload, activity, kept_cover):
    # The cover is checked (and may be refused) as part of the same call.
    stored = save_upload(upload, "cover")
    cover = stored.name if stored else kept_cover
    data = form.data_for_service()
    if activity is None:
        return services.create_activity(current_user, data, departments, cover)
    return services.update_activity(current_user, activity, data, departments, cover)


def _cross_check(form, activity=None) -> None:
    """When single fields fail, still show what is wrong across fields, all at once."""
    when = ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline")
    unread = any(form[name].data is None or form[name].errors for name in when)
    if unread or form.kind.data not in KINDS:
        return
    errors = services.validate_activity(form.data_for_service(), activity)
    for field, messages in errors.items():
        if not form[field].errors:
            form[field].errors = list(form[field].errors) + messages


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    departments = _departments()
    form = ActivityForm()
    form.set_departments(departments)
    source = None
    if (source_id := parse_id(request.args.get("from"))) is not None:
        source = db.get_or_404(Activity, source_id)
        if request.method == "GET":
            form.fill_from(services.copy_fields(source))
            form.departments.data = [d.id for d in source.departments]
    kept_cover = source.cover_image if source else None
    cover = Chosen(current_user.id, "cover", most=1)
    if form.validate_on_submit() and (done := _save(form, departments, cover, None, kept_cover)):
        db.session.commit()
        flash(_("The activity is published."), "success")
        return redirect(url_for("activities.show", activity_id=done.value.id), 303)
    if request.method == "POST":
        _cross_check(form)
    # A browser never fills a file input back in: the cover is kept for the corrected form.
    form.cover.errors = cover.again(form.cover.errors)
    return render_template(
        "activities/form.html", form=form, activity=None, source=source, kept=cover.kept
    ), form_status()


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(activity_id):
    activity = db.get_or_404(Activity, activity_id)
    departments = _departments()
    form = ActivityForm()
    form.set_departments(departments)
    if request.method == "GET":
        form.fill_from(services.copy_fields(activity))
        form.departments.data = [d.id for d in activity.departments]
    cover = Chosen(current_user.id, "cover", most=1)
    if form.validate_on_submit() and _save(form, departments, cover, activity):
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("activities.show", activity_id=activity.id), 303)
    if request.method == "POST":
        _cross_check(form, activity)
    form.cover.errors = cover.again(form.cover.errors)
    return render_template(
        "activities/form.html", form=form, activity=activity, kept=cover.kept
    ), form_status()


@bp.route("/<int:activity_id>/cancel", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def cancel(activity_id):
    activity = db.get_or_404(Activity, activity_id)
    form = CancelActivityForm()
    if form.validate_on_submit() and (
        done := submit(form, services.cancel_activity, current_user, activity, form.reason.data)
    ):
        db.session.commit()
        flash(_("The activity is cancelled; %(n)d people are told.", n=len(done.value)), "info")
        return redirect(url_for("activities.show", activity_id=activity.id), 303)
    return render_template("activities/cancel.html", form=form, activity=activity), form_status()


@bp.route("/<int:activity_id>/roster")
@roles_required(*MANAGERS)
def roster(activity_id):
    activity = db.get_or_404(Activity, activity_id)
    return render_template(
        "activities/roster.html",
        activity=activity,
        rows=queries.roster(activity),
        counts=queries.counts_by_activity([activity.id])[activity.id],
    )


@bp.route("/<int:activity_id>/roster.xlsx")
@roles_required(*MANAGERS)
def roster_export(activity_id):
    activity = db.get_or_404(Activity, activity_id)
    data = export.roster_workbook(activity, queries.roster(activity))
    return send_file(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"activity-{activity.id}-roster.xlsx",
    )


@bp.route("/<int:activity_id>/checkin", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def check_in(activity_id):
    activity = db.get_or_404(Activity, activity_id)
    form = CheckInForm()
    result, status = None, 200
    if form.validate_on_submit():
        result = services.check_in(current_user, activity, form.code.data)
        db.session.commit()
        if result.status == "invalid":
            status = 422
        else:
            form.code.data = ""
    elif request.method == "POST":
        status = 422
    context = {
        "activity": activity,
        "form": form,
        "result": result,
        "counts": queries.counts_by_activity([activity.id])[activity.id],
        "checkin_window": services.checkin_window_message(activity),
        "checkin_opens": services.checkin_opens_at(activity),
        # The page's script says at once, offline too, who is checked in already (the whole
        # page carries it; a scan's answer, the form alone, does not).
        "people": None if wants_fragment() else services.checkin_people(activity),
    }
    return page_or_fragment(
        "activities/checkin.html", "activities/_checkin.html", **context
    ), status


def _scores_from_form(people, prefix="score") -> tuple[dict, dict]:
    """{participation id: float | None} from inputs named score-<id>; what is not a number
    as errors (how far a number may go is the service's to say)."""
    scores, errors = {}, {}
    for person in people:
        raw = (request.form.get(f"{prefix}-{person.id}") or "").strip()
        if raw == "":
            scores[person.id] = None
            continue
        # Digits as a person writes them: float() would take 1e3, NaN and infinity too.
        parsed = plain_decimal(raw)
        if parsed is None:
            # None for the check, which still looks at the rest of the row (its team).
            scores[person.id] = None
            errors[f"{prefix}-{person.id}"] = [
                _(
                    "Write the score in digits, such as 85 or 92.5, from 0 to %(max)d.",
                    max=services.SCORE_MAX,
                )
            ]
        else:
            scores[person.id] = float(parsed)
    return scores, errors


def _results_of(activity_id, *kinds: ActivityKind):
    """An activity of these kinds (404 for any other) and the people who can have results."""
    activity = db.get_or_404(Activity, activity_id)
    if activity.kind not in kinds:
        abort(404)
    return activity, queries.confirmed_participants(activity)


def _scores_page(template, activity, people, record, *, check, saved, back, **context):
    """A page with a score box per person: on POST the scores read from the form go to
    `record(scores)`; when it saves them, 303 to `back` saying `saved(what it returned)`,
    else the page again (422) with what was sent and the errors. When some boxes hold no
    number, `check(the scores that were read)` (the service's checks, writing nothing) says
    what else is wrong, so that one try lists every wrong row."""
    errors = {}
    if request.method == "POST":
        scores, errors = _scores_from_form(people)
        if errors:
            errors = {**submit(None, check, scores).errors, **errors}
        else:
            result = submit(None, record, scores)
            if result:
                return done(saved(result.value), back)
            errors = result.errors
    return render_template(
        template,
        activity=activity,
        people=people,
        errors=errors,
        # What was sent, shown back without NULs (refused at their box): a browser shows one
        # as �, and sent again unchanged, that � would be saved. AppForm does the same.
        # (Empty on a GET: the page shows what is stored.)
        form_values={name: without_nul(value) for name, value in request.form.items()},
        started=services.has_started(activity),
        **context,
    ), form_status()


@bp.route("/<int:activity_id>/results", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def training_results(activity_id):
    activity, people = _results_of(activity_id, ActivityKind.TRAINING, ActivityKind.DRILL)
    return _scores_page(
        "activities/results.html",
        activity,
        people,
        lambda scores: services.record_training_results(current_user, activity, scores),
        check=lambda scores: services.check_training_results(current_user, activity, scores),
        saved=lambda passed: _("Results saved: %(n)d passed.", n=passed),
        back=url_for("activities.training_results", activity_id=activity.id),
    )


@bp.route("/<int:activity_id>/scores", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def scores(activity_id):
    activity, people = _results_of(activity_id, ActivityKind.COMPETITION)
    round_no = request.values.get("round_no", 1, type=int)
    teams = {p.id: request.form.get(f"team-{p.id}", "") for p in people}
    return _scores_page(
        "activities/scores.html",
        activity,
        people,
        lambda scores: services.record_round(current_user, activity, round_no, scores, teams),
        check=lambda scores: services.check_round(current_user, activity, round_no, scores, teams),
        saved=lambda _value: _("Round %(n)d saved.", n=round_no),
        back=url_for("activities.leaderboard", activity_id=activity.id),
        round_no=round_no,
        existing=queries.round_scores(activity),
    )


@bp.route("/qualifications")
@roles_required(*GATE_VIEWERS)
def gate():
    """The qualification gate grew into its own feature (posts, codes, the entrance check)."""
    return redirect(url_for("gate.index"), 301)


@bp.app_template_filter("local_dt")
def local_dt(value, fmt="short"):
    return format_datetime(value, fmt) if value else ""
