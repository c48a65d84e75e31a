"""Recording results: training scores and the qualifications they give, competition round
scores. Reading them (the leaderboard, the qualification gate) is in `queries`."""

from datetime import date

from flask_babel import LazyString, format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.blueprints.activities.queries import can_manage, confirmed_participants
from app.blueprints.gate.services import add_months, grant_qualification, type_named
from app.blueprints.notify.services import notify_many
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.models import User
from app.models._types import utcnow
from app.models.activities import (
    Activity,
    ActivityKind,
    CompetitionMode,
    Qualification,
    RoundScore,
)
from app.models.gate import QualificationSource
from app.services import audit
from app.services.inputs import local_date

from .activities import activity_url

SCORE_MAX = 100000


def _check_score(value, errors, key):
    if value is None:
        return
    if not (0 <= value <= SCORE_MAX):
        errors[key] = [_("Enter a score between 0 and %(max)d.", max=SCORE_MAX)]


def _scored_people(activity, scores, errors, no_place) -> dict:
    """The activity's confirmed participants by participation id; a score for anyone else
    (`no_place` says so), for someone who was not checked in, or out of range is put in
    `errors`. Clearing a score (None) is always allowed."""
    people = {p.id: p for p in confirmed_participants(activity)}
    for pid, value in scores.items():
        person = people.get(pid)
        if person is None:
            errors[f"score-{pid}"] = [no_place]
        elif value is not None and person.checked_in_at is None:
            # Check-in is the record of who came: a score for anyone else would be a pass
            # (and a qualification) for someone who was not there.
            errors[f"score-{pid}"] = [
                _(
                    "%(name)s was not checked in, so cannot have a score.",
                    name=person.user.name,
                )
            ]
            continue
        _check_score(value, errors, f"score-{pid}")
    return people


def has_started(activity: Activity) -> bool:
    """Results are recorded once the activity has started, never for one still ahead."""
    return activity.starts_at <= utcnow()


def _ensure_started(activity: Activity) -> None:
    if not has_started(activity):
        raise Refused(
            _(
                "Results can be recorded once the activity has started (%(when)s).",
                when=format_datetime(activity.starts_at, "short"),
            )
        )


def _audit_scores(action, organizer, activity, summary, scores) -> None:
    """The audit line of a scores write, with the scores by participation id."""
    audit.record(
        action,
        activity,
        actor=organizer,
        summary=f"{activity.title}: {summary}",
        after={str(pid): value for pid, value in scores.items()},
    )


def _ensure_can_record(organizer, activity, *kinds):
    if not can_manage(organizer):
        raise Refused(_("Only union organizers can record results."))
    if activity.kind not in kinds:
        raise Refused(_("This activity does not take results of this kind."))
    if activity.is_cancelled:
        raise Refused(_("This activity has been cancelled."))
    _ensure_started(activity)


def check_training_results(organizer: User, activity: Activity, scores: dict) -> dict:
    """The checks of `record_training_results`, writing nothing: `Refused`, or
    `ValidationFailed` with every wrong score at once. Returns the participants by id."""
    _ensure_can_record(organizer, activity, ActivityKind.TRAINING, ActivityKind.DRILL)
    errors = {}
    people = _scored_people(
        activity, scores, errors, _("This person has no place in the training.")
    )
    if errors:
        raise ValidationFailed(errors)
    return people


def issue_day(activity: Activity) -> date:
    """The day a pass is issued on: the day the training ended, or today when its results
    come in before its end (a training over several days), in the union's calendar. Never a
    day still ahead: a qualification is held from its issue day on."""
    return local_date(min(activity.ends_at, utcnow()))


def record_training_results(organizer: User, activity: Activity, scores: dict) -> int:
    """Scores by participation id (None clears one). A new pass at or above the pass mark
    (the person had failed or had no result) gives the training's qualification; a score
    changed to a fail takes it away. A pass that stays a pass leaves the qualification as it
    is, so saving the page again never lifts a revocation the gate made (a fail and then a
    pass again is a new grant). Each person whose score or pass is new or changed is told,
    in the inbox. Returns how many participants passed."""
    people = check_training_results(organizer, activity, scores)
    existing = {
        q.user_id: q
        for q in db.session.scalars(
            select(Qualification).where(Qualification.activity_id == activity.id)
        )
    }
    issued_on = issue_day(activity)
    months = activity.qualification_months
    told = []
    for pid, value in scores.items():
        person = people[pid]
        before = (person.score, person.passed)
        # As the column keeps it (two decimals), so that saving the same page again is no change.
        person.score = None if value is None else round(value, 2)
        mark = activity.pass_mark
        person.passed = None if value is None or mark is None else person.score >= mark
        qualification = existing.get(person.user_id)
        withdrawn = None  # the qualification this result takes away, said in the message
        if not (person.passed and activity.qualification_name):
            if qualification is not None:
                withdrawn = None if qualification.is_revoked else qualification.name
                db.session.delete(qualification)
                qualification = None
        elif before[1] is not True or qualification is None:
            # A new pass is a grant. A pass that stays a pass keeps the qualification as the
            # gate left it: re-saving the page to fix another row must not lift a revocation.
            qtype = type_named(
                activity.qualification_name,
                is_safety=activity.qualification_is_safety,
                validity_months=months,
            )
            qualification = grant_qualification(
                person.user,
                qtype,
                issued_on,
                add_months(issued_on, months) if months else None,
                source=QualificationSource(activity.kind.value),
                activity=activity,
            )
        if qualification is not None and qualification.is_revoked:
            qualification = None  # the message must not say they hold it
        if person.score is not None and (person.score, person.passed) != before:
            told.append(_result_message(activity, person, qualification, withdrawn))
        elif person.score is None and withdrawn:  # a result cleared takes its qualification
            told.append(_cleared_message(activity, person, withdrawn))
    notify_many(told)
    passed = sum(1 for p in people.values() if p.passed)
    _audit_scores(
        "activity.results_recorded", organizer, activity, f"{passed}/{len(people)}", scores
    )
    return passed


