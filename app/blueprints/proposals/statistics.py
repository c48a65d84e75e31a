"""The figures union reports need, per month and workshop.

Definitions (the page says them too):
- a proposal counts in the month it was **sent in** (local time) and in the workshop of its
  lead proposer at that moment; drafts never count;
- members: active accounts of the workshop and its teams, as they are now;
- proposers: members of the workshop who are a proposer or co-proposer of a proposal sent in
  that month (wherever that proposal counts); participation rate = proposers ÷ members;
- adopted: of that month's proposals, those adopted (and still adopted: being implemented,
  implemented or awarded); implemented: implemented or awarded; benefit: the measured annual
  benefit of the implemented ones; awards: how many were awarded, and the amounts.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.models import Department, User
from app.models.proposals import (
    ADOPTED_STATUSES,
    DONE_STATUSES,
    Proposal,
    ProposalAuthor,
    ProposalStatus,
)
from app.scorecard import half_up
from app.services.inputs import local_zone


@dataclass
class Row:
    department_id: int | None
    name: str
    members: int = 0
    proposals: int = 0
    proposers: set = field(default_factory=set)
    adopted: int = 0
    implemented: int = 0
    benefit: Decimal = Decimal(0)
    awards: int = 0
    award_amount: Decimal = Decimal(0)

    @property
    def participants(self) -> int:
        return len(self.proposers)

    @property
    def per_member(self) -> float | None:
        return half_up(self.proposals, self.members) if self.members else None

    @property
    def participation(self) -> float | None:
        """Percent of members who proposed, one decimal."""
        return half_up(100 * len(self.proposers), self.members, 1) if self.members else None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = local_zone()
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end, time(), zone).astimezone(UTC),
    )


def previous_months(month: date, count: int) -> list[date]:
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(date(year, number, 1))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return list(reversed(months))


def _workshops() -> tuple[list[Department], dict[int, int]]:
    """The workshops by name, and each department's workshop."""
    departments = db.session.scalars(select(Department)).all()
    workshop_of = {d.id: d.parent_id or d.id for d in departments}
    workshops = sorted((d for d in departments if d.parent_id is None), key=lambda d: d.name)
    return workshops, workshop_of


def month_report(month: date) -> tuple[list[Row], Row]:
    """One row per workshop (and one for proposals of people in no workshop, if any), and the
    total row, for the month that contains `month`."""
    workshops, workshop_of = _workshops()
    rows = {w.id: Row(w.id, w.name) for w in workshops}
    total = Row(None, "")
    # The members counted by the database, per department: not one row per member.
    for department_id, members in db.session.execute(
        select(User.department_id, func.count()).where(User.active).group_by(User.department_id)
    ):
        workshop = workshop_of.get(department_id)
        if workshop in rows:
            rows[workshop].members += members
        total.members += members
    low, high = month_bounds(month)
    # Only the columns the figures read, not whole proposals with their texts.
    proposals = db.session.execute(
        select(
            Proposal.id,
            Proposal.department_id,
            Proposal.status,
            Proposal.benefit,
            Proposal.award_amount,
        ).where(
            Proposal.status != ProposalStatus.DRAFT,
            Proposal.submitted_at >= low,
            Proposal.submitted_at < high,
        )
    ).all()
    for proposal in proposals:
        row = rows.get(proposal.department_id)
        if row is None:
            row = rows.setdefault(proposal.department_id, Row(proposal.department_id, "–"))
        for target in (row, total):
            target.proposals += 1
            if proposal.status in ADOPTED_STATUSES:
                target.adopted += 1
            if proposal.status in DONE_STATUSES:
                target.implemented += 1
                target.benefit += proposal.benefit or 0
            if proposal.status is ProposalStatus.AWARDED:
                target.awards += 1
                target.award_amount += proposal.award_amount or 0
    ids = [p.id for p in proposals]
    authors = (
        db.session.execute(
            select(ProposalAuthor.user_id, User.department_id, User.active)
            .join(User, User.id == ProposalAuthor.user_id)
            .where(ProposalAuthor.proposal_id.in_(ids))
        ).all()
        if ids
        else []
    )
    for user_id, department_id, active in authors:
        if not active:
            continue  # not a member any more: not in the members either
        workshop = workshop_of.get(department_id)
        if workshop in rows:
            rows[workshop].proposers.add(user_id)
        total.proposers.add(user_id)
    return list(rows.values()), total


@dataclass
class MonthTotal:
    month: date
    proposals: int = 0
    adopted: int = 0
    benefit: Decimal = Decimal(0)


def trend(month: date, count: int = 12) -> list[MonthTotal]:
    """The totals of the `count` months up to `month`, oldest first: one statement, each
    month's figures summed by the database between its bounds (local months), so no
    proposal is read as a row."""
    months = previous_months(month, count)
    sent_in = Proposal.status != ProposalStatus.DRAFT
    adopted = Proposal.status.in_(ADOPTED_STATUSES)
    done = Proposal.status.in_(DONE_STATUSES)
    columns = []
    for m in months:
        low, high = month_bounds(m)
        within = and_(sent_in, Proposal.submitted_at >= low, Proposal.submitted_at < high)
        columns += [
            func.count(case((within, 1))),
            func.count(case((and_(within, adopted), 1))),
            func.coalesce(func.sum(case((and_(within, done), Proposal.benefit))), 0),
        ]
    first, _ = month_bounds(months[0])
    _, last = month_bounds(months[-1])
    figures = db.session.execute(
        select(*columns).where(
            sent_in, Proposal.submitted_at >= first, Proposal.submitted_at < last
        )
    ).one()
    return [
        MonthTotal(m, figures[3 * i], figures[3 * i + 1], Decimal(figures[3 * i + 2]))
        for i, m in enumerate(months)
    ]
