"""The safety network: groups and their members, areas and checkpoints, checklists, patrols."""

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import CapturedRecord, fk, timestamp


class AreaKind(LabelledEnum):
    PRODUCTION = "production", _l("Production floor")
    WAREHOUSE = "warehouse", _l("Warehouse")
    ELECTRICAL = "electrical", _l("Electrical room")
    OFFICE = "office", _l("Office")
    OUTDOOR = "outdoor", _l("Outdoor and yard")


class SafetyGroup(db.Model):
    """A group of the network (群监小组), led by one or more safety officers."""

    __tablename__ = "safety_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL", index=True)
    created_at: Mapped[datetime] = timestamp()

    department = relationship("Department")
    memberships: Mapped[list["GroupMembership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class GroupMembership(db.Model):
    __tablename__ = "safety_group_members"

    group_id: Mapped[int] = fk("safety_groups.id", "CASCADE", primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True, index=True)
    is_leader: Mapped[bool] = mapped_column(default=False)

    group: Mapped[SafetyGroup] = relationship(back_populates="memberships")
    user = relationship("User")


def area_name(workshop: str, area: str) -> str:
    """How an area is named where the workshop matters: "Workshop · Area"."""
    return f"{workshop} · {area}"


class Area(db.Model):
    """A place that is patrolled: a workshop bay, a store, a switch room."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[AreaKind] = mapped_column(str_enum(AreaKind))
    department_id: Mapped[int] = fk("departments.id", "RESTRICT", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp()

    department = relationship("Department")
    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        back_populates="area", order_by="Checkpoint.name", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return area_name(self.department.name, self.name)


class Checkpoint(db.Model):
    """A spot inside an area that carries its own QR code (a panel, a crane, an exit)."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = fk("areas.id", "CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")

    area: Mapped[Area] = relationship(back_populates="checkpoints")


class Answer(LabelledEnum):
    YES = "yes", _l("Yes")
    NO = "no", _l("No")
    NA = "na", _l("N/A")


class Checklist(db.Model):
    """A checklist for one kind of area; its items live in versions, never edited in place."""

    __tablename__ = "checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    area_kind: Mapped[AreaKind] = mapped_column(str_enum(AreaKind), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    current_version_id: Mapped[int | None] = fk("checklist_versions.id", "SET NULL", use_alter=True)
    created_at: Mapped[datetime] = timestamp()

    current_version: Mapped["ChecklistVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ChecklistVersion(db.Model):
    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = fk("checklists.id", "CASCADE", index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    checklist: Mapped[Checklist] = relationship(foreign_keys=[checklist_id])
    items: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="version", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = fk("checklist_versions.id", "CASCADE", index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")


WEEKDAYS = 7


def _days(weekdays: str) -> list[int]:
    return [i for i, flag in enumerate(weekdays) if flag == "1"]


class PatrolPlan(db.Model):
    """A standing weekly plan: this inspector patrols this area on these weekdays.

    The row holds the plan as it stands: its days, since when it holds them (`created_at`:
    made, or saved again after a stop or with other days) and when it stopped (None while it
    is in force). What it asked before stays in `past`, so a change never rewrites the weeks
    gone by."""

    __tablename__ = "patrol_plans"
    __table_args__ = (UniqueConstraint("inspector_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    area_id: Mapped[int] = fk("areas.id", "CASCADE", index=True)
    # Seven characters, Monday first: "1010100" is Monday, Wednesday and Friday.
    weekdays: Mapped[str] = mapped_column(String(WEEKDAYS))
    created_at: Mapped[datetime] = timestamp()
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inspector = relationship("User")
    area: Mapped[Area] = relationship()
    past: Mapped[list["PlanPeriod"]] = relationship(
        order_by="PlanPeriod.started_at", cascade="all, delete-orphan"
    )

    @property
    def active(self) -> bool:
        return self.stopped_at is None

    @property
    def days(self) -> list[int]:
        return _days(self.weekdays)

    def periods(self) -> list[tuple[datetime, datetime | None, list[int]]]:
        """(began, stopped or None, weekdays) of each stretch the plan held, oldest first."""
        held = [(p.started_at, p.stopped_at, _days(p.weekdays)) for p in self.past]
        return [*held, (self.created_at, self.stopped_at, self.days)]


class PlanPeriod(db.Model):
    """A stretch of time a patrol plan held other days than it holds now, or before a stop:
    from `started_at` to `stopped_at`, on `weekdays`."""

    __tablename__ = "patrol_plan_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("patrol_plans.id", "CASCADE", index=True)
    weekdays: Mapped[str] = mapped_column(String(WEEKDAYS))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PatrolStatus(LabelledEnum):
    IN_PROGRESS = "in_progress", _l("In progress")
    FINISHED = "finished", _l("Finished")


class Patrol(CapturedRecord, db.Model):
    __tablename__ = "patrols"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = fk("users.id", "RESTRICT", index=True)
    area_id: Mapped[int] = fk("areas.id", "RESTRICT", index=True)
    checkpoint_id: Mapped[int | None] = fk("checkpoints.id", "SET NULL")
    checklist_version_id: Mapped[int] = fk("checklist_versions.id", "RESTRICT", index=True)
    status: Mapped[PatrolStatus] = mapped_column(
        str_enum(PatrolStatus), default=PatrolStatus.IN_PROGRESS, index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = timestamp()

    inspector = relationship("User")
    area: Mapped[Area] = relationship()
    checkpoint: Mapped[Checkpoint | None] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    answers: Mapped[list["PatrolAnswer"]] = relationship(
        back_populates="patrol", cascade="all, delete-orphan"
    )


class PatrolAnswer(db.Model):
    __tablename__ = "patrol_answers"
    __table_args__ = (UniqueConstraint("patrol_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = fk("patrols.id", "CASCADE", index=True)
    item_id: Mapped[int] = fk("checklist_items.id", "RESTRICT")
    answer: Mapped[Answer] = mapped_column(str_enum(Answer, length=4))
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = timestamp()

    patrol: Mapped[Patrol] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


__all__ = [
    "Answer",
    "Area",
    "AreaKind",
    "Checklist",
    "ChecklistItem",
    "ChecklistVersion",
    "Checkpoint",
    "GroupMembership",
    "Patrol",
    "PatrolAnswer",
    "PatrolPlan",
    "PatrolStatus",
    "SafetyGroup",
    "week_start",
]
