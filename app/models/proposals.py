"""Rationalisation proposals (合理化建议, 以勤建家): from a draft through the department's
opinion and the committee's review to the measured benefit and the award.

A proposal has one lead proposer and any co-proposers, each with a share (percent) of the
credit; the shares add up to 100. Every step is an append-only `ProposalEvent` whose note is
the reason the proposers read; `Proposal.status` is kept in step with the latest event.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, str_enum, utcnow


class ProposalCategory(enum.StrEnum):
    PROCESS = "process"
    EQUIPMENT = "equipment"
    QUALITY = "quality"
    SAFETY = "safety"
    ENERGY = "energy"
    REUSE = "reuse"
    MANAGEMENT = "management"
    OTHER = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    ProposalCategory.PROCESS: _l("Production process"),
    ProposalCategory.EQUIPMENT: _l("Equipment"),
    ProposalCategory.QUALITY: _l("Quality"),
    ProposalCategory.SAFETY: _l("Safety"),
    ProposalCategory.ENERGY: _l("Saving energy and materials"),
    ProposalCategory.REUSE: _l("Repairing and reusing"),
    ProposalCategory.MANAGEMENT: _l("Management"),
    ProposalCategory.OTHER: _l("Other"),
}


class ProposalStatus(enum.StrEnum):
    DRAFT = "draft"  # the proposer's, not yet sent
    SUBMITTED = "submitted"  # waits for the department head's opinion
    REVIEWING = "reviewing"  # with the review committee
    TRIAL = "trial"  # to be tried first
    FILED = "filed"  # kept for later
    DECLINED = "declined"
    ADOPTED = "adopted"  # being implemented
    IMPLEMENTED = "implemented"  # done, benefit measured
    AWARDED = "awarded"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ProposalStatus.DRAFT: _l("Draft"),
    ProposalStatus.SUBMITTED: _l("Awaiting the department"),
    ProposalStatus.REVIEWING: _l("Under review"),
    ProposalStatus.TRIAL: _l("On trial"),
    ProposalStatus.FILED: _l("Filed for later"),
    ProposalStatus.DECLINED: _l("Declined"),
    ProposalStatus.ADOPTED: _l("Adopted, being implemented"),
    ProposalStatus.IMPLEMENTED: _l("Implemented"),
    ProposalStatus.AWARDED: _l("Awarded"),
}

# Adopted in the end (whatever happened after): what the statistics and competitions count.
ADOPTED_STATUSES = (ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED, ProposalStatus.AWARDED)
DONE_STATUSES = (ProposalStatus.IMPLEMENTED, ProposalStatus.AWARDED)


class Decision(enum.StrEnum):
    ADOPT = "adopt"
    TRIAL = "trial"
    FILE = "file"
    DECLINE = "decline"

    @property
    def label(self):
        return DECISION_LABELS[self]

    @property
    def status(self) -> ProposalStatus:
        return {
            Decision.ADOPT: ProposalStatus.ADOPTED,
            Decision.TRIAL: ProposalStatus.TRIAL,
            Decision.FILE: ProposalStatus.FILED,
            Decision.DECLINE: ProposalStatus.DECLINED,
        }[self]


DECISION_LABELS = {
    Decision.ADOPT: _l("Adopt"),
    Decision.TRIAL: _l("Try it first"),
    Decision.FILE: _l("File for later"),
    Decision.DECLINE: _l("Decline"),
}


class AwardGrade(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    ENCOURAGEMENT = "encouragement"

    @property
    def label(self):
        return AWARD_LABELS[self]


AWARD_LABELS = {
    AwardGrade.FIRST: _l("First prize"),
    AwardGrade.SECOND: _l("Second prize"),
    AwardGrade.THIRD: _l("Third prize"),
    AwardGrade.ENCOURAGEMENT: _l("Encouragement award"),
}


class ProposalAction(enum.StrEnum):
    CREATE = "create"
    SUBMIT = "submit"
    RECOMMEND = "recommend"
    NOT_RECOMMEND = "not_recommend"
    SCORE = "score"
    DECIDE = "decide"
    REVOKE = "revoke"
    COMPLETE = "complete"
    AWARD = "award"
    ANSWER = "answer"  # a reply without a change of state (a migrated safety answer)

    @property
    def label(self):
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ProposalAction.CREATE: _l("Draft saved"),
    ProposalAction.SUBMIT: _l("Submitted"),
    ProposalAction.RECOMMEND: _l("Recommended by the department"),
    ProposalAction.NOT_RECOMMEND: _l("Not recommended by the department"),
    ProposalAction.SCORE: _l("Scored by the committee"),
    ProposalAction.DECIDE: _l("Committee decision"),
    ProposalAction.REVOKE: _l("Adoption withdrawn"),
    ProposalAction.COMPLETE: _l("Implementation completed"),
    ProposalAction.AWARD: _l("Award given"),
    ProposalAction.ANSWER: _l("Answer"),
}


class Criterion(enum.StrEnum):
    """The review rubric; each criterion's weight is the most points it can give."""

    TECHNICAL = "technical"
    ECONOMIC = "economic"
    SCOPE = "scope"
    PRACTICALITY = "practicality"

    @property
    def label(self):
        return CRITERION_LABELS[self]


