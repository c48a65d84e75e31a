"""不合格者不上岗: qualification types, the qualifications people hold, the posts (岗位) of
departments and what each requires, who holds which post, the workers' personal gate codes
and the checks made with them at the site entrance.

A qualification is of a managed type (叉车司机证, 电工证 …); it comes from a training or a
job drill passed, an exam (the `library` feature), or an outside certificate typed in by an
officer; it can be revoked with a reason. A post requires some types; a holder of the post may
work on it only with a valid, unrevoked qualification of every required type.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import (
    NEVER_REUSED_IDS,
    CapturedRecord,
    DepartmentPerson,
    fk,
    picture_name,
    timestamp,
)


class QualificationType(db.Model):
    """One kind of qualification: a managed list an organizer or safety officer keeps."""

    __tablename__ = "qualification_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # A safety qualification (安全资格): needed to work on site at all.
    is_safety: Mapped[bool] = mapped_column(default=False)
    # How long a qualification of this type is valid by default (None: does not expire).
    validity_months: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp()

    def __repr__(self) -> str:
        return f"<QualificationType {self.name}>"


class QualificationSource(LabelledEnum):
    TRAINING = "training", _l("Training passed")
    DRILL = "drill", _l("Job drill passed")
    EXAM = "exam", _l("Exam passed")
    CERTIFICATE = "certificate", _l("Outside certificate")


class Qualification(db.Model):
    """A qualification a person holds: of one type, from a training, drill, exam or an outside
    certificate; valid until a day (or for good) unless revoked."""

    __tablename__ = "qualifications"
    # One qualification per person per training: recording results again updates it.
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        Index("ix_qualifications_user_type", "user_id", "type_id"),
        NEVER_REUSED_IDS,  # a cleared training result deletes the one it gave
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    type_id: Mapped[int] = fk("qualification_types.id", "RESTRICT", index=True)
    source: Mapped[QualificationSource] = mapped_column(
        str_enum(QualificationSource), default=QualificationSource.TRAINING
    )
    activity_id: Mapped[int | None] = fk("activities.id", "SET NULL")
    # What issued it when it is not an activity: "exam:12", for instance (the library's exams).
    source_ref: Mapped[str | None] = mapped_column(String(60))
    # Outside certificates: number, issuer and a photo of the certificate (app.storage name).
    certificate_no: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(String(120))
    photo: Mapped[str | None] = picture_name()
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None: does not expire
    recorded_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    revoke_reason: Mapped[str | None] = mapped_column(String(255))
    # The expiry day a reminder went out for: one reminder per expiry.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = timestamp()

    type: Mapped[QualificationType] = relationship(lazy="joined")
    activity = relationship("Activity")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def name(self) -> str:
        return self.type.name

    @property
    def is_safety(self) -> bool:
        return self.type.is_safety

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def valid_on(self, day: date) -> bool:
        return not self.is_revoked and (self.valid_until is None or self.valid_until >= day)


class Post(db.Model):
    """A post (岗位) of a department or team: 叉车司机, 电工, 焊工, 受限空间作业 …"""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = fk("departments.id", "RESTRICT", index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp()

    department = relationship("Department")
    requirements: Mapped[list["PostRequirement"]] = relationship(
        cascade="all, delete-orphan", back_populates="post"
    )
    holders: Mapped[list["PostHolder"]] = relationship(
        cascade="all, delete-orphan", back_populates="post"
    )

    @property
    def required_types(self) -> list[QualificationType]:
        return sorted((r.type for r in self.requirements), key=lambda t: t.name)

    def __repr__(self) -> str:
        return f"<Post {self.name}>"


class PostRequirement(db.Model):
    """A qualification type that a post requires."""

    __tablename__ = "post_requirements"

    post_id: Mapped[int] = fk("posts.id", "CASCADE", primary_key=True)
    type_id: Mapped[int] = fk("qualification_types.id", "RESTRICT", primary_key=True, index=True)

    post: Mapped[Post] = relationship(back_populates="requirements")
    type: Mapped[QualificationType] = relationship(lazy="joined")


class PostHolder(db.Model):
    """Who holds which post (a person may hold several)."""

    __tablename__ = "post_holders"
    __table_args__ = (UniqueConstraint("post_id", "user_id"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = fk("posts.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = timestamp()

    post: Mapped[Post] = relationship(back_populates="holders")
    user = relationship("User")


class TeamLeader(DepartmentPerson, db.Model):
    """Who checks a department's workers at the site entrance (班组长), named by the union
    office per workshop or team; safety officers check everywhere."""

    __tablename__ = "gate_team_leaders"


class WorkerPhoto(db.Model):
    """The worker's photo the checker compares with the face at the entrance."""

    __tablename__ = "gate_worker_photos"

    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)
    image: Mapped[str] = picture_name()
    uploaded_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    uploaded_at: Mapped[datetime] = timestamp()


class WorkerCode(db.Model):
    """A worker's personal gate code. The QR carries `token`; a reissue revokes the old code
    (reason "reissued"), so one person has at most one live code."""

    __tablename__ = "gate_worker_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = timestamp()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    revoke_reason: Mapped[str | None] = mapped_column(String(255))

    user = relationship("User", foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CheckResult(LabelledEnum):
    ALLOWED = "allowed", _l("May work")  # 可以上岗
    REFUSED = "refused", _l("May not work")  # 不得上岗


class CheckMethod(LabelledEnum):
    CODE = "code", _l("Code scanned")
    EMPLOYEE_NO = "employee_no", _l("Employee number typed")


class GateCheck(CapturedRecord, db.Model):
    """One check at the site entrance, captured on the checker's phone (outbox kind
    `gate_check`) and kept as it was decided there, with its reason."""

    __tablename__ = "gate_checks"
    # The recent checks' order (newest first): the page walks it, no sort of every check.
    __table_args__ = (Index("ix_gate_checks_captured_at_id", "captured_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checker_id: Mapped[int | None] = fk("users.id", "SET NULL", index=True)
    worker_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    post_id: Mapped[int | None] = fk("posts.id", "SET NULL", index=True)
    result: Mapped[CheckResult] = mapped_column(str_enum(CheckResult))
    method: Mapped[CheckMethod] = mapped_column(str_enum(CheckMethod), default=CheckMethod.CODE)
    reason: Mapped[str] = mapped_column(String(500), default="")
    # A check from a phone whose verdict the system's record, as it stood when the check was
    # made, disagrees with: what the system said (its reasons, or "may work"). None: agreed.
    mismatch: Mapped[str | None] = mapped_column(String(500), index=True)
    received_at: Mapped[datetime] = timestamp()

    checker = relationship("User", foreign_keys=[checker_id])
    worker = relationship("User", foreign_keys=[worker_id])
    post = relationship(Post)
