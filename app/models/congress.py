"""Democratic management: the workers' congress (职代会) with its delegates, motions (提案),
democratic evaluation rounds (民主评议) with unlinkable ballots, and open notices (厂务公开).

Ballots: `EvaluationVoter` is the voter's "has voted" mark; `EvaluationBallot`,
`BallotGrade` and `BallotComment` are the ballots, kept one section (one leader) to a sheet,
so that the section a voter who is evaluated leaves out of their own ballot leaves no hole
that names them. The two sides share no key, no
timestamp and no order: ballot rows have random UUID keys, no time column, and every vote
rewrites the round's ballots in a shuffled order under fresh keys (`app.services.unlinkable`,
used by `app.blueprints.congress.services.evaluations`), so neither the database's row order
(PostgreSQL's heap, SQLite's rowid) nor its transaction ids tell which ballot came when.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import (
    NEVER_REUSED_IDS,
    StoredDocument,
    TrailStep,
    UnlinkableMark,
    department_links,
    fk,
    linked_departments,
    random_key,
    timestamp,
    trail,
)

# ---- Sessions and delegates ------------------------------------------------------------


class CongressSession(db.Model):
    """One meeting of the workers' congress: the 届 (term) and 次 (session within it)."""

    __tablename__ = "congress_sessions"
    __table_args__ = (UniqueConstraint("term_no", "session_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_no: Mapped[int]
    session_no: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    # The delegates' term of this 届 ends here: the 换届 reminder counts down to it.
    term_ends_on: Mapped[date] = mapped_column(Date)
    # The plenary meeting, held as an activity so that delegates check in with its codes.
    activity_id: Mapped[int | None] = fk("activities.id", "SET NULL")
    term_reminder_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = timestamp()

    activity = relationship("Activity")
    delegates: Mapped[list["Delegate"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )
    documents: Mapped[list["CongressDocument"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CongressDocument.id"
    )

    @property
    def name(self) -> str:
        return str(_l("Term %(term)d, session %(no)d", term=self.term_no, no=self.session_no))


class Delegate(db.Model):
    """A person elected by their department to a session, for a term."""

    __tablename__ = "congress_delegates"
    __table_args__ = (UniqueConstraint("session_id", "user_id"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = fk("congress_sessions.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL")
    term_starts_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)

    session: Mapped[CongressSession] = relationship(back_populates="delegates")
    user = relationship("User")
    department = relationship("Department")


class DepartmentContact(db.Model):
    """Who answers motions for a department in a session (the department's 提案联络人)."""

    __tablename__ = "congress_contacts"

    session_id: Mapped[int] = fk("congress_sessions.id", "CASCADE", primary_key=True)
    department_id: Mapped[int] = fk("departments.id", "CASCADE", primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)

    user = relationship("User")
    department = relationship("Department")


class CongressDocument(StoredDocument, db.Model):
    """A document of a session (report, draft resolution…), stored as an upload."""

    __tablename__ = "congress_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = fk("congress_sessions.id", "CASCADE", index=True)
    title: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = timestamp()

    session: Mapped[CongressSession] = relationship(back_populates="documents")


# ---- Motions ----------------------------------------------------------------------------


class MotionState(LabelledEnum):
    DRAFT = "draft", _l("Draft")  # 草稿: the proposer gathers co-signers
    SUBMITTED = "submitted", _l("Awaiting review")  # 待审查: before the motions committee
    DECLINED = "declined", _l("Not accepted")  # 不予立案, with the reason
    SUGGESTION = "suggestion", _l("Turned into a suggestion")  # 转为意见建议
    ASSIGNED = (
        "assigned",
        _l("Being handled"),
    )  # 已立案: with the department
    ANSWERED = "answered", _l("Answered")  # 已答复: waiting for the proposer's rating
    CLOSED = "closed", lazy_pgettext("motion", "Closed")  # 已办结: rated


class AnswerClass(LabelledEnum):
    A = "A", _l("A · solved")  # 已解决
    B = "B", _l("B · being solved or planned")  # 正在解决或列入计划
    C = "C", _l("C · cannot be solved for now")  # 因条件限制暂不能解决


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", _l("Satisfied")
    FAIRLY = "fairly", _l("Fairly satisfied")
    UNSATISFIED = "unsatisfied", _l("Not satisfied")


motion_departments = department_links(
    "congress_motion_departments", "motion_id", "congress_motions.id"
)


class Motion(db.Model):
    __tablename__ = "congress_motions"
    __table_args__ = (
        Index("ix_congress_motions_session_state", "session_id", "state"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = fk("congress_sessions.id", "CASCADE")
    proposer_id: Mapped[int] = fk("users.id", "CASCADE")
    title: Mapped[str] = mapped_column(String(120))
    reasons: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    state: Mapped[MotionState] = mapped_column(str_enum(MotionState), default=MotionState.DRAFT)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    lead_department_id: Mapped[int | None] = fk("departments.id", "SET NULL")
    deadline: Mapped[date | None] = mapped_column(Date)
    answer_class: Mapped[AnswerClass | None] = mapped_column(str_enum(AnswerClass, 2))
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction))
    rating_note: Mapped[str] = mapped_column(Text, default="")
    # An unsatisfied proposer sends the answer back once; the next rating is final.
    sent_back: Mapped[bool] = mapped_column(default=False)
    overdue_alerted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = timestamp()
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[CongressSession] = relationship()
    proposer = relationship("User")
    lead_department = relationship("Department")
    co_departments = linked_departments(motion_departments)
    cosigners: Mapped[list["MotionCosigner"]] = relationship(
        cascade="all, delete-orphan", order_by="MotionCosigner.signed_at"
    )
    events: Mapped[list["MotionEvent"]] = trail("MotionEvent")


class MotionCosigner(db.Model):
    __tablename__ = "congress_motion_cosigners"

    motion_id: Mapped[int] = fk("congress_motions.id", "CASCADE", primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)
    signed_at: Mapped[datetime] = timestamp()

    user = relationship("User")


class MotionEvent(TrailStep, db.Model):
    """Append-only history of a motion: who moved it from which state to which, and why."""

    __tablename__ = "congress_motion_events"

    motion_id: Mapped[int] = fk("congress_motions.id", "CASCADE", index=True)
    from_state: Mapped[MotionState | None] = mapped_column(str_enum(MotionState))
    to_state: Mapped[MotionState] = mapped_column(str_enum(MotionState))


# ---- Democratic evaluation (民主评议) ------------------------------------------------------


class Grade(LabelledEnum):
    """A dimension's grade: 好 / 较好 / 一般 / 差."""

    GOOD = "good", _l("Good")
    FAIRLY_GOOD = "fairly_good", _l("Fairly good")
    AVERAGE = "average", _l("Average")
    POOR = "poor", _l("Poor")


class Overall(LabelledEnum):
    """The overall grade: 优秀 / 称职 / 基本称职 / 不称职."""

    EXCELLENT = "excellent", _l("Excellent")
    COMPETENT = "competent", _l("Competent")
    BASIC = "basic", _l("Basically competent")
    INCOMPETENT = "incompetent", _l("Incompetent")


class Electorate(LabelledEnum):
    DELEGATES = "delegates", _l("The session's delegates")
    DEPARTMENTS = "departments", _l("Members of chosen departments")


round_departments = department_links(
    "evaluation_round_departments", "round_id", "evaluation_rounds.id"
)


class EvaluationRound(db.Model):
    __tablename__ = "evaluation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = fk("congress_sessions.id", "SET NULL")
    title: Mapped[str] = mapped_column(String(120))
    electorate: Mapped[Electorate] = mapped_column(str_enum(Electorate))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    min_ballots: Mapped[int] = mapped_column(default=5)  # k
    # How many ballots were cast: a ballot's sections are kept apart (`EvaluationBallot`),
    # so no table of ballots counts them, and a deleted account's mark goes with it.
    ballots_cast: Mapped[int] = mapped_column(default=0, server_default="0")
    # How many could vote, written down once the round has closed (never fewer than its
    # voters): its turnout does not move when delegates or members come and go afterwards.
    eligible_voters: Mapped[int | None]
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    session = relationship("CongressSession")
    departments = linked_departments(round_departments)
    leaders: Mapped[list["EvaluationLeader"]] = relationship(
        cascade="all, delete-orphan", order_by="EvaluationLeader.position"
    )
    dimensions: Mapped[list["EvaluationDimension"]] = relationship(
        cascade="all, delete-orphan", order_by="EvaluationDimension.position"
    )


class EvaluationLeader(db.Model):
    __tablename__ = "evaluation_leaders"
    # A ballot left open names its people by id (g-<leader>-<dimension>): one taken out
    # before voting must not have their id given to the next one put in.
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(80))
    post: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    # The leader's own account, when they have one: their ballot has no section for them.
    user_id: Mapped[int | None] = fk("users.id", "SET NULL")

    user = relationship("User")


class EvaluationDimension(db.Model):
    __tablename__ = "evaluation_dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class EvaluationVoter(UnlinkableMark, db.Model):
    """The "has voted" mark: a voter and a round, nothing else (no time, no order key)."""

    __tablename__ = "evaluation_voters"

    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", primary_key=True)


class EvaluationBallot(db.Model):
    """One section of an anonymous ballot, its grades and opinions of one leader: a random
    key and its round; no voter, no time, and nothing that ties it to the ballot's other
    sections. A ballot is whole to no one: a leader who votes leaves their own section out,
    and a ballot that lacked it would name its voter."""

    __tablename__ = "evaluation_ballots"

    id: Mapped[str] = random_key()
    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", index=True)


class BallotGrade(db.Model):
    """A ballot's grade for one leader: per dimension (`dimension_id`) or overall (None)."""

    __tablename__ = "evaluation_ballot_grades"

    id: Mapped[str] = random_key()
    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", index=True)
    ballot_id: Mapped[str] = fk("evaluation_ballots.id", "CASCADE", index=True)
    leader_id: Mapped[int] = fk("evaluation_leaders.id", "CASCADE")
    dimension_id: Mapped[int | None] = fk("evaluation_dimensions.id", "CASCADE")
    grade: Mapped[str] = mapped_column(String(20))


class BallotComment(db.Model):
    """Free-text opinions (背靠背意见) of a ballot on one leader."""

    __tablename__ = "evaluation_ballot_comments"

    id: Mapped[str] = random_key()
    round_id: Mapped[int] = fk("evaluation_rounds.id", "CASCADE", index=True)
    ballot_id: Mapped[str] = fk("evaluation_ballots.id", "CASCADE", index=True)
    leader_id: Mapped[int] = fk("evaluation_leaders.id", "CASCADE")
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")


# ---- Open notices (厂务公开) --------------------------------------------------------------


class NoticeCategory(LabelledEnum):
    BUSINESS = "business", _l("Business results")  # 经营状况
    WELFARE = "welfare", _l("Welfare")  # 福利
    SAFETY = "safety", _l("Safety")  # 安全
    PERSONNEL = "personnel", _l("Personnel")  # 人事
    OTHER = "other", _l("Other")  # 其他


notice_departments = department_links(
    "congress_notice_departments", "notice_id", "congress_notices.id"
)


class Notice(db.Model):
    """An open notice of the company's affairs; no departments means every member."""

    __tablename__ = "congress_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[NoticeCategory] = mapped_column(str_enum(NoticeCategory))
    pinned: Mapped[bool] = mapped_column(default=False)
    closes_on: Mapped[date | None] = mapped_column(Date)
    publisher_id: Mapped[int | None] = fk("users.id", "SET NULL")
    published_at: Mapped[datetime] = timestamp(index=True)

    publisher = relationship("User")
    departments = linked_departments(notice_departments)
    attachments: Mapped[list["NoticeAttachment"]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeAttachment.id"
    )


class NoticeAttachment(StoredDocument, db.Model):
    __tablename__ = "congress_notice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = fk("congress_notices.id", "CASCADE", index=True)


class NoticeRead(db.Model):
    """A read receipt: one row per reader and notice, written once."""

    __tablename__ = "congress_notice_reads"

    notice_id: Mapped[int] = fk("congress_notices.id", "CASCADE", primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)
    read_at: Mapped[datetime] = timestamp()

    user = relationship("User")


class NoticeQuestion(db.Model):
    """A member's question under a notice and the publisher's public answer."""

    __tablename__ = "congress_notice_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = fk("congress_notices.id", "CASCADE", index=True)
    asker_id: Mapped[int | None] = fk("users.id", "SET NULL")
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = timestamp()
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = fk("users.id", "SET NULL")

    asker = relationship("User", foreign_keys=[asker_id])