CRITERION_LABELS = {
    Criterion.TECHNICAL: _l("Technical level"),
    Criterion.ECONOMIC: _l("Economic benefit"),
    Criterion.SCOPE: _l("Range of application"),
    Criterion.PRACTICALITY: _l("Practicality"),
}
DEFAULT_WEIGHTS = {
    Criterion.TECHNICAL: 30,
    Criterion.ECONOMIC: 30,
    Criterion.SCOPE: 20,
    Criterion.PRACTICALITY: 20,
}


class RubricWeight(db.Model):
    """The weight of one criterion (its most points); the four add up to 100."""

    __tablename__ = "proposal_rubric_weights"

    criterion: Mapped[Criterion] = mapped_column(str_enum(Criterion), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer)


class DepartmentHead(db.Model):
    """Who gives a workshop's opinion on its proposals (one or more people per workshop)."""

    __tablename__ = "proposal_department_heads"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    department = relationship("Department")
    user = relationship("User")


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_status_submitted_at", "status", "submitted_at"),
        Index("ix_proposals_department_submitted_at", "department_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[ProposalCategory] = mapped_column(str_enum(ProposalCategory), index=True)
    current_state: Mapped[str] = mapped_column(Text, default="")
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.DRAFT, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The lead proposer's workshop when it was submitted: the statistics count it there.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The department head's opinion.
    recommended: Mapped[bool | None]
    department_note: Mapped[str | None] = mapped_column(Text)
    department_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The committee: the average of the reviewers' rubric totals, and its decision.
    score: Mapped[float | None] = mapped_column(Numeric(6, 2, asdecimal=False))
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Implementation.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    plan: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    benefit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 元 a year, measured
    benefit_method: Mapped[str | None] = mapped_column(Text)
    award_grade: Mapped[AwardGrade | None] = mapped_column(str_enum(AwardGrade))
    award_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the daily job last told the owner that the due date has passed.
    overdue_alerted_on: Mapped[date | None] = mapped_column(Date)
    # A safety suggestion this proposal was made from (old links keep working).
    legacy_suggestion_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    department = relationship("Department")
    department_by = relationship("User", foreign_keys=[department_by_id])
    owner = relationship("User", foreign_keys=[owner_id])
    authors: Mapped[list["ProposalAuthor"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="(ProposalAuthor.is_lead.desc(), ProposalAuthor.share.desc())",
    )
    events: Mapped[list["ProposalEvent"]] = relationship(
        back_populates="proposal", order_by="ProposalEvent.id", cascade="all, delete-orphan"
    )

    @property
    def author_ids(self) -> list[int]:
        return [a.user_id for a in self.authors]

    def is_overdue(self, today: date) -> bool:
        return (
            self.status in (ProposalStatus.ADOPTED, ProposalStatus.TRIAL)
            and self.due_on is not None
            and self.due_on < today
        )


class ProposalAuthor(db.Model):
    """A proposer and their share (percent) of the proposal."""

    __tablename__ = "proposal_authors"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    share: Mapped[int] = mapped_column(Integer)
    is_lead: Mapped[bool] = mapped_column(default=False)

    proposal: Mapped[Proposal] = relationship(back_populates="authors")
    user = relationship("User")


class ProposalReview(db.Model):
    """One committee member's rubric scores for a proposal (scored again: replaced)."""

    __tablename__ = "proposal_reviews"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    technical: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    economic: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    scope: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    practicality: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    total: Mapped[float] = mapped_column(Numeric(6, 1, asdecimal=False))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer = relationship("User")


class ProposalEvent(db.Model):
    """One step in a proposal's life; the note is what the proposers read. Only ever added."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[ProposalAction] = mapped_column(str_enum(ProposalAction))
    from_status: Mapped[ProposalStatus | None] = mapped_column(str_enum(ProposalStatus))
    to_status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    actor = relationship("User")


class ProposalPhoto(db.Model):
    """A picture of the current state or the change, stored by content like hazard photos."""

    __tablename__ = "proposal_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
