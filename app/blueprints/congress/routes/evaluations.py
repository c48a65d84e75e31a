"""Democratic evaluation: rounds, the ballot, the results."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.blueprints.congress import bp, queries
from app.blueprints.congress.access import is_manager
from app.blueprints.congress.forms import ActionForm, PeopleForm, RoundForm
from app.blueprints.congress.routes.common import (
    departments_by_ids,
    get_or_404,
    manager_required,
    read,
)
from app.blueprints.congress.services import evaluations as service
from app.blueprints.congress.services import rounds
from app.blueprints.errors.handlers import error_response
from app.errors import Refused, ValidationFailed, act, done, form_status, submit
from app.extensions import db
from app.forms import utc
from app.models._types import utcnow
from app.models.congress import CongressSession, EvaluationRound, Grade, Overall
from app.services.departments import department_choices


@bp.route("/evaluations")
@login_required
def evaluations():
    rounds = db.session.scalars(queries.rounds_list()).all()
    return render_template(
        "congress/evaluations.html",
        rounds=rounds,
        is_manager=is_manager(current_user),
        now=utcnow(),
        voted={r.id for r in rounds if service.has_voted(current_user, r)},
    )


def _session_choices():
    sessions = db.session.scalars(
        select(CongressSession).order_by(CongressSession.starts_on.desc())
    ).all()
    return [SelectChoice(0, _("None"))] + [
        SelectChoice(s.id, f"{s.name} · {s.title}") for s in sessions
    ]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.route("/evaluations/new", methods=["GET", "POST"])
@manager_required
def evaluation_new():
    form = RoundForm()
    form.session.choices = _session_choices()
    form.departments.choices = department_choices()
    if request.method == "GET":
        form.dimensions.data = "\n".join(rounds.DEFAULT_DIMENSIONS)
    return act(
        form,
        lambda: rounds.create_round(current_user, *_round(form)),
        back=lambda made: url_for("congress.evaluation_show", round_id=made.id),
        again=lambda: (
            render_template("congress/evaluation_form.html", form=form),
            form_status(form),
        ),
        message=_("The evaluation is set up."),
        check=lambda: rounds.check_round(*_round(form)),
    )


def _round(form) -> tuple:
    """What the round's form gives the service: its fields (times in UTC, the session a row),
    the people, the dimensions and the departments (None, or none, where it could not read a
    field)."""
    session_id, opens_at, closes_at = (read(form, n) for n in ("session", "opens_at", "closes_at"))
    data = {
        "title": read(form, "title"),
        "electorate": read(form, "electorate"),
        "session": db.session.get(CongressSession, session_id) if session_id else None,
        "opens_at": utc(opens_at) if opens_at is not None else None,
        "closes_at": utc(closes_at) if closes_at is not None else None,
        "min_ballots": read(form, "min_ballots"),
    }
    return (
        data,
        rounds.read_people(read(form, "leaders")),
        _lines(read(form, "dimensions")),
        departments_by_ids(read(form, "departments")),
    )


def _people_page(round_, form, status=200, reason=None):
    """The form of a round's people; with `reason`, why they cannot change, and no form, but
    the lines posted, if any, to copy: the organizer may have typed them for a while."""
    return render_template(
        "congress/evaluation_people.html",
        round=round_,
        form=form,
        reason=reason,
        unsaved=form.leaders.data if reason and form.is_submitted() else None,
        is_open=service.is_open(round_),
    ), status


@bp.route("/evaluations/<int:round_id>/people", methods=["GET", "POST"])
@manager_required
def evaluation_people(round_id):
    round_ = get_or_404(EvaluationRound, round_id)
    form = PeopleForm()
    reason = rounds.people_refusal(round_)
    if reason:
        return _people_page(round_, form, 409, reason)
    if request.method == "GET":
        form.leaders.data = "\n".join(rounds.line(leader) for leader in round_.leaders)
    elif form.validate_on_submit():
        leaders = rounds.read_people(form.leaders.data)
        saved = submit(form, rounds.change_people, current_user, round_, leaders)
        if saved:
            return done(
                _("The people rated are saved.")
                if saved.value
                else _("Nothing changed: the people rated are as they were."),
                url_for("congress.evaluation_show", round_id=round_id),
            )
        if isinstance(saved.error, Refused):  # a ballot came in first
            round_ = db.session.get(EvaluationRound, round_id)
            return _people_page(round_, form, saved.error.status, saved.error.message)
    return _people_page(round_, form, form_status(form))


QUESTIONS = ("g-", "o-")  # a ballot's grade fields (`service.parse_ballot`)
TEXTS = ("s-", "w-")


def _summary(problems: dict) -> list[str]:
    """What the top of the ballot says of `problems` ({field: [messages]}): how many grades
    are missing (each is told at its question), then whatever has no place below."""
    missing = sum(1 for key in problems if key.startswith(QUESTIONS))
    lines = []
    if missing:
        lines.append(
            ngettext(
                "%(num)d grade is missing; it is marked below.",
                "%(num)d grades are missing; each is marked below.",
                missing,
            )
        )
    if any(key.startswith(TEXTS) for key in problems):
        lines.append(_("A written opinion needs changing; it is marked below."))
    return lines + [
        m for key, msgs in problems.items() if not key.startswith(QUESTIONS + TEXTS) for m in msgs
    ]


def _round_page(round_, status=200, problems=None, chosen=None):
    """The round's page; after a refused vote, `problems` ({field: [messages]}) and the
    choices made (`chosen`), which the ballot shows again."""
    user = current_user
    problems = problems or {}
    return render_template(
        "congress/evaluation.html",
        round=round_,
        is_manager=is_manager(user),
        is_open=service.is_open(round_),
        is_closed=service.is_closed(round_),
        people_fixed=rounds.people_refusal(round_) if is_manager(user) else None,
        eligible=service.eligible(user, round_),
        sections=service.sections(user, round_),
        people_field=service.PEOPLE_FIELD,
        people=service.people_version(round_),
        voted=service.has_voted(user, round_),
        ballots=service.ballot_count(round_)
        if is_manager(user) and service.is_closed(round_)
        else None,
        grades=list(Grade),
        overall_grades=list(Overall),
        summary=_summary(problems),
        problems=problems,
        chosen=chosen or {},
        action=ActionForm(),
    ), status


def _ballot_again(round_, people, error):
    """The round's page after a refused vote, with the ballot as the round is now. A ballot
    refused for its mistakes comes back with its choices and each mistake at its question,
    but only if it was made for the round's people (`people`, its version) still: were they
    changed after the refusal, its choices and mistakes would sit under other people's names,
    so it is refused as changed (`service.check_people`)."""
    if isinstance(error, ValidationFailed):
        try:
            service.check_people(round_, people)
        except Refused as changed:
            error = changed
        else:
            return _round_page(round_, 422, error.errors, request.form.to_dict())
    return _round_page(round_, error.status, {"form": [error.message]})


@bp.route("/evaluations/<int:round_id>")
@login_required
def evaluation_show(round_id):
    return _round_page(get_or_404(EvaluationRound, round_id))


@bp.route("/evaluations/<int:round_id>/vote", methods=["POST"])
@login_required
def evaluation_vote(round_id):
    round_ = get_or_404(EvaluationRound, round_id)
    if not ActionForm().validate_on_submit():
        expired = _("This form has expired. Please reload and vote again.")
        return _round_page(round_, 400, {"form": [expired]})
    people = request.form.get(service.PEOPLE_FIELD)
    try:
        grades, comments = service.parse_ballot(round_, request.form, current_user)
        service.cast_ballot(current_user, round_, grades, comments, people)
        db.session.flush()
    except (ValidationFailed, Refused) as error:
        db.session.rollback()
        return _ballot_again(db.session.get(EvaluationRound, round_id), people, error)
    return done(
        _("Thank you. Your ballot is counted; no one can tell which one is yours."),
        url_for("congress.evaluation_show", round_id=round_id),
    )


@bp.route("/evaluations/<int:round_id>/results")
@login_required
def evaluation_results(round_id):
    round_ = get_or_404(EvaluationRound, round_id)
    reason = service.results_refusal(current_user, round_)
    if reason:
        return error_response(403, reason)
    return render_template(
        "congress/results.html", round=round_, results=service.results(current_user, round_)
    )
