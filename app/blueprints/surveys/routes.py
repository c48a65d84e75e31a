"""The survey pages: the list, the builder, answering (an outbox form: works offline), the
results with their export, and the rating after an activity."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.blueprints.errors.handlers import error_response
from app.errors import Refused, ValidationFailed, also_wrong, apply_errors, form_status, submit
from app.extensions import db
from app.forms import in_our_years, local, utc
from app.guards import parse_id
from app.models import Department
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus
from app.models.surveys import Survey
from app.services.departments import department_choices

from . import bp, export, queries, services
from .access import in_audience, is_manager
from .forms import QUESTION_ROWS, RatingForm, SurveyForm
from .services.ratings import checked_in, my_rating
from .services.results import response_count


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def _refused(message: str, status: int = 403):
    db.session.rollback()
    return error_response(status, message)


@bp.route("/")
@login_required
def index():
    surveys = queries.open_surveys_for(current_user)
    every = None
    if is_manager(current_user):
        every = db.session.scalars(queries.all_surveys().limit(100)).all()
    return render_template(
        "surveys/index.html",
        surveys=surveys,
        every=every,
        counts=queries.respondent_counts([s.id for s in every or []]),
        now=utcnow(),
    )


def _rows(form) -> list[dict]:
    rows: dict[int, dict] = {}
    for key in form:
        if key.startswith("questions-"):
            _prefix, index, name = (key.split("-", 2) + ["", ""])[:3]
            if index.isascii() and index.isdigit() and int(index) < 100:
                rows.setdefault(int(index), {})[name] = form.get(key)
    return [rows[i] for i in sorted(rows)]


def _fill_choices(form: SurveyForm) -> None:
    form.departments.choices = [SelectChoice(i, name) for i, name in department_choices()]
    form.activity.choices = [SelectChoice(0, "—")] + [
        SelectChoice(a.id, f"{a.title} · {local(a.starts_at):%Y-%m-%d}")
        for a in db.session.scalars(
            select(Activity)  # a cancelled one was taken by nobody: nobody to ask
            .where(Activity.status != ActivityStatus.CANCELLED)
            .order_by(Activity.starts_at.desc())
            .limit(50)
        )
    ]
    form.previous.choices = [SelectChoice(0, "—")] + [
        SelectChoice(s.id, s.title)
        for s in db.session.scalars(select(Survey).order_by(Survey.id.desc()).limit(50))
    ]


def _rerun_rows(survey: Survey) -> list[dict]:
    rows = []
    for question in survey.questions:
        show_if = ""
        if question.show_if is not None:
            target = question.show_if.question
            show_if = f"{target.position + 1}:{question.show_if.label}"
        rows.append(
            {
                "text": question.text,
                "kind": question.kind.value,
                "required": "y" if question.required else "",
                "options": "\n".join(o.label for o in question.options),
                "show_if": show_if,
            }
        )
    return rows


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not is_manager(current_user):
        return _refused(_("Only union organizers and the chairman can do this."))
    form = SurveyForm()
    _fill_choices(form)
    rows = _rows(request.form) if request.method == "POST" else []
    source = db.session.get(Survey, parse_id(request.args.get("from")) or 0)
    if request.method == "GET" and source is not None:
        form.title.data = source.title
        form.intro.data = source.intro
        form.anonymous.data = source.anonymous
        form.audience.data = source.audience.value
        form.departments.data = [d.id for d in source.departments]
        form.min_responses.data = source.min_responses
        form.is_satisfaction.data = source.is_satisfaction
        form.previous.data = source.id
        rows = _rerun_rows(source)
    question_errors = {}
    if form.is_submitted():
        data, departments, activity = _survey_input(form)
        if not form.validate():
            errors = also_wrong(form, services.check_survey, data, rows, departments, activity)
        elif done := submit(
            None, services.save_survey, current_user, data, rows, departments, activity
        ):
            db.session.commit()
            flash(_("Survey saved."), "success")
            return redirect(url_for("surveys.show", survey_id=done.value.id), 303)
        else:
            errors = done.errors
        question_errors = _place_errors(form, errors)
    rows = rows + [{}] * max(0, QUESTION_ROWS - len(rows))
    return render_template(
        "surveys/new.html", form=form, rows=rows, question_errors=question_errors
    ), form_status(form)


def _survey_input(form: SurveyForm) -> tuple[dict, list[Department], Activity | None]:
    """What the builder's form gives the service: its fields (times in UTC, the earlier survey
    as a row; None where the form could not read them), the departments and the activity."""
    # Read before the form is validated (to say every mistake at once): no id past the column's.
    ids = [i for i in map(parse_id, form.departments.data or []) if i is not None]
    departments = db.session.scalars(select(Department).where(Department.id.in_(ids))).all()
    data = dict(form.data)
    for name in ("opens_at", "closes_at"):  # a year the form refuses is not read (no UTC)
        data[name] = utc(data[name]) if in_our_years(data[name]) else None
    data["previous"] = db.session.get(Survey, parse_id(form.previous.data) or 0)
    return data, departments, db.session.get(Activity, parse_id(form.activity.data) or 0)


def _place_errors(form: SurveyForm, errors: dict) -> dict:
    """The service's messages, each at its field of the form; those about the questions (rows
    of the page beside the form: `questions-<row>-<field>`, `questions`) are handed back for
    the rows."""
    at_rows = {name: errors[name] for name in errors if name.startswith("questions")}
    apply_errors(form, ValidationFailed({n: m for n, m in errors.items() if n not in at_rows}))
    return at_rows


def _answer_page(survey: Survey, errors=None, status: int = 200, answers=None):
    errors = errors or {}
    at_questions = {f"q{q.id}" for q in survey.questions}
    return render_template(
        "surveys/show.html",
        survey=survey,
        asked=in_audience(current_user, survey),
        answered=services.has_responded(current_user, survey),
        open=services.is_open(survey),
        closed=services.is_closed(survey),
        manager=is_manager(current_user),
        responses=response_count(survey) if is_manager(current_user) else None,
        # the results link only when the results page would show them (no 403 behind it)
        results_shown=services.results_refusal(current_user, survey) is None,
        errors=errors,
        elsewhere=[m for name, said in errors.items() if name not in at_questions for m in said],
        answers=answers or {},
    ), status


@bp.route("/<int:survey_id>")
@login_required
def show(survey_id):
    survey = _survey(survey_id)
    if not (in_audience(current_user, survey) or is_manager(current_user)):
        abort(404)
    return _answer_page(survey)


@bp.route("/<int:survey_id>/respond", methods=["POST"])
@login_required
def respond(survey_id):
    survey = _survey(survey_id)
    if not (in_audience(current_user, survey) or is_manager(current_user)):
        abort(404)
    done = submit(None, _parse_and_respond, current_user, survey, request.form)
    if not done:
        answers = {k: request.form.getlist(k) for k in request.form if k.startswith("q")}
        return _answer_page(survey, done.errors, 422, answers)
    db.session.commit()
    flash(_("Thank you: your answers are in."), "success")
    return redirect(url_for("surveys.show", survey_id=survey.id), 303)


def _parse_and_respond(user, survey, data):
    return services.respond(user, survey, services.parse_answers(survey, data))


def _results(survey_id) -> dict:
    """A survey's results for this user; the refusal page instead when they may not see them."""
    survey = _survey(survey_id)
    try:
        return services.results(current_user, survey)
    except Refused as refusal:  # the service's own check: the survey's responses counted once
        abort(_refused(refusal.message))


