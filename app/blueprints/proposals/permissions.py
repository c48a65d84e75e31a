"""Who sees a proposal and who may take which step.

- The proposers (lead and co-proposers) see their own proposals at every step; only the lead
  edits, submits or deletes a draft. Nobody else sees a draft.
- The **department head** gives the workshop's opinion. A workshop's heads are the people the
  union office designates on /proposals/settings (one or more per workshop); a workshop
  without a designated head has its opinion given by the review committee instead.
- The **review committee** is the union organizers (with the chairman, the administrator):
  they see every submitted proposal, score it, decide, follow the implementation and award.
- The **owner** of an adopted proposal sees it and records its completion and benefit.
- Safety officers see the proposals of the category "safety" (the old safety suggestions).
"""

from sqlalchemy import select

from app.extensions import db
from app.models import Role
from app.models.proposals import DepartmentHead, Proposal, ProposalCategory, ProposalStatus
from app.services.departments import headed_workshops
from app.services.roles import holder_ids

COMMITTEE = (Role.ORGANIZER, Role.ADMIN)


def is_committee(user) -> bool:
    return user.has_role(*COMMITTEE)


def headed_departments(user) -> set[int]:
    """The workshops whose opinion this user gives."""
    return headed_workshops(user)


def department_has_head(department_id: int | None) -> bool:
    if department_id is None:
        return False
    return (
        db.session.scalar(
            select(DepartmentHead.user_id).where(DepartmentHead.department_id == department_id)
        )
        is not None
    )


def head_ids(department_id: int | None) -> list[int]:
    """Who is told that a proposal waits for the workshop's opinion."""
    if department_id is not None:
        ids = list(
            db.session.scalars(
                select(DepartmentHead.user_id).where(DepartmentHead.department_id == department_id)
            )
        )
        if ids:
            return ids
    return committee_ids()


def committee_ids() -> list[int]:
    return holder_ids(*COMMITTEE)


def is_proposer(user, proposal: Proposal) -> bool:
    return user.id in proposal.author_ids


def can_see(user, proposal: Proposal) -> bool:
    if is_proposer(user, proposal):
        return True
    if proposal.status is ProposalStatus.DRAFT:
        return False
    return (
        is_committee(user)
        or proposal.owner_id == user.id
        or proposal.department_id in headed_departments(user)
        or (proposal.category is ProposalCategory.SAFETY and user.has_role(Role.SAFETY_OFFICER))
    )


def can_edit(user, proposal: Proposal) -> bool:
    return proposal.status is ProposalStatus.DRAFT and proposal.author_id == user.id


def can_give_opinion(user, proposal: Proposal) -> bool:
    if proposal.status is not ProposalStatus.SUBMITTED:
        return False
    if proposal.department_id in headed_departments(user):
        return True
    return is_committee(user) and not department_has_head(proposal.department_id)


def can_review(user, proposal: Proposal) -> bool:
    """Score and decide: the committee, while the proposal is before it."""
    return is_committee(user) and proposal.status in (
        ProposalStatus.REVIEWING,
        ProposalStatus.TRIAL,
        ProposalStatus.FILED,
    )


def can_revoke(user, proposal: Proposal) -> bool:
    return is_committee(user) and proposal.status in (
        ProposalStatus.ADOPTED,
        ProposalStatus.IMPLEMENTED,
        ProposalStatus.AWARDED,
    )


def can_complete(user, proposal: Proposal) -> bool:
    return proposal.status is ProposalStatus.ADOPTED and (
        is_committee(user) or proposal.owner_id == user.id
    )


def can_award(user, proposal: Proposal) -> bool:
    return proposal.status is ProposalStatus.IMPLEMENTED and is_committee(user)


def waiting_steps(user, proposal: Proposal, scored: bool) -> set[str]:
    """The steps of the proposal page that wait for this user now (`scored`: they have
    scored it): the page opens their forms. A withdrawal never waits for anyone."""
    steps = set()
    if can_give_opinion(user, proposal):
        steps.add("opinion")
    if can_review(user, proposal) and proposal.status is not ProposalStatus.FILED:
        steps.add("decision" if scored or proposal.status is ProposalStatus.TRIAL else "score")
    if can_complete(user, proposal) and proposal.owner_id == user.id:
        steps.add("completion")
    if can_award(user, proposal):
        steps.add("award")
    return steps


def sees_statistics(user) -> bool:
    return is_committee(user)
