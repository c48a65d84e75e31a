"""Points from the records, by a competition's rules, computed when read (never stored).

Each rule gives `points` per unit of its source (`PointSource.unit`), for records that fall
within the competition (from its start to its end) and belong to people in its audience:

- adopted proposals: decided (adopted, and still adopted) within the competition; the
  proposers share the points by their shares;
- benefit: the measured annual benefit of proposals reported done within it, per 10,000
  yuan, shared the same way;
- verified hazards: hazards reported within it and verified as rectified (closed); a
  rejected or still open hazard gives nothing;
- patrols on plan: finished patrols within it of an area the inspector has a plan for;
- trainings passed and drill scores: trainings and drills that ended within it.

Withdrawing a record (an adoption withdrawn, a hazard rejected) takes its points away at
once, and changing a rule recomputes every standing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.blueprints.activities.queries import confirmed_participants, ranked, round_scores
from app.extensions import db
from app.models import Department, User
from app.models.activities import Activity, ActivityKind, CompetitionMode, Participation
from app.models.competitions import CompetitionRule, PointSource
from app.models.hazards import Hazard, HazardStatus
from app.models.proposals import (
    ADOPTED_STATUSES,
    DONE_STATUSES,
    Proposal,
    ProposalAuthor,
)
from app.models.safety import Area, Patrol, PatrolPlan, PatrolStatus, PlanPeriod

BENEFIT_UNIT = Decimal(10000)


@dataclass
class Entry:
    """Points one person got from one record."""

    user_id: int
    source: PointSource | None  # None: the organizer's round scores
    label: str
    url: str | None  # None: shown as plain text (the viewer may not open the record)
    points: float
    record_id: int | None = None  # the proposal, hazard or patrol, for `openable_only`


@dataclass
class Standing:
    rank: int
    name: str
    team: str
    organizer: float = 0.0
    by_source: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)
    members: list = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(self.organizer + sum(self.by_source.values()), 2)


def rule_rows(activity: Activity) -> dict[PointSource, CompetitionRule]:
    """The competition's rules, by the source of points each rules."""
    return {
        rule.source: rule
        for rule in db.session.scalars(
            select(CompetitionRule).where(CompetitionRule.activity_id == activity.id)
        )
    }


def rules_of(activity: Activity) -> dict[PointSource, float]:
    return {source: rule.points for source, rule in rule_rows(activity).items()}


def _in_audience(activity: Activity):
    """A filter on User for the competition's audience (no departments: everyone)."""
    ids = [d.id for d in activity.departments]
    if not ids:
        return User.active.is_(True)
    teams = select(Department.id).where(Department.parent_id.in_(ids))
    return and_(User.active.is_(True), User.department_id.in_(ids) | User.department_id.in_(teams))


def _window(column, activity):
    return and_(column >= activity.starts_at, column < activity.ends_at)


def rule_entries(activity: Activity, rules: dict | None = None) -> list[Entry]:
    """Every entry the competition's rules give, rule by rule in the order of `_RULES`."""
    rules = rules_of(activity) if rules is None else rules
    return [
        Entry(uid, source, label, url, points, record_id)
        for source, entries_of in _RULES.items()
        if (each := rules.get(source)) is not None
        for uid, label, url, points, record_id in entries_of(activity, each)
    ]


def _counted(statement, person, moment, activity: Activity, group_by=()):
    """`statement` kept to the records of people in the competition's audience (`person`: the
    column of their user id) made within the competition (`moment`: the column of when), in
    the order they were made: a person's entries read as a story, not by record number.
    Grouped (`group_by`), a group comes at its first record."""
    statement = statement.join(User, User.id == person).where(
        _window(moment, activity), _in_audience(activity)
    )
    if group_by:
        return statement.group_by(*group_by).order_by(func.min(moment))
    return statement.order_by(moment)


# Each rule's entries: (user id, label, url, points, record id) for `each` points per unit;
# the record id is given where opening the record is not everyone's (`openable_only`), else
# None (activities, exams and the study page open to every worker).


def _adopted(activity, each):
    rows = db.session.execute(
        _counted(
            select(Proposal.id, Proposal.title, ProposalAuthor.user_id, ProposalAuthor.share)
            .join(ProposalAuthor, ProposalAuthor.proposal_id == Proposal.id)
            .where(Proposal.status.in_(ADOPTED_STATUSES)),
            ProposalAuthor.user_id,
            Proposal.decided_at,
            activity,
        )
    )
    for pid, title, uid, share in rows:
        url = url_for("proposals.show", proposal_id=pid)
        yield uid, _proposal_label(title, share), url, round(each * share / 100, 2), pid