@bp.route("/<int:survey_id>/results")
@login_required
def results(survey_id):
    return render_template("surveys/results.html", **_results(survey_id))


@bp.route("/<int:survey_id>/results.xlsx")
@login_required
def results_xlsx(survey_id):
    return send_file(
        export.results_workbook(_results(survey_id)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"survey-{survey_id}.xlsx",
    )


@bp.route("/ratings/<int:activity_id>", methods=["GET", "POST"])
@login_required
def rate(activity_id):
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    if not checked_in(current_user, activity):
        return _refused(_("Only people who checked in to this activity can rate it."))
    rating = my_rating(current_user, activity)
    form = RatingForm()
    if request.method == "GET" and rating is not None:
        form.stars.data = str(rating.stars)
        form.comment.data = rating.comment
    if form.validate_on_submit() and submit(
        form, services.rate_activity, current_user, activity, form.stars.data, form.comment.data
    ):
        db.session.commit()
        flash(_("Thank you for your rating."), "success")
        return redirect(url_for("activities.show", activity_id=activity.id), 303)
    return render_template(
        "surveys/rate.html", form=form, activity=activity, rating=rating
    ), form_status(form)


@bp.route("/ratings")
@login_required
def ratings():
    if not is_manager(current_user):
        return _refused(_("Only union organizers and the chairman can do this."))
    activity_id = parse_id(request.args.get("activity")) or 0
    activity = db.session.get(Activity, activity_id) if activity_id else None
    return render_template(
        "surveys/ratings.html",
        scores=queries.activity_scores(),
        kinds=queries.kinds_liked(),
        activity=activity,
        comments=queries.comments(activity.id) if activity else [],
    )
