"""Commendations (树典型): departments nominate, the union names 先进个人, 优秀会员, 安全标兵…
per year, with a citation and a photo."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import fk, picture_digest, timestamp


class HonourTitle(LabelledEnum):
    ADVANCED = "advanced", _l("Advanced individual")  # 先进个人
    MEMBER = "member", _l("Outstanding member")  # 优秀会员
    SAFETY = "safety", _l("Safety model")  # 安全标兵
    SKILL = "skill", _l("Technical expert")  # 技术能手
    BEAUTIFUL = "beautiful", _l("Most admired worker")  # 最美职工
    MODEL = "model", _l("Model worker")  # 劳动模范


class HonourStatus(LabelledEnum):
    NOMINATED = "nominated", _l("Nominated")
    AWARDED = "awarded", _l("Awarded")
    DECLINED = "declined", _l("Not awarded")


class Honour(db.Model):
    """A nomination, and once the union decides, the honour itself."""

    __tablename__ = "honours"
    __table_args__ = (Index("ix_honours_status_year", "status", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    title: Mapped[HonourTitle] = mapped_column(str_enum(HonourTitle))
    person_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL")
    reason: Mapped[str] = mapped_column(Text)  # the nomination's deeds
    citation: Mapped[str] = mapped_column(Text, default="")  # the union's words, once named
    photo_sha256: Mapped[str | None] = picture_digest()
    status: Mapped[HonourStatus] = mapped_column(
        str_enum(HonourStatus), default=HonourStatus.NOMINATED
    )
    nominated_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    nominated_at: Mapped[datetime] = timestamp()
    decided_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    person = relationship("User", foreign_keys=[person_id])
    department = relationship("Department")
    nominated_by = relationship("User", foreign_keys=[nominated_by_id])