def _number(value: float) -> LazyString:
    return LazyString(lambda: format_decimal(value))


def _cleared_message(activity: Activity, person, withdrawn: str) -> tuple:
    """A result cleared (no score now) took away the qualification it gave: said to its person."""
    body = _l(
        "Your result was cleared, and with it %(qualification)s, which it gave.",
        qualification=withdrawn,
    )
    title = _l("Your result: %(title)s", title=activity.title)
    return [person.user_id], "activities.result", title, body, activity_url(activity)


def _result_message(activity: Activity, person, qualification, withdrawn=None) -> tuple:
    """The inbox message that tells `person` their score, whether they passed and the
    qualification it gave them, or took away (`withdrawn`, its name): theirs alone, in their
    own language."""
    score = _number(person.score)
    if person.passed and qualification is not None and qualification.valid_until is None:
        body = _l(
            "Score %(score)s: passed. You now hold %(qualification)s, which does not expire.",
            score=score,
            qualification=qualification.name,
        )
    elif person.passed and qualification is not None:
        until = qualification.valid_until
        body = _l(
            "Score %(score)s: passed. You now hold %(qualification)s, valid until %(day)s.",
            score=score,
            qualification=qualification.name,
            day=LazyString(lambda: format_date(until, "medium")),
        )
    elif person.passed:
        body = _l("Score %(score)s: passed.", score=score)
    elif person.passed is False and withdrawn:
        body = _l(
            "Score %(score)s: not passed (the pass mark is %(mark)s). You no longer hold "
            "%(qualification)s, which your earlier result gave.",
            score=score,
            mark=_number(activity.pass_mark),
            qualification=withdrawn,
        )
    elif person.passed is False:
        body = _l(
            "Score %(score)s: not passed (the pass mark is %(mark)s).",
            score=score,
            mark=_number(activity.pass_mark),
        )
    else:
        body = _l("Score %(score)s", score=score)
    title = _l("Your result: %(title)s", title=activity.title)
    return [person.user_id], "activities.result", title, body, activity_url(activity)


def check_round(
    organizer: User, activity: Activity, round_no: int, scores: dict, teams: dict
) -> dict:
    """The checks of `record_round`, writing nothing: `Refused`, or `ValidationFailed` with
    everything wrong at once. Returns the competitors by participation id."""
    _ensure_can_record(organizer, activity, ActivityKind.COMPETITION)
    errors = {}
    if not (1 <= round_no <= (activity.rounds or 1)):
        errors["round_no"] = [_("Choose a round from 1 to %(n)d.", n=activity.rounds or 1)]
    people = _scored_people(
        activity, scores, errors, _("This person has no place in the competition.")
    )
    if activity.competition_mode is CompetitionMode.TEAM:
        for pid in scores:
            team = clean_text(
                teams.get(pid),
                f"team-{pid}",
                limit=60,  # as the column holds
                too_long=_("Use at most 60 characters."),
                errors=errors,
            )
            if scores[pid] is not None and not team and f"team-{pid}" not in errors:
                errors[f"team-{pid}"] = [_("Enter the team of everyone with a score.")]
    if errors:
        raise ValidationFailed(errors)
    return people


def record_round(
    organizer: User, activity: Activity, round_no: int, scores: dict, teams: dict
) -> None:
    """One round's scores by participation id (None clears one) and, for team
    competitions, each competitor's team."""
    people = check_round(organizer, activity, round_no, scores, teams)
    team_mode = activity.competition_mode is CompetitionMode.TEAM
    db.session.execute(
        delete(RoundScore).where(
            RoundScore.round_no == round_no, RoundScore.participation_id.in_(list(scores))
        )
    )
    for pid, value in scores.items():
        if team_mode:
            people[pid].team = (teams.get(pid) or "").strip() or None
        if value is not None:
            db.session.add(RoundScore(participation_id=pid, round_no=round_no, score=value))
    _audit_scores("activity.round_recorded", organizer, activity, f"round {round_no}", scores)
