"""Care (以情爱家): needy-worker files, visits, major-event mutual aid and campaigns.

The most sensitive data in the app: only care officers (and the chairman, reading) may see
that a file exists. Every read of a file is audit-logged by the care blueprint.
Money is kept in yuan as Numeric(12, 2). Labels carry the "care" context, which keeps
these words apart from other features' (they live in the shell catalog).
"""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_pgettext
from sqlalchemy import Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum, utcnow
from app.models.columns import (
    NEVER_REUSED_IDS,
    TrailStep,
    document_key,
    fk,
    outbox_id,
    picture_digest,
    timestamp,
    trail,
)

Money = Numeric(12, 2)


class CareLevel(LabelledEnum):
    EXTREME = "extreme", lazy_pgettext("care", "Extreme hardship")  # 特困
    HARDSHIP = "hardship", lazy_pgettext("care", "Hardship")  # 困难
    TEMPORARY = "temporary", lazy_pgettext("care", "Temporary hardship")  # 临时困难


class CareCause(LabelledEnum):
    ILLNESS = "illness", lazy_pgettext("care", "Serious illness")
    DISABILITY = "disability", lazy_pgettext("care", "Disability")
    DISASTER = "disaster", lazy_pgettext("care", "Disaster or accident")
    SCHOOLING = "schooling", lazy_pgettext("care", "Children's schooling")
    SINGLE_PARENT = "single_parent", lazy_pgettext("care", "Single parent")
    OTHER = "other", lazy_pgettext("care", "Other cause")


class FileStatus(LabelledEnum):
    ACTIVE = "active", lazy_pgettext("care", "In care")
    EXITED = "exited", lazy_pgettext("care", "Out of hardship")  # 脱困


class SupportKind(LabelledEnum):
    MONEY = "money", lazy_pgettext("care", "Money")
    GOODS = "goods", lazy_pgettext("care", "Goods")
    SERVICE = "service", lazy_pgettext("care", "Service")


class ReviewOutcome(LabelledEnum):
    CONTINUE = "continue", lazy_pgettext("care", "Continue as is")
    CHANGE_LEVEL = "change_level", lazy_pgettext("care", "Change the level")
    EXIT = "exit", lazy_pgettext("care", "Out of hardship: close the file")


class ProposalStatus(LabelledEnum):
    PENDING = "pending", lazy_pgettext("care", "Waiting")
    ACCEPTED = "accepted", lazy_pgettext("care", "File opened")
    DECLINED = "declined", lazy_pgettext("care", "Not taken up")


class AidEventType(LabelledEnum):
    ILLNESS = "illness", lazy_pgettext("care", "Serious illness")
    HOSPITAL = "hospital", lazy_pgettext("care", "In hospital")
    BEREAVEMENT = "bereavement", lazy_pgettext("care", "Death in the family")
    DISASTER = "disaster", lazy_pgettext("care", "Disaster or accident")
    HAPPY = "happy", lazy_pgettext("care", "Happy event (wedding, birth)")
    OTHER = "other", lazy_pgettext("care", "Other major event")


class AidStatus(LabelledEnum):
    REPORTED = "reported", lazy_pgettext("care", "Reported")
    ACKNOWLEDGED = "acknowledged", lazy_pgettext("care", "Acknowledged")
    ACTING = "acting", lazy_pgettext("care", "Being helped")
    CLOSED = "closed", lazy_pgettext("care", "Closed")


class AidAction(LabelledEnum):
    REPORT = "report", lazy_pgettext("care", "Reported")
    ACKNOWLEDGE = "acknowledge", lazy_pgettext("care", "Acknowledged")
    ACT = "act", lazy_pgettext("care", "Help given")
    CLOSE = "close", lazy_pgettext("care", "Closed")
    COMMENT = "comment", lazy_pgettext("care", "Note")


class CampaignKind(LabelledEnum):
    WINTER = "winter", lazy_pgettext("care", "Winter warmth")  # 冬送温暖
    SUMMER = "summer", lazy_pgettext("care", "Summer cool")  # 夏送清凉
    HOLIDAY = "holiday", lazy_pgettext("care", "Holiday gifts")