def _benefit(activity, each):
    rows = db.session.execute(
        _counted(
            select(
                Proposal.id,
                Proposal.title,
                Proposal.benefit,
                ProposalAuthor.user_id,
                ProposalAuthor.share,
            )
            .join(ProposalAuthor, ProposalAuthor.proposal_id == Proposal.id)
            .where(Proposal.status.in_(DONE_STATUSES)),
            ProposalAuthor.user_id,
            Proposal.completed_at,
            activity,
        )
    )
    for pid, title, benefit, uid, share in rows:
        value = float(Decimal(each) * (benefit or 0) / BENEFIT_UNIT * share / 100)
        label = _(
            "%(title)s: %(amount)s yuan a year, %(share)d %%",
            title=title,
            amount=f"{benefit or 0:,.0f}",
            share=share,
        )
        yield uid, label, url_for("proposals.show", proposal_id=pid), round(value, 2), pid


def _hazards(activity, each):
    rows = db.session.execute(
        _counted(
            select(Hazard.id, Hazard.title, Hazard.reporter_id).where(
                Hazard.status == HazardStatus.CLOSED
            ),
            Hazard.reporter_id,
            Hazard.created_at,
            activity,
        )
    )
    for hid, title, uid in rows:
        yield uid, title, url_for("safety.hazard", hazard_id=hid), each, hid


def _patrols(activity, each):
    rows = db.session.execute(
        _counted(
            select(Patrol.id, Patrol.inspector_id, Patrol.started_at, Area.name)
            .join(Area, Area.id == Patrol.area_id)
            .join(
                PatrolPlan,
                and_(
                    PatrolPlan.inspector_id == Patrol.inspector_id,
                    PatrolPlan.area_id == Patrol.area_id,
                ),
            )
            .where(
                Patrol.status == PatrolStatus.FINISHED,
                # in force when the patrol was made, as the plan stands or in a past period: a
                # plan stopped or changed since keeps its patrols
                or_(
                    and_(
                        PatrolPlan.created_at <= Patrol.finished_at,
                        or_(
                            PatrolPlan.stopped_at.is_(None),
                            PatrolPlan.stopped_at >= Patrol.finished_at,
                        ),
                    ),
                    PatrolPlan.past.any(
                        and_(
                            PlanPeriod.started_at <= Patrol.finished_at,
                            PlanPeriod.stopped_at >= Patrol.finished_at,
                        )
                    ),
                ),
            ),
            Patrol.inspector_id,
            Patrol.finished_at,
            activity,
        )
    )
    for patrol_id, uid, started_at, area in rows:
        # named as the patrol list and a hazard's page name it: when it began, where
        label = f"{format_datetime(started_at, 'short')} · {area}"
        yield uid, label, url_for("safety.patrol", patrol_id=patrol_id), each, patrol_id


def _trainings(activity, each):
    for aid, title, uid, _score in _participations(activity, ActivityKind.TRAINING):
        yield uid, title, url_for("activities.show", activity_id=aid), round(each, 2), None


def _drills(activity, each):
    for aid, title, uid, score in _participations(activity, ActivityKind.DRILL):
        label = _("%(title)s: %(score)s points", title=title, score=f"{score:g}")
        url = url_for("activities.show", activity_id=aid)
        yield uid, label, url, round(each * (score or 0) / 100, 2), None


def _participations(activity, kind: ActivityKind):
    """Trainings passed, or drills scored, that ended within the competition."""
    other = aliased(Activity)
    condition = (
        Participation.passed.is_(True)
        if kind is ActivityKind.TRAINING
        else Participation.score.is_not(None)
    )
    return db.session.execute(
        _counted(
            select(other.id, other.title, Participation.user_id, Participation.score)
            .join(Participation, Participation.activity_id == other.id)
            .where(other.kind == kind, condition),
            Participation.user_id,
            other.ends_at,
            activity,
        )
    )


def _exams(activity, each):
    """An exam passed within the competition counts once per exam and person (its first pass)."""
    from app.models.library import Exam, ExamAttempt

    rows = db.session.execute(
        _counted(
            select(Exam.id, Exam.title, ExamAttempt.user_id, func.min(ExamAttempt.id))
            .join(ExamAttempt, ExamAttempt.exam_id == Exam.id)
            .where(ExamAttempt.passed.is_(True)),
            ExamAttempt.user_id,
            ExamAttempt.submitted_at,
            activity,
            group_by=(Exam.id, Exam.title, ExamAttempt.user_id),
        )
    )
    for exam_id, title, uid, _first in rows:
        yield uid, title, url_for("library.exam", exam_id=exam_id), each, None


def _daily(activity, each):
    from app.models.library import DailyAnswer

    rows = db.session.execute(
        _counted(
            select(DailyAnswer.user_id, func.count(DailyAnswer.id)).where(
                DailyAnswer.correct.is_(True)
            ),
            DailyAnswer.user_id,
            DailyAnswer.answered_at,
            activity,
            group_by=(DailyAnswer.user_id,),
        )
    )
    for uid, count in rows:
        label = _("%(n)d daily questions right", n=count)
        yield uid, label, url_for("library.study"), round(each * count, 2), None


