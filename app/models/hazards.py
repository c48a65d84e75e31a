"""Hazards with their append-only event trail, violations, and photos.

Safety suggestions are proposals of the category "safety" (app/models/proposals.py)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import CapturedRecord, fk, outbox_id, picture_digest, timestamp, trail


class Severity(LabelledEnum):
    GENERAL = "general", _l("General")
    SERIOUS = "serious", _l("Serious")
    MAJOR = "major", _l("Major")


class Category(LabelledEnum):
    ELECTRICAL = "electrical", _l("Electrical")
    FIRE = "fire", _l("Fire safety")
    MACHINERY = "machinery", _l("Machinery")
    HEIGHT = "height", _l("Work at height")
    CHEMICAL = "chemical", _l("Chemicals")
    HOUSEKEEPING = "housekeeping", _l("Housekeeping")
    PPE = "ppe", _l("Protective equipment")
    OTHER = "other", _l("Other")


class HazardStatus(LabelledEnum):
    REPORTED = "reported", _l("Reported")
    ASSIGNED = "assigned", _l("Assigned")
    RECTIFYING = "rectifying", _l("Rectifying")
    AWAITING_VERIFICATION = "awaiting_verification", _l("Awaiting verification")
    CLOSED = "closed", _l("Closed")
    REJECTED = "rejected", _l("Rejected")

    @property
    def is_open(self) -> bool:
        return self not in (HazardStatus.CLOSED, HazardStatus.REJECTED)


OPEN_STATUSES = [s for s in HazardStatus if s.is_open]


class HazardAction(LabelledEnum):
    REPORT = "report", _l("Reported")
    ASSIGN = "assign", _l("Assigned")
    START = "start", _l("Started rectification")
    RECTIFY = "rectify", _l("Rectified")
    VERIFY = "verify", _l("Verified and closed")
    SEND_BACK = "send_back", _l("Sent back for more work")
    REJECT = "reject", _l("Rejected")
    COMMENT = "comment", _l("Comment")


class Hazard(CapturedRecord, db.Model):
    """A hazard (隐患). `status` is kept in step with its latest HazardEvent."""

    __tablename__ = "hazards"
    # For the list's filters and the dashboard's counts over 100,000s of rows: each lets the
    # database answer from the index alone.
    __table_args__ = (
        Index("ix_hazards_status_severity", "status", "severity"),
        Index("ix_hazards_status_area_id", "status", "area_id"),
        Index("ix_hazards_status_assignee_id", "status", "assignee_id"),
        Index("ix_hazards_status_due_on", "status", "due_on"),
        Index("ix_hazards_status_closed_at", "status", "closed_at", "created_at"),
        Index("ix_hazards_created_at_reporter_id", "created_at", "reporter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    area_id: Mapped[int] = fk("areas.id", "RESTRICT", index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity), index=True)
    status: Mapped[HazardStatus] = mapped_column(
        str_enum(HazardStatus, length=24), default=HazardStatus.REPORTED, index=True
    )
    reporter_id: Mapped[int] = fk("users.id", "RESTRICT", index=True)
    assignee_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    rectified_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    reject_reason: Mapped[str | None] = mapped_column(Text)
    patrol_id: Mapped[int | None] = fk("patrols.id", "SET NULL", index=True)
    patrol_answer_id: Mapped[int | None] = fk("patrol_answers.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp(index=True)
    updated_at: Mapped[datetime] = timestamp()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    area = relationship("Area")
    reporter = relationship("User", foreign_keys=[reporter_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    rectified_by = relationship("User", foreign_keys=[rectified_by_id])
    patrol = relationship("Patrol")
    events: Mapped[list["HazardEvent"]] = trail("HazardEvent", back_populates="hazard")

    def is_overdue(self, today: date) -> bool:
        return self.status.is_open and self.due_on is not None and self.due_on < today


class HazardEvent(CapturedRecord, db.Model):
    """One step in a hazard's life. Rows are only ever added, never changed."""

    __tablename__ = "hazard_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = fk("hazards.id", "CASCADE", index=True)
    actor_id: Mapped[int] = fk("users.id", "RESTRICT")
    action: Mapped[HazardAction] = mapped_column(str_enum(HazardAction))
    from_status: Mapped[HazardStatus | None] = mapped_column(str_enum(HazardStatus, length=24))
    to_status: Mapped[HazardStatus] = mapped_column(str_enum(HazardStatus, length=24))
    note: Mapped[str] = mapped_column(Text, default="")
    # For an assignment: to whom and by when, kept on the event so the timeline tells it.
    assignee_id: Mapped[int | None] = fk("users.id", "SET NULL")
    due_on: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = timestamp()

    hazard: Mapped[Hazard] = relationship(back_populates="events")
    actor = relationship("User", foreign_keys=[actor_id])
    assignee = relationship("User", foreign_keys=[assignee_id])


class ViolationStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    FOLLOWED_UP = "followed_up", _l("Followed up")


class Violation(CapturedRecord, db.Model):
    """A violation (违章) seen on the floor, with the follow-up given to it."""

    __tablename__ = "violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = fk("areas.id", "RESTRICT", index=True)
    rule: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    person: Mapped[str | None] = mapped_column(String(80))
    reporter_id: Mapped[int] = fk("users.id", "RESTRICT")
    patrol_id: Mapped[int | None] = fk("patrols.id", "SET NULL")
    status: Mapped[ViolationStatus] = mapped_column(
        str_enum(ViolationStatus), default=ViolationStatus.OPEN, index=True
    )
    follow_up: Mapped[str | None] = mapped_column(Text)
    followed_up_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = timestamp(index=True)

    area = relationship("Area")
    reporter = relationship("User", foreign_keys=[reporter_id])
    followed_up_by = relationship("User", foreign_keys=[followed_up_by_id])


class Photo(db.Model):
    """An uploaded picture, stored once by content under instance/uploads/.

    It belongs to exactly one record (a hazard, one of its events, a patrol answer or a
    violation); who may see that record may see the photo.
    """

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    sha256: Mapped[str] = picture_digest(index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = fk("users.id", "RESTRICT")
    hazard_id: Mapped[int | None] = fk("hazards.id", "CASCADE", index=True)
    hazard_event_id: Mapped[int | None] = fk("hazard_events.id", "CASCADE", index=True)
    patrol_answer_id: Mapped[int | None] = fk("patrol_answers.id", "CASCADE", index=True)
    violation_id: Mapped[int | None] = fk("violations.id", "CASCADE", index=True)
    created_at: Mapped[datetime] = timestamp()