class CareFile(db.Model):
    """A needy worker's file (困难职工档案): one open file per worker at a time."""

    __tablename__ = "care_files"
    __table_args__ = (Index("ix_care_files_status_review_due_on", "status", "review_due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = fk("users.id", "RESTRICT", index=True)
    level: Mapped[CareLevel] = mapped_column(str_enum(CareLevel), index=True)
    cause: Mapped[CareCause] = mapped_column(str_enum(CareCause))
    situation: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    emergency_contact: Mapped[str] = mapped_column(String(120), default="")
    opened_on: Mapped[date] = mapped_column(Date)
    review_due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[FileStatus] = mapped_column(str_enum(FileStatus), default=FileStatus.ACTIVE)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(Text)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp(onupdate=utcnow)

    worker = relationship("User", foreign_keys=[worker_id])
    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="file", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )
    supports: Mapped[list["CareSupport"]] = relationship(
        back_populates="file", order_by="CareSupport.given_on.desc(), CareSupport.id.desc()"
    )
    reviews: Mapped[list["CareReview"]] = relationship(
        back_populates="file", order_by="CareReview.reviewed_on.desc(), CareReview.id.desc()"
    )

    @property
    def household_size(self) -> int:
        return len(self.members)

    @property
    def household_income(self) -> Decimal:
        return sum((m.monthly_income or Decimal(0) for m in self.members), Decimal(0))

    @property
    def income_per_person(self) -> Decimal | None:
        if not self.members:
            return None
        return (self.household_income / len(self.members)).quantize(Decimal("0.01"))

    def review_overdue(self, today: date) -> bool:
        return self.status is FileStatus.ACTIVE and self.review_due_on < today


class HouseholdMember(db.Model):
    """One person of the worker's household (the worker included), with monthly income."""

    __tablename__ = "care_household_members"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = fk("care_files.id", "CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(40))
    relation: Mapped[str] = mapped_column(String(20))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    occupation: Mapped[str] = mapped_column(String(80), default="")
    health: Mapped[str] = mapped_column(String(120), default="")
    monthly_income: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    file: Mapped[CareFile] = relationship(back_populates="members")


class CareSupport(db.Model):
    """Support given to a file: money, goods or a service, with date, amount and source."""

    __tablename__ = "care_supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = fk("care_files.id", "CASCADE", index=True)
    kind: Mapped[SupportKind] = mapped_column(str_enum(SupportKind))
    given_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    description: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(80), default="")
    visit_id: Mapped[int | None] = fk("care_visits.id", "SET NULL")
    aid_request_id: Mapped[int | None] = fk("care_aid_requests.id", "SET NULL")
    recorded_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    file: Mapped[CareFile] = relationship(back_populates="supports")


class CareReview(db.Model):
    """The yearly review of a file: continue, change the level, or exit (脱困) with a reason."""

    __tablename__ = "care_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = fk("care_files.id", "CASCADE", index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome))
    from_level: Mapped[CareLevel] = mapped_column(str_enum(CareLevel))
    to_level: Mapped[CareLevel | None] = mapped_column(str_enum(CareLevel))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    file: Mapped[CareFile] = relationship(back_populates="reviews")
    reviewer = relationship("User")


class CareAttachment(db.Model):
    """A certificate or photo of a file, or a photo of a visit. Served only through the care
    blueprint's access-checked route."""

    __tablename__ = "care_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    file_id: Mapped[int | None] = fk("care_files.id", "CASCADE", index=True)
    visit_id: Mapped[int | None] = fk("care_visits.id", "CASCADE", index=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    path: Mapped[str] = document_key("care")  # or a synced photo's picture key
    sha256: Mapped[str] = picture_digest()  # or a PDF's, under care/
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CareProposal(db.Model):
    """A member proposed for a file by a team leader or a colleague. The proposer only ever
    learns that the union received it: an outcome would tell them whether a file exists."""

    __tablename__ = "care_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    proposer_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
    cause: Mapped[CareCause] = mapped_column(str_enum(CareCause))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.PENDING, index=True
    )
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_id: Mapped[int | None] = fk("care_files.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    worker = relationship("User", foreign_keys=[worker_id])
    proposer = relationship("User", foreign_keys=[proposer_id])


class VisitPlan(db.Model):
    """A visit plan (走访计划), e.g. 春节 for every 特困 file: whom to visit and who visits."""

    __tablename__ = "care_visit_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    closed: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    targets: Mapped[list["PlanTarget"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.id"
    )


class PlanTarget(db.Model):
    """One file of a plan and the care officer who is to visit it."""

    __tablename__ = "care_plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("care_visit_plans.id", "CASCADE", index=True)
    file_id: Mapped[int] = fk("care_files.id", "CASCADE")
    visitor_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)

    plan: Mapped[VisitPlan] = relationship(back_populates="targets")
    file: Mapped[CareFile] = relationship()
    visitor = relationship("User")


