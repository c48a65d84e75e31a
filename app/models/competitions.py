"""Labour competitions that count real work (安康杯, 降本增效, 技术比武…).

A competition is an `Activity` of kind competition. Besides the organizer's round scores it
can take points, by rules the organizer sets, from what the app already records: adopted
proposals and their benefit, verified hazards, patrols done on plan, trainings passed, drill
scores. Points are never stored: they are computed from the records whenever the leaderboard
is read, so a changed rule or a withdrawn record (a hazard rejected, an adoption withdrawn)
shows at once.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, str_enum
from app.models.columns import fk, timestamp


class PointSource(LabelledEnum):
    PROPOSAL_ADOPTED = "proposal_adopted", _l("Adopted proposals")
    PROPOSAL_BENEFIT = "proposal_benefit", _l("Measured benefit of proposals")
    HAZARD_VERIFIED = "hazard_verified", _l("Verified hazards reported")
    PATROL_ON_PLAN = "patrol_on_plan", _l("Patrols done on plan")
    TRAINING_PASSED = "training_passed", _l("Trainings passed")
    DRILL_SCORE = "drill_score", _l("Drill scores")
    EXAM_PASSED = "exam_passed", _l("Exams passed")
    DAILY_RIGHT = "daily_right", _l("Daily questions answered right")

    @property
    def unit(self):
        return SOURCE_UNITS[self]


# What one rule's points are given for.
SOURCE_UNITS = {
    PointSource.PROPOSAL_ADOPTED: _l("points per adopted proposal, shared by the proposers"),
    PointSource.PROPOSAL_BENEFIT: _l("points per 10,000 yuan of benefit a year, shared"),
    PointSource.HAZARD_VERIFIED: _l("points per hazard verified as rectified"),
    PointSource.PATROL_ON_PLAN: _l("points per finished patrol of a planned area"),
    PointSource.TRAINING_PASSED: _l("points per training passed"),
    PointSource.DRILL_SCORE: _l("points per 100 points scored in a drill"),
    PointSource.EXAM_PASSED: _l("points per exam passed (once per exam)"),
    PointSource.DAILY_RIGHT: _l("points per daily question answered right"),
}


class CompetitionRule(db.Model):
    """`points` for each unit of `source` (see `PointSource.unit`) within the competition."""

    __tablename__ = "competition_rules"
    __table_args__ = (UniqueConstraint("activity_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", "CASCADE", index=True)
    source: Mapped[PointSource] = mapped_column(str_enum(PointSource, length=24))
    points: Mapped[float] = mapped_column(Numeric(8, 2, asdecimal=False))
    updated_at: Mapped[datetime] = timestamp()


class CompetitionBrief(db.Model):
    """The competition's plan (方案), how it is assessed (考核) and its result (效果)."""

    __tablename__ = "competition_briefs"

    activity_id: Mapped[int] = fk("activities.id", "CASCADE", primary_key=True)
    plan: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = timestamp()

    activity = relationship("Activity")