_RULES = {
    PointSource.PROPOSAL_ADOPTED: _adopted,
    PointSource.PROPOSAL_BENEFIT: _benefit,
    PointSource.HAZARD_VERIFIED: _hazards,
    PointSource.PATROL_ON_PLAN: _patrols,
    PointSource.TRAINING_PASSED: _trainings,
    PointSource.DRILL_SCORE: _drills,
    PointSource.EXAM_PASSED: _exams,
    PointSource.DAILY_RIGHT: _daily,
}


def _proposal_label(title: str, share: int) -> str:
    return _("%(title)s (share %(share)d %%)", title=title, share=share)


def leaderboard(activity: Activity) -> tuple[list[Standing], list[Standing]]:
    """(people, teams), each ranked by total: the organizer's round scores plus the points
    of the rules, with every entry that made them."""
    entries = rule_entries(activity)
    participants = confirmed_participants(activity)
    scores = round_scores(activity)
    organizer: dict[int, float] = defaultdict(float)
    team_of_participant: dict[int, str] = {}
    by_participant = defaultdict(list)  # each person's scores, not every score for each person
    for (pid, _r), v in scores.items():
        by_participant[pid].append(v)
    for person in participants:
        total = sum(by_participant[person.id])
        if total:
            organizer[person.user_id] += total
        if activity.competition_mode is CompetitionMode.TEAM and person.team:
            team_of_participant[person.user_id] = person.team
    ids = set(organizer) | {e.user_id for e in entries}
    # names only, in one statement: loading the people as accounts reads their roles too,
    # one more statement every 500 people
    names = (
        {
            uid: (name, department)
            for uid, name, department in db.session.execute(
                select(User.id, User.name, Department.name)
                .outerjoin(Department, Department.id == User.department_id)
                .where(User.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    people: dict[int, Standing] = {}
    for uid in ids:
        name, department = names[uid]
        team = team_of_participant.get(uid) or (
            department if department is not None else _("No team")
        )
        people[uid] = Standing(0, name, team, organizer=round(organizer.get(uid, 0.0), 2))
    for entry in entries:
        standing = people[entry.user_id]
        standing.by_source[entry.source] = round(
            standing.by_source.get(entry.source, 0) + entry.points, 2
        )
        standing.entries.append(entry)
    teams: dict[str, Standing] = {}
    for standing in people.values():
        team = teams.setdefault(standing.team, Standing(0, standing.team, standing.team))
        team.organizer = round(team.organizer + standing.organizer, 2)
        for source, value in standing.by_source.items():
            team.by_source[source] = round(team.by_source.get(source, 0) + value, 2)
        team.members.append(standing.name)
    return _ranked(list(people.values())), _ranked(list(teams.values()))


def openable_only(standings: list[Standing], viewer) -> None:
    """Take the link off each entry whose record `viewer` may not open (a proposal they may
    not see led to 404, a hazard to 404, a patrol to 403): they read it as plain text. Each
    record's page decides by its feature's own check."""
    entries = [e for s in standings for e in s.entries if e.record_id is not None]
    shut = _shut(viewer, entries)
    for entry in entries:
        if (entry.source, entry.record_id) in shut:
            entry.url = None


def _shut(viewer, entries: list[Entry]) -> set[tuple[PointSource, int]]:
    """(source, record id) of the entries' records that `viewer` may not open."""
    from app.blueprints.proposals.permissions import can_see
    from app.blueprints.safety.permissions import can_see_hazard, is_network

    ids = defaultdict(set)
    for entry in entries:
        ids[entry.source].add(entry.record_id)
    proposal_ids = ids[PointSource.PROPOSAL_ADOPTED] | ids[PointSource.PROPOSAL_BENEFIT]
    hidden_proposals = {
        p.id
        for p in db.session.scalars(
            # can_see reads the authors: with the proposals, not one query each
            select(Proposal)
            .where(Proposal.id.in_(proposal_ids))
            .options(selectinload(Proposal.authors))
        )
        if not can_see(viewer, p)
    }
    hidden_hazards = {
        h.id
        for h in db.session.scalars(
            select(Hazard).where(Hazard.id.in_(ids[PointSource.HAZARD_VERIFIED]))
        )
        if not can_see_hazard(viewer, h)
    }
    # the patrol page is the network's (`patrol`: network_required), its own inspector included
    hidden_patrols = set() if is_network(viewer) else ids[PointSource.PATROL_ON_PLAN]
    return (
        {(s, i) for s in PROPOSAL_SOURCES for i in hidden_proposals}
        | {(PointSource.HAZARD_VERIFIED, i) for i in hidden_hazards}
        | {(PointSource.PATROL_ON_PLAN, i) for i in hidden_patrols}
    )


PROPOSAL_SOURCES = (PointSource.PROPOSAL_ADOPTED, PointSource.PROPOSAL_BENEFIT)


def _ranked(standings: list[Standing]) -> list[Standing]:
    return ranked([s for s in standings if s.total or s.entries or s.organizer])
