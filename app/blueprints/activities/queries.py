"""Reading activities and places: lists, counts, the waitlist order, the audience; results:
the leaderboard, qualifications and the qualification gate, a person's history."""

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Department, Role, User
from app.models._types import utcnow
from app.models.activities import (
    Activity,
    ActivityStatus,
    CompetitionMode,
    Participation,
    ParticipationStatus,
    Qualification,
    RoundScore,
)
from app.services.departments import own_departments
from app.services.inputs import local_today as local_today

CONFIRMED = ParticipationStatus.CONFIRMED
WAITLISTED = ParticipationStatus.WAITLISTED
CANCELLED = ParticipationStatus.CANCELLED
EXPIRY_WARNING_DAYS = 30


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ORGANIZER, Role.ADMIN)


# Who may sign up, and when, is decided twice, because it is needed twice: in SQL for the lists
# and the home card (`open_for_sign_up`, `signup_group`, `audience_of`), and in Python for one
# row in hand (`sign_up_refusal`, `signup_state`, `in_audience`: the sign-up itself and its
# page). tests/activities/test_signup_rule.py runs each pair over the same grid of audiences,
# departments, moments, statuses and capacities and asserts they agree: change both, or it fails.


def in_audience(user: User, activity: Activity) -> bool:
    """`audience_of` for one activity in Python (see the note above)."""
    if not activity.departments:
        return True
    ids = {d.id for d in activity.departments}
    department = user.department
    return department is not None and (department.id in ids or department.parent_id in ids)


def audience_clause(user: User):
    """SQL for 'this user is in the activity's audience'."""
    return audience_of(own_departments(user) or None)


def audience_of(ids):
    """SQL for 'the activity is open to everyone or to one of `ids`' (a person's
    `own_departments`, or a bind parameter that stands for them); None: open to everyone."""
    everyone = ~Activity.departments.any()
    return everyone if ids is None else everyone | Activity.departments.any(Department.id.in_(ids))


def confirmed_count(activity_id: int) -> int:
    return db.session.scalar(
        select(func.count(Participation.id)).where(
            Participation.activity_id == activity_id, Participation.status == CONFIRMED
        )
    )


def counts_by_activity(activity_ids) -> dict[int, dict[str, int]]:
    """{activity id: {"confirmed": n, "waitlisted": n, "checked_in": n}} in one query."""
    rows = db.session.execute(
        select(
            Participation.activity_id,
            func.count(Participation.id).filter(Participation.status == CONFIRMED),
            func.count(Participation.id).filter(Participation.status == WAITLISTED),
            func.count(Participation.checked_in_at).filter(Participation.status == CONFIRMED),
        )
        .where(Participation.activity_id.in_(list(activity_ids)))
        .group_by(Participation.activity_id)
    )
    counts = {aid: {"confirmed": 0, "waitlisted": 0, "checked_in": 0} for aid in activity_ids}
    for aid, confirmed, waitlisted, checked_in in rows:
        counts[aid] = {"confirmed": confirmed, "waitlisted": waitlisted, "checked_in": checked_in}
    return counts


def my_participation(user: User, activity: Activity, fresh=False) -> Participation | None:
    query = select(Participation).where(
        Participation.activity_id == activity.id, Participation.user_id == user.id
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


def my_participations(user: User, activity_ids) -> dict[int, Participation]:
    return {
        p.activity_id: p
        for p in db.session.scalars(
            select(Participation).where(
                Participation.user_id == user.id,
                Participation.activity_id.in_(list(activity_ids)),
            )
        )
    }


def waitlist_position(participation: Participation) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if participation.status is not WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Participation.id)).where(
            Participation.activity_id == participation.activity_id,
            Participation.status == WAITLISTED,
            (Participation.queued_at < participation.queued_at)
            | (
                (Participation.queued_at == participation.queued_at)
                & (Participation.id < participation.id)
            ),
        )
    )
    return ahead + 1


