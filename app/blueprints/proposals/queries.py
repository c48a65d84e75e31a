"""Read-side selects for the proposal pages: the lists (paginated), the detail."""

from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select
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


def _authored(user):
    return Proposal.id.in_(
        select(ProposalAuthor.proposal_id).where(ProposalAuthor.user_id == user.id)
    )


def _headed(user):
    return Proposal.department_id.in_(
        select(DepartmentHead.department_id).where(DepartmentHead.user_id == user.id)
    )


def visible_clause(user):
    """The SQL twin of `permissions.can_see`."""
    if permissions.is_committee(user):
        others = Proposal.status != ProposalStatus.DRAFT
    else:
        parts = [Proposal.owner_id == user.id, _headed(user)]
        if user.has_role(Role.SAFETY_OFFICER):
            parts.append(Proposal.category == ProposalCategory.SAFETY)
        others = and_(Proposal.status != ProposalStatus.DRAFT, or_(*parts))
    return or_(_authored(user), others)


def todo_clause(user):
    """What waits for this person: an opinion, a review, an implementation."""
    no_head = ~Proposal.department_id.in_(select(DepartmentHead.department_id)) | (
        Proposal.department_id.is_(None)
    )
    parts = [
        and_(Proposal.status == ProposalStatus.SUBMITTED, _headed(user)),
        and_(
            Proposal.status.in_((ProposalStatus.ADOPTED, ProposalStatus.TRIAL)),
            Proposal.owner_id == user.id,
        ),
    ]
    if permissions.is_committee(user):
        parts.append(and_(Proposal.status == ProposalStatus.SUBMITTED, no_head))
        parts.append(Proposal.status.in_((ProposalStatus.REVIEWING, ProposalStatus.TRIAL)))
        parts.append(Proposal.status == ProposalStatus.IMPLEMENTED)
    return or_(*parts) if parts else false()


def proposal_page(user, tab: str, page: int, category=None, status=None) -> Page:
    where = {
        "mine": _authored(user),
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


def _todo(user):
    return select(func.count(Proposal.id)).where(visible_clause(user), todo_clause(user))


def todo_count(user) -> int:
    return db.session.scalar(_todo(user))


def card_counts(user) -> tuple[int, int]:
    """(proposals waiting for `user`, their drafts): one statement for the home card."""
    drafts = select(func.count(Proposal.id)).where(
        Proposal.author_id == user.id, Proposal.status == ProposalStatus.DRAFT
    )
    return tuple(
        db.session.execute(select(_todo(user).scalar_subquery(), drafts.scalar_subquery())).one()
    )


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