class CareVisit(db.Model):
    """A visit (走访慰问) recorded at the worker's home, often offline (kind `care_visit`)."""

    __tablename__ = "care_visits"
    __table_args__ = (Index("ix_care_visits_plan_id_file_id", "plan_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    file_id: Mapped[int] = fk("care_files.id", "CASCADE", index=True)
    plan_id: Mapped[int | None] = fk("care_visit_plans.id", "SET NULL")
    visited_on: Mapped[date] = mapped_column(Date)
    visitors: Mapped[str] = mapped_column(String(200))
    given: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    situation: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = fk("users.id", "RESTRICT")
    captured_at: Mapped[datetime] = timestamp()
    created_at: Mapped[datetime] = timestamp()

    file: Mapped[CareFile] = relationship()
    plan: Mapped[VisitPlan | None] = relationship()
    recorded_by = relationship("User")
    photos: Mapped[list[CareAttachment]] = relationship(order_by="CareAttachment.id")


class AidRequest(db.Model):
    """A major event (大事互助) a member tells the union about, for self or a colleague."""

    __tablename__ = "care_aid_requests"
    __table_args__ = (Index("ix_care_aid_requests_status_respond_by", "status", "respond_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    subject_id: Mapped[int] = fk("users.id", "CASCADE")
    event_type: Mapped[AidEventType] = mapped_column(str_enum(AidEventType))
    happened_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[AidStatus] = mapped_column(str_enum(AidStatus), default=AidStatus.REPORTED)
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aid_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    file_id: Mapped[int | None] = fk("care_files.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    reporter = relationship("User", foreign_keys=[reporter_id])
    subject = relationship("User", foreign_keys=[subject_id])
    events: Mapped[list["AidEvent"]] = trail("AidEvent", back_populates="request")

    def is_overdue(self, now: datetime) -> bool:
        """Not yet answered (acknowledged) by the target time."""
        return (
            self.acknowledged_at is None
            and self.status is not AidStatus.CLOSED
            and (self.respond_by < now)
        )


class AidEvent(TrailStep, db.Model):
    """One step of an aid request, appended: acknowledge, help given, close, a note."""

    __tablename__ = "care_aid_events"

    request_id: Mapped[int] = fk("care_aid_requests.id", "CASCADE", index=True)
    action: Mapped[AidAction] = mapped_column(str_enum(AidAction))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    request: Mapped[AidRequest] = relationship(back_populates="events")


class Campaign(db.Model):
    """冬送温暖 · 夏送清凉 · holiday gifts: a budget, recipients, what each gets."""

    __tablename__ = "care_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    kind: Mapped[CampaignKind] = mapped_column(str_enum(CampaignKind))
    budget: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    gift: Mapped[str] = mapped_column(String(200))
    amount_each: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    recipients: Mapped[list["CampaignRecipient"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignRecipient.id"
    )


class CampaignRecipient(db.Model):
    """A recipient of a campaign and their sign-off (on the phone; kind `care_signoff`)."""

    __tablename__ = "care_campaign_recipients"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = fk("care_campaigns.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE")
    # The department when the recipient was added: the summary stays as it was given.
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL")
    gift: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    confirmation: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str | None] = outbox_id()

    campaign: Mapped[Campaign] = relationship(back_populates="recipients")
    user = relationship("User", foreign_keys=[user_id])
    department = relationship("Department")
