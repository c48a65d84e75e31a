"""Rationalisation proposals (合理化建议, 以勤建家): from a draft through the department's
opinion and the committee's review to the measured benefit and the award.

A proposal has one lead proposer and any co-proposers, each with a share (percent) of the
credit; the shares add up to 100. Every step is an append-only `ProposalEvent` whose note is
the reason the proposers read; `Proposal.status` is kept in step with the latest event.
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import (
    NEVER_REUSED_IDS,
    DepartmentPerson,
    fk,
    outbox_id,
    picture_digest,
    timestamp,
    trail,
)


class ProposalCategory(LabelledEnum):
    PROCESS = "process", _l("Production process")
    EQUIPMENT = "equipment", _l("Equipment")
    QUALITY = "quality", _l("Quality")
    SAFETY = "safety", _l("Safety")
    ENERGY = "energy", _l("Saving energy and materials")
    REUSE = "reuse", _l("Repairing and reusing")
    MANAGEMENT = "management", _l("Management")
    OTHER = "other", _l("Other")


class ProposalStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Awaiting the department")
    REVIEWING = "reviewing", _l("Under review")
    TRIAL = "trial", _l("On trial")
    FILED = "filed", _l("Filed for later")
    DECLINED = "declined", _l("Declined")
    ADOPTED = "adopted", _l("Adopted, being implemented")
    IMPLEMENTED = "implemented", _l("Implemented")
    AWARDED = "awarded", _l("Awarded")


# Adopted in the end (whatever happened after): what the statistics and competitions count.
ADOPTED_STATUSES = (ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED, ProposalStatus.AWARDED)
DONE_STATUSES = (ProposalStatus.IMPLEMENTED, ProposalStatus.AWARDED)


class Decision(LabelledEnum):
    ADOPT = "adopt", _l("Adopt")
    TRIAL = "trial", _l("Try it first")
    FILE = "file", _l("File for later")
    DECLINE = "decline", _l("Decline")

    @property
    def status(self) -> ProposalStatus:
        return {
            Decision.ADOPT: ProposalStatus.ADOPTED,
            Decision.TRIAL: ProposalStatus.TRIAL,
            Decision.FILE: ProposalStatus.FILED,
            Decision.DECLINE: ProposalStatus.DECLINED,
        }[self]


class AwardGrade(LabelledEnum):
    FIRST = "first", _l("First prize")
    SECOND = "second", _l("Second prize")
    THIRD = "third", _l("Third prize")
    ENCOURAGEMENT = "encouragement", _l("Encouragement award")


class ProposalAction(LabelledEnum):
    CREATE = "create", _l("Draft saved")
    SUBMIT = "submit", _l("Submitted")
    RECOMMEND = "recommend", _l("Recommended by the department")
    NOT_RECOMMEND = "not_recommend", _l("Not recommended by the department")
    SCORE = "score", _l("Scored by the committee")
    DECIDE = "decide", _l("Committee decision")
    REVOKE = "revoke", _l("Adoption withdrawn")
    COMPLETE = "complete", _l("Implementation completed")
    AWARD = "award", _l("Award given")
    ANSWER = "answer", _l("Answer")


class Criterion(LabelledEnum):
    """The review rubric; each criterion's weight is the most points it can give."""

    TECHNICAL = "technical", _l("Technical level")
    ECONOMIC = "economic", _l("Economic benefit")
    SCOPE = "scope", _l("Range of application")
    PRACTICALITY = "practicality", _l("Practicality")


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


class DepartmentHead(DepartmentPerson, db.Model):
    """Who gives a workshop's opinion on its proposals (one or more people per workshop)."""

    __tablename__ = "proposal_department_heads"


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_status_submitted_at", "status", "submitted_at"),
        Index("ix_proposals_department_submitted_at", "department_id", "submitted_at"),
        # The list's order (newest change first): a page walks it, no sort of every row.
        Index("ix_proposals_updated_at_id", "updated_at", "id"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    title: Mapped[str] = mapped_column(String(120))
    # None only on a draft whose proposer has not chosen one yet: sending it in needs one.
    category: Mapped[ProposalCategory | None] = mapped_column(
        str_enum(ProposalCategory), index=True
    )
    current_state: Mapped[str] = mapped_column(Text, default="")
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.DRAFT, index=True
    )
    author_id: Mapped[int] = fk("users.id", "RESTRICT", index=True)
    # The lead proposer's workshop when it was submitted: the statistics count it there.
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL", index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The department head's opinion.
    recommended: Mapped[bool | None]
    department_note: Mapped[str | None] = mapped_column(Text)
    department_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    # The committee: the average of the reviewers' rubric totals, and its decision.
    score: Mapped[float | None] = mapped_column(Numeric(6, 2, asdecimal=False))
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Implementation.
    owner_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
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
    captured_at: Mapped[datetime] = timestamp()
    created_at: Mapped[datetime] = timestamp(index=True)
    updated_at: Mapped[datetime] = timestamp()

    author = relationship("User", foreign_keys=[author_id])
    department = relationship("Department")
    department_by = relationship("User", foreign_keys=[department_by_id])
    owner = relationship("User", foreign_keys=[owner_id])
    authors: Mapped[list["ProposalAuthor"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="(ProposalAuthor.is_lead.desc(), ProposalAuthor.share.desc())",
    )
    events: Mapped[list["ProposalEvent"]] = trail("ProposalEvent", back_populates="proposal")

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
    proposal_id: Mapped[int] = fk("proposals.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "RESTRICT", index=True)
    share: Mapped[int] = mapped_column(Integer)
    is_lead: Mapped[bool] = mapped_column(default=False)

    proposal: Mapped[Proposal] = relationship(back_populates="authors")
    user = relationship("User")


class ProposalReview(db.Model):
    """One committee member's rubric scores for a proposal (scored again: replaced)."""

    __tablename__ = "proposal_reviews"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = fk("proposals.id", "CASCADE", index=True)
    reviewer_id: Mapped[int] = fk("users.id", "RESTRICT")
    technical: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    economic: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    scope: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    practicality: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    total: Mapped[float] = mapped_column(Numeric(6, 1, asdecimal=False))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = timestamp()

    reviewer = relationship("User")


class ProposalEvent(db.Model):
    """One step in a proposal's life; the note is what the proposers read. Only ever added."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = fk("proposals.id", "CASCADE", index=True)
    actor_id: Mapped[int] = fk("users.id", "RESTRICT")
    action: Mapped[ProposalAction] = mapped_column(str_enum(ProposalAction))
    from_status: Mapped[ProposalStatus | None] = mapped_column(str_enum(ProposalStatus))
    to_status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = timestamp()

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    actor = relationship("User")


class ProposalPhoto(db.Model):
    """A picture of the current state or the change, stored by content like hazard photos."""

    __tablename__ = "proposal_photos"
    __table_args__ = NEVER_REUSED_IDS  # gone with a deleted draft; shown at /proposals/photos/<id>

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    proposal_id: Mapped[int] = fk("proposals.id", "CASCADE", index=True)
    sha256: Mapped[str] = picture_digest()
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = fk("users.id", "RESTRICT")
    created_at: Mapped[datetime] = timestamp()
