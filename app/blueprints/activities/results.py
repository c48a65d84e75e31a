"""Results: training scores and the qualifications they give, the qualification gate,
competition round scores and the leaderboard."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.blueprints.activities.queries import CONFIRMED, can_manage
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import Department, User
from app.models.activities import (
    Activity,
    ActivityKind,
    CompetitionMode,
    Participation,
    Qualification,
    RoundScore,
)
from app.services import audit

EXPIRY_WARNING_DAYS = 30
SCORE_MAX = 100000


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # 31 January + 1 month is 28/29 February
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_score(value, errors, key):
    if value is None:
        return
    if not (0 <= value <= SCORE_MAX):
        errors[key] = [_("Enter a score between 0 and %(max)d.", max=SCORE_MAX)]


def confirmed_participants(activity: Activity) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.activity_id == activity.id, Participation.status == CONFIRMED)
            .options(
                joinedload(Participation.user)
                .joinedload(User.department)
                .joinedload(Department.parent)
            )
            .join(Participation.user)
            .order_by(User.name, Participation.id)
        ).unique()
    )


def _ensure_can_record(organizer, activity, kind):
    if not can_manage(organizer):
        raise Refused(_("Only union organizers can record results."))
    if activity.kind is not kind:
        raise Refused(_("This activity does not take results of this kind."))
    if activity.is_cancelled:
        raise Refused(_("This activity has been cancelled."))


def record_training_results(organizer: User, activity: Activity, scores: dict) -> int:
    """Scores by participation id (None clears one). A pass at or above the pass mark gives
    the training's qualification; a score changed to a fail takes it away. Returns how many
    participants passed."""
    _ensure_can_record(organizer, activity, ActivityKind.TRAINING)
    people = {p.id: p for p in confirmed_participants(activity)}
    errors = {}
    for pid, value in scores.items():
        if pid not in people:
            errors[f"score-{pid}"] = [_("This person has no place in the training.")]
        _check_score(value, errors, f"score-{pid}")
    if errors:
        raise ValidationFailed(errors)
    existing = {
        q.user_id: q
        for q in db.session.scalars(
            select(Qualification).where(Qualification.activity_id == activity.id)
        )
    }
    issued_on = activity.ends_at.astimezone(
        ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    ).date()
    for pid, value in scores.items():
        person = people[pid]
        person.score = value
        person.passed = None if value is None else value >= activity.pass_mark
        qualification = existing.get(person.user_id)
        if person.passed and activity.qualification_name:
            if qualification is None:
                qualification = Qualification(user_id=person.user_id, activity_id=activity.id)
                db.session.add(qualification)
            qualification.name = activity.qualification_name
            qualification.is_safety = activity.qualification_is_safety
            qualification.issued_on = issued_on
            qualification.valid_until = add_months(issued_on, activity.qualification_months)
        elif qualification is not None:
            db.session.delete(qualification)
    passed = sum(1 for p in people.values() if p.passed)
    audit.record(
        "activity.results_recorded",
        activity,
        actor=organizer,
        summary=f"{activity.title}: {passed}/{len(people)}",
        after={str(pid): value for pid, value in scores.items()},
    )
    db.session.commit()
    return passed


def record_round(
    organizer: User, activity: Activity, round_no: int, scores: dict, teams: dict
) -> None:
    """One round's scores by participation id (None clears one) and, for team
    competitions, each competitor's team."""
    _ensure_can_record(organizer, activity, ActivityKind.COMPETITION)
    errors = {}
    if not (1 <= round_no <= (activity.rounds or 1)):
        errors["round_no"] = [_("Choose a round from 1 to %(n)d.", n=activity.rounds or 1)]
    people = {p.id: p for p in confirmed_participants(activity)}
    for pid, value in scores.items():
        if pid not in people:
            errors[f"score-{pid}"] = [_("This person has no place in the competition.")]
        _check_score(value, errors, f"score-{pid}")
    team_mode = activity.competition_mode is CompetitionMode.TEAM
    if team_mode:
        for pid in scores:
            team = (teams.get(pid) or "").strip()
            if scores[pid] is not None and not team:
                errors[f"team-{pid}"] = [_("Enter the team of everyone with a score.")]
            elif len(team) > 60:
                errors[f"team-{pid}"] = [_("Use at most 60 characters.")]
    if errors:
        raise ValidationFailed(errors)
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
    audit.record(
        "activity.round_recorded",
        activity,
        actor=organizer,
        summary=f"{activity.title}: round {round_no}",
        after={str(pid): value for pid, value in scores.items()},
    )
    db.session.commit()