def activity_list(user: User, tab: str):
    """The select() behind one tab of the activities page: open, mine or past."""
    now = utcnow()
    query = select(Activity)
    if tab == "mine":
        mine = select(Participation.activity_id).where(
            Participation.user_id == user.id, Participation.status != CANCELLED
        )
        return query.where(Activity.id.in_(mine), Activity.ends_at > now).order_by(
            Activity.starts_at
        )
    if not can_manage(user):
        query = query.where(audience_clause(user))
    if tab == "past":
        return query.where(Activity.ends_at <= now).order_by(Activity.starts_at.desc())
    # What can be signed up for now comes first, as the home card counts it; then what opens
    # later, then what is still ahead but closed (the list shows each group under a heading).
    return query.where(
        Activity.ends_at > now, Activity.status == ActivityStatus.PUBLISHED
    ).order_by(signup_group(now), Activity.starts_at)


SIGNUP_OPEN, SIGNUP_LATER, SIGNUP_CLOSED = 0, 1, 2


def open_for_sign_up(now, ids):
    """SQL: a person in `ids` (`own_departments`, or a bind parameter for them; None: in no
    department) may sign up at `now`; `sign_up_refusal` is the same rule for one activity
    (tests/activities/test_signup_rule.py keeps them in step). Capacity is no bar: a full
    activity takes people on its waitlist."""
    return and_(
        Activity.status == ActivityStatus.PUBLISHED,
        Activity.signup_opens_at <= now,
        Activity.signup_closes_at > now,
        audience_of(ids),
    )


def sign_up_refusal(user: User, activity: Activity, now) -> str | None:
    """Why `user` may not sign up for `activity` at `now` ("cancelled", "later", "closed",
    "audience"), None if they may: `open_for_sign_up` for one activity in Python, which the
    sign-up service words as its refusal."""
    if activity.is_cancelled:
        return "cancelled"
    state = signup_state(activity, now)
    if state != SIGNUP_OPEN:
        return "later" if state == SIGNUP_LATER else "closed"
    if not in_audience(user, activity):
        return "audience"
    return None


def signup_group(now):
    """SQL: where an activity's sign-up stands at `now` (SIGNUP_OPEN/LATER/CLOSED); in Python,
    `signup_state`."""
    return case(
        (Activity.signup_opens_at > now, SIGNUP_LATER),
        (Activity.signup_closes_at <= now, SIGNUP_CLOSED),
        else_=SIGNUP_OPEN,
    )


def signup_state(activity: Activity, now) -> int:
    """`signup_group` for one activity in Python (tests/activities/test_signup_rule.py)."""
    if activity.signup_opens_at > now:
        return SIGNUP_LATER
    if activity.signup_closes_at <= now:
        return SIGNUP_CLOSED
    return SIGNUP_OPEN


def roster(activity: Activity) -> list[Participation]:
    """Everyone who signed up, confirmed first, then the waitlist in order, then cancelled."""
    order = {CONFIRMED: 0, WAITLISTED: 1, CANCELLED: 2}
    rows = db.session.scalars(
        select(Participation)
        .where(Participation.activity_id == activity.id)
        .options(
            joinedload(Participation.user).joinedload(User.department).joinedload(Department.parent)
        )
        .order_by(Participation.queued_at, Participation.id)
    ).all()
    return sorted(rows, key=lambda p: order[p.status])


def confirmed_participants(activity: Activity) -> list[Participation]:
    return list(
        db.session.scalars(
            select(Participation)
            .where(Participation.activity_id == activity.id, Participation.status == CONFIRMED)
            .options(
                joinedload(Participation.user)
                .joinedload(User.department)
                .joinedload(Department.parent),
                # their roles are not read: loaded with them, one more statement every 500
                joinedload(Participation.user).lazyload(User.role_rows),
            )
            .join(Participation.user)
            .order_by(User.name, Participation.id)
        ).unique()
    )


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
    return ranked(standings)


def ranked(standings: list) -> list:
    """`standings` (anything with `total`, `name` and `rank`) sorted highest total first, then
    by name, each given its rank; equal totals share a rank (1, 2, 2, 4)."""
    standings.sort(key=lambda s: (-s.total, s.name))
    for index, standing in enumerate(standings):
        previous = standings[index - 1] if index else None
        standing.rank = (
            previous.rank if previous and previous.total == standing.total else index + 1
        )
    return standings


# ---- Qualifications --------------------------------------------------------------------


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
