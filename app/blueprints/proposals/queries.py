"""Read-side selects for the proposal pages: the lists (paginated), the detail."""

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Role, User
from app.models.proposals import (
    DepartmentHead,
    Proposal,
    ProposalAuthor,
    ProposalCategory,
    ProposalEvent,
    ProposalReview,
    ProposalStatus,
)

from . import permissions

PER_PAGE = 20
TABS = ("mine", "todo", "all")


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class _Who(NamedTuple):
    """Whom a clause is for: their id (a value, or a bind parameter in a statement built once)
    and the two roles that change the clause's shape."""

    id: object
    committee: bool
    safety: bool

    @classmethod
    def of(cls, user) -> "_Who":
        return cls(user.id, permissions.is_committee(user), user.has_role(Role.SAFETY_OFFICER))


def _authored(user_id):
    return Proposal.id.in_(
        select(ProposalAuthor.proposal_id).where(ProposalAuthor.user_id == user_id)
    )


def _headed(user_id):
    return Proposal.department_id.in_(
        select(DepartmentHead.department_id).where(DepartmentHead.user_id == user_id)
    )


def visible_clause(user):
    """The SQL twin of `permissions.can_see`."""
    return _visible(_Who.of(user))


def _visible(who: _Who):
    if who.committee:
        others = Proposal.status != ProposalStatus.DRAFT
    else:
        parts = [Proposal.owner_id == who.id, _headed(who.id)]
        if who.safety:
            parts.append(Proposal.category == ProposalCategory.SAFETY)
        others = and_(Proposal.status != ProposalStatus.DRAFT, or_(*parts))
    return or_(_authored(who.id), others)


def todo_clause(user):
    """What waits for this person: an opinion, a review, an implementation."""
    return _todo_where(_Who.of(user))


def _todo_where(who: _Who):
    no_head = ~Proposal.department_id.in_(select(DepartmentHead.department_id)) | (
        Proposal.department_id.is_(None)
    )
    parts = [
        and_(Proposal.status == ProposalStatus.SUBMITTED, _headed(who.id)),
        and_(
            Proposal.status.in_((ProposalStatus.ADOPTED, ProposalStatus.TRIAL)),
            Proposal.owner_id == who.id,
        ),
    ]
    if who.committee:
        parts.append(and_(Proposal.status == ProposalStatus.SUBMITTED, no_head))
        parts.append(Proposal.status.in_((ProposalStatus.REVIEWING, ProposalStatus.TRIAL)))
        parts.append(Proposal.status == ProposalStatus.IMPLEMENTED)
    return or_(*parts)


def proposal_page(user, tab: str, page: int, category=None, status=None) -> Page:
    where = {
        "mine": _authored(user.id),
        "todo": and_(visible_clause(user), todo_clause(user)),
        "all": visible_clause(user),
    }[tab]
    query = select(Proposal).where(where)
    if category is not None:
        query = query.where(Proposal.category == category)
    if status is not None:
        query = query.where(Proposal.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.options(
            joinedload(Proposal.author),
            selectinload(Proposal.authors),
            joinedload(Proposal.department),
        )
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items, total, page)


def todo_count(user) -> int:
    return db.session.scalar(
        select(func.count(Proposal.id)).where(visible_clause(user), todo_clause(user))
    )


def card_counts(user) -> tuple[int, int]:
    """(proposals waiting for `user`, their drafts): one statement for the home card."""
    who = _Who.of(user)
    statement = _card_statement(who.committee, who.safety)
    return tuple(db.session.execute(statement, {"user_id": user.id}).one())


@cache
def _card_statement(committee: bool, safety: bool):
    """Built once a process for each shape of clause (see app/blueprints/README.md)."""
    who = _Who(bindparam("user_id"), committee, safety)
    todo = select(func.count(Proposal.id)).where(_visible(who), _todo_where(who))
    drafts = select(func.count(Proposal.id)).where(
        Proposal.author_id == who.id, Proposal.status == ProposalStatus.DRAFT
    )
    return select(todo.scalar_subquery(), drafts.scalar_subquery())


def detail(proposal_id: int) -> Proposal | None:
    return db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            joinedload(Proposal.author),
            joinedload(Proposal.owner),
            joinedload(Proposal.department),
            selectinload(Proposal.authors).joinedload(ProposalAuthor.user),
            selectinload(Proposal.events).joinedload(ProposalEvent.actor),
        )
    )


def reviews(proposal: Proposal) -> list[ProposalReview]:
    return list(
        db.session.scalars(
            select(ProposalReview)
            .where(ProposalReview.proposal_id == proposal.id)
            .options(joinedload(ProposalReview.reviewer))
            .order_by(ProposalReview.id)
        )
    )


def people_options() -> list[tuple[str, str]]:
    """Active people to choose as an owner or a department head: name · department."""
    rows = db.session.scalars(
        select(User)
        .where(User.active.is_(True))
        .options(joinedload(User.department))
        .order_by(User.name)
    )
    return [
        (str(u.id), f"{u.name} · {u.department.name}" if u.department else u.name) for u in rows
    ]