def round_scores(activity: Activity) -> dict[tuple[int, int], float]:
    """{(participation id, round): score}"""
    rows = db.session.execute(
        select(RoundScore.participation_id, RoundScore.round_no, RoundScore.score)
        .join(Participation, Participation.id == RoundScore.participation_id)
        .where(Participation.activity_id == activity.id)
    )
    return {(pid, round_no): score for pid, round_no, score in rows}


@dataclass
class Standing:
    rank: int
    name: str
    rounds: list[float | None]
    total: float
    members: list[str]


def leaderboard(activity: Activity) -> list[Standing]:
    """Totals over the rounds, highest first; equal totals share a rank. Teams add up their
    members' scores; competitors without any score are left out."""
    scores = round_scores(activity)
    rounds = range(1, (activity.rounds or 1) + 1)
    groups: dict[str, list[Participation]] = defaultdict(list)
    team_mode = activity.competition_mode is CompetitionMode.TEAM
    for person in confirmed_participants(activity):
        if not any((person.id, r) in scores for r in rounds):
            continue
        key = (person.team or _("No team")) if team_mode else f"{person.id}"
        groups[key].append(person)
    standings = []
    for key, people in groups.items():
        per_round = []
        for r in rounds:
            values = [scores[(p.id, r)] for p in people if (p.id, r) in scores]
            per_round.append(sum(values) if values else None)
        standings.append(
            Standing(
                rank=0,
                name=key if team_mode else people[0].user.name,
                rounds=per_round,
                total=sum(v for v in per_round if v is not None),
                members=[p.user.name for p in people],
            )
        )
    standings.sort(key=lambda s: (-s.total, s.name))
    for index, standing in enumerate(standings):
        previous = standings[index - 1] if index else None
        standing.rank = (
            previous.rank if previous and previous.total == standing.total else index + 1
        )
    return standings


# ---- Qualifications --------------------------------------------------------------------


@dataclass
class GateEntry:
    user: User
    valid_until: date | None  # the latest valid safety qualification's expiry, if any
    state: str  # "missing" or "expiring"


def qualification_gate(department_id: int | None = None, today: date | None = None):
    """Per department, the active people with no valid safety qualification, or one that
    runs out within 30 days. Returns [(department or None, [GateEntry])], most names first."""
    today = today or local_today()
    never = date(9999, 12, 31)
    best = (
        select(
            Qualification.user_id,
            func.max(func.coalesce(Qualification.valid_until, never)).label("until"),
        )
        .where(
            Qualification.is_safety.is_(True),
            (Qualification.valid_until.is_(None)) | (Qualification.valid_until >= today),
        )
        .group_by(Qualification.user_id)
        .subquery()
    )
    query = (
        select(User, best.c.until)
        .outerjoin(best, best.c.user_id == User.id)
        .where(
            User.active.is_(True),
            best.c.until.is_(None) | (best.c.until <= today + timedelta(EXPIRY_WARNING_DAYS)),
        )
        .options(joinedload(User.department).joinedload(Department.parent))
        .order_by(User.name)
    )
    if department_id is not None:
        team_ids = select(Department.id).where(Department.parent_id == department_id)
        query = query.where(
            User.department_id.in_(team_ids) | (User.department_id == department_id)
        )
    by_department: dict = defaultdict(list)
    for user, until in db.session.execute(query).unique():
        if isinstance(until, str):  # SQLite returns MAX() of dates as text
            until = date.fromisoformat(until)
        entry = GateEntry(user, until, "missing" if until is None else "expiring")
        by_department[user.department].append(entry)
    return sorted(
        by_department.items(),
        key=lambda item: (item[0] is None, item[0].full_name if item[0] else ""),
    )


def qualifications_of(user: User) -> list[Qualification]:
    return list(
        db.session.scalars(
            select(Qualification)
            .where(Qualification.user_id == user.id)
            .order_by(Qualification.valid_until.desc().nulls_first(), Qualification.id.desc())
        )
    )


def history(user: User):
    """Activities the person attended (checked in, or given a result), latest first."""
    return db.session.scalars(
        select(Participation)
        .join(Participation.activity)
        .where(
            Participation.user_id == user.id,
            Participation.status == CONFIRMED,
            Participation.checked_in_at.is_not(None) | Participation.passed.is_not(None),
        )
        .options(joinedload(Participation.activity))
        .order_by(Activity.starts_at.desc())
    ).all()
