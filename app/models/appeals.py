"""Members' appeals (职工诉求 · 维权): a problem a member raises with the union, named or
anonymously, handled by the union's rights officer to an answer the member rates.

Anonymous appeals are unlinkable (the rule of ballots, DESIGN.md): the row has a random key
(no counter that numbers appeals in the order they came), no author, no time of day (only the
date it was raised, which the acknowledgement target needs), and only the SHA-256 of the
receipt code the author keeps. Raising one writes no event, audit row, notification or log
line; the author's rating is kept on the appeal without a time.

Every rating is kept: the current answer's on the appeal (what the figures and the queue
read), each earlier answer's in `EarlierRating`, moved there when the union answers again.
That move is the officer's step, whose moment the trail keeps anyway: rating an anonymous
appeal still writes nothing but the appeal's own row, so no row's order or transaction tells
when its holder rated it.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, String, Text, and_, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import TrailStep, fk, picture_digest, random_key, trail


class AppealCategory(LabelledEnum):
    WAGES = "wages", _l("Wages and pay")  # 工资待遇
    HOURS = "hours", _l("Working hours and leave")  # 工时休假
    SAFETY = "safety", _l("Safety conditions")  # 安全条件
    CONTRACT = "contract", _l("Contract and social insurance")  # 合同社保
    TREATMENT = "treatment", _l("Unfair treatment or harassment")  # 不公正对待
    LIVING = "living", _l("Canteen, commute and living conditions")  # 食堂通勤生活
    OTHER = "other", _l("Other")


class AppealStatus(LabelledEnum):
    RAISED = "raised", _l("Waiting to be acknowledged")
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged")
    INVESTIGATING = "investigating", _l("Being investigated")
    WITH_MANAGEMENT = "with_management", _l("Raised with management")
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed and rated")


class AppealRating(LabelledEnum):
    SATISFIED = "satisfied", _l("Satisfied")
    PARTLY = "partly", _l("Partly satisfied")
    UNSATISFIED = "unsatisfied", _l("Not satisfied")


class AppealAction(LabelledEnum):
    ACKNOWLEDGE = "acknowledge", _l("Acknowledged")
    INVESTIGATE = "investigate", _l("Investigation started")
    ESCALATE = "escalate", _l("Raised with management")
    NOTE = "note", _l("Progress note")
    ANSWER = "answer", _l("Answered")
    # The member was not satisfied with the answer: the union takes the appeal up again.
    REOPEN = "reopen", _l("Reopened to follow up")


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_status_raised_on", "status", "raised_on"),
        # The officer's queue's order (newest first): a page walks it, no sort of every row.
        Index("ix_appeals_raised_on_key", "raised_on", "key"),
    )

    # A random key: a counter would number the appeals in the order they came.
    key: Mapped[str] = random_key()
    category: Mapped[AppealCategory] = mapped_column(str_enum(AppealCategory))
    title: Mapped[str] = mapped_column(String(120))
    details: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Named appeals only; None for every anonymous one.
    author_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
    # The workshop the problem is in: the author's for a named appeal; for an anonymous one
    # only what its author chose to say (or nothing).
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL", index=True)
    # SHA-256 of the receipt code of an anonymous appeal; the code itself is never stored.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[AppealStatus] = mapped_column(
        str_enum(AppealStatus), default=AppealStatus.RAISED
    )
    raised_on: Mapped[date] = mapped_column(Date)
    # The time of day of a named appeal; None for anonymous ones.
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[AppealRating | None] = mapped_column(str_enum(AppealRating))
    rating_note: Mapped[str] = mapped_column(Text, default="")
    # When a named appeal's member rated the current answer; None for anonymous ones.
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_alerted_on: Mapped[date | None] = mapped_column(Date)

    author = relationship("User", foreign_keys=[author_id])
    department = relationship("Department")
    photos: Mapped[list["AppealPhoto"]] = relationship(
        cascade="all, delete-orphan", order_by="AppealPhoto.position"
    )
    events: Mapped[list["AppealEvent"]] = trail("AppealEvent")
    earlier_ratings: Mapped[list["EarlierRating"]] = relationship(
        cascade="all, delete-orphan", order_by="EarlierRating.answer_no"
    )

    @hybrid_property
    def awaits_follow_up(self) -> bool:
        """Its member was not satisfied with the answer and no officer has followed up since
        (reopened it, or noted why it stays closed): the union has it to handle again, which
        its member and the officer both read (not "closed"). On an appeal it reads the loaded
        trail; in a query (`Appeal.awaits_follow_up`: the queue, the officer's card) the same
        test is a condition on the last step."""
        return (
            self.status is AppealStatus.CLOSED
            and self.rating is AppealRating.UNSATISFIED
            and bool(self.events)
            and self.events[-1].action is AppealAction.ANSWER
        )

    @awaits_follow_up.inplace.expression
    @classmethod
    def _awaits_follow_up_condition(cls):
        last_step = (
            select(AppealEvent.action)
            .where(AppealEvent.appeal_key == cls.key)
            .order_by(AppealEvent.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        return and_(
            cls.status == AppealStatus.CLOSED,
            cls.rating == AppealRating.UNSATISFIED,
            last_step == AppealAction.ANSWER,
        )


class AppealPhoto(db.Model):
    """A photo of an appeal: stored by content (`app.storage`), named by its digest."""

    __tablename__ = "appeal_photos"

    appeal_key: Mapped[str] = fk("appeals.key", "CASCADE", primary_key=True)
    sha256: Mapped[str] = picture_digest(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class AppealEvent(TrailStep, db.Model):
    """A step the union took on an appeal (who, what, when, a note the member reads)."""

    __tablename__ = "appeal_events"

    appeal_key: Mapped[str] = fk("appeals.key", "CASCADE", index=True)
    action: Mapped[AppealAction] = mapped_column(str_enum(AppealAction))


class EarlierRating(db.Model):
    """The member's rating of an earlier answer, kept when the union answered again after
    they were not satisfied: the record of their dissatisfaction and why. Numbered by the
    answer it rated (the appeal's 1st, 2nd … answer step), not by a counter; no rater, and
    like the appeal's own rating no time for an anonymous appeal."""

    __tablename__ = "appeal_earlier_ratings"

    appeal_key: Mapped[str] = fk("appeals.key", "CASCADE", primary_key=True)
    answer_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rating: Mapped[AppealRating] = mapped_column(str_enum(AppealRating))
    note: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
