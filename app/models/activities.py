"""Union activities: events, trainings, job drills and labour competitions; who takes part,
their check-in, results and the qualifications that trainings give."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import (
    department_links,
    fk,
    linked_departments,
    outbox_id,
    picture_name,
    timestamp,
)
from app.models.gate import Qualification  # noqa: F401  (trainings issue them; kept importable here)


class ActivityKind(LabelledEnum):
    EVENT = "event", _l("Cultural or sports event")  # 文体活动
    TRAINING = "training", _l("Training")  # 培训
    DRILL = "drill", _l("Job drill")  # 岗位练兵
    COMPETITION = "competition", _l("Labour competition")  # 劳动竞赛
    MEETING = "meeting", _l("Meeting")  # 会议 (a congress plenary, say)


class ActivityStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class CompetitionMode(LabelledEnum):
    INDIVIDUAL = "individual", _l("Individual competition")
    TEAM = "team", _l("Team competition")


class ParticipationStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Signed up")
    WAITLISTED = "waitlisted", _l("On the waitlist")
    CANCELLED = "cancelled", _l("Cancelled")


# The audience: no rows means everyone; a workshop includes its teams.
activity_departments = department_links("activity_departments", "activity_id", "activities.id")


class Activity(db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind), index=True)
    status: Mapped[ActivityStatus] = mapped_column(
        str_enum(ActivityStatus), default=ActivityStatus.PUBLISHED
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancel_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]  # None: unlimited
    cover_image: Mapped[str | None] = picture_name()
    # Trainings
    pass_mark: Mapped[float | None] = mapped_column(Numeric(6, 2, asdecimal=False))
    qualification_name: Mapped[str | None] = mapped_column(String(80))
    qualification_is_safety: Mapped[bool] = mapped_column(default=False)
    qualification_months: Mapped[int | None]
    # Competitions
    competition_mode: Mapped[CompetitionMode | None] = mapped_column(str_enum(CompetitionMode))
    rounds: Mapped[int | None]
    organizer_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
    created_at: Mapped[datetime] = timestamp()
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(255))
    # When the day-before reminder went out; it goes once.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organizer = relationship("User")
    departments = linked_departments(activity_departments)

    @property
    def is_cancelled(self) -> bool:
        return self.status is ActivityStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.title}>"


class Participation(db.Model):
    """One person's place in an activity: confirmed, waitlisted or cancelled.

    The waitlist is ordered by `queued_at` (then id); a cancellation frees a place for the
    first in that order.
    """

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        Index("ix_participations_activity_status", "activity_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", "CASCADE")
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    status: Mapped[ParticipationStatus] = mapped_column(str_enum(ParticipationStatus))
    signed_up_at: Mapped[datetime] = timestamp()
    queued_at: Mapped[datetime] = timestamp()
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    # The outbox record id of an offline check-in, and the phone's time of the scan.
    checkin_client_id: Mapped[str | None] = outbox_id()
    checkin_captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the inbox asked this person to rate the activity (after it ended); asked once.
    rating_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Trainings: score and pass/fail; competitions: team name.
    score: Mapped[float | None] = mapped_column(Numeric(7, 2, asdecimal=False))
    passed: Mapped[bool | None]
    team: Mapped[str | None] = mapped_column(String(60))

    activity: Mapped[Activity] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class RoundScore(db.Model):
    """A competitor's score in one round of a competition."""

    __tablename__ = "round_scores"
    __table_args__ = (UniqueConstraint("participation_id", "round_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = fk("participations.id", "CASCADE")
    round_no: Mapped[int]
    score: Mapped[float] = mapped_column(Numeric(7, 2, asdecimal=False))
    recorded_at: Mapped[datetime] = timestamp()
