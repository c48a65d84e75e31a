"""Rules and study (以章治家 · 学习型职工之家).

Documents (laws and the union's rules, company regulations, the collective contract, safety
operating procedures, emergency plans) keep every version with what changed; a procedure can
hang on a machine (its printed QR code opens the procedure, offline) and an area, and on the
posts whose workers must confirm each new version (学习签名, `ReadConfirmation`).

Study: question banks per topic, a daily question from them, and timed exams. An attempt's
deadline is set by the server when it starts; answers after it are refused. A passed exam can
issue a qualification and counts as study points in competitions.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import fk, outbox_id, timestamp


class DocCategory(LabelledEnum):
    LAW = "law", _l("Laws and union rules")
    COMPANY = "company", _l("Company regulations")
    CONTRACT = "contract", _l("Collective contract")
    PROCEDURE = "procedure", _l("Safety operating procedures")
    EMERGENCY = "emergency", _l("Emergency plans")


class Document(db.Model):
    __tablename__ = "library_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[DocCategory] = mapped_column(str_enum(DocCategory), index=True)
    # The machine whose printed QR code opens this document (free text: "3号冲床").
    machine: Mapped[str] = mapped_column(String(80), default="")
    area_id: Mapped[int | None] = fk("areas.id", "SET NULL", index=True)
    current_version_id: Mapped[int | None] = fk("library_versions.id", "SET NULL", use_alter=True)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()

    area = relationship("Area")
    current_version: Mapped["DocumentVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["DocumentVersion"]] = relationship(
        foreign_keys="DocumentVersion.document_id",
        back_populates="document",
        order_by="DocumentVersion.number.desc()",
        cascade="all, delete-orphan",
    )
    post_links: Mapped[list["DocumentPost"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class DocumentVersion(db.Model):
    """One published text of a document; old versions stay readable."""

    __tablename__ = "library_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = fk("library_documents.id", "CASCADE", index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="")  # what changed from the last one
    published_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    published_at: Mapped[datetime] = timestamp()

    document: Mapped[Document] = relationship(foreign_keys=[document_id], back_populates="versions")
    published_by = relationship("User")

    @property
    def clauses(self) -> list[str]:
        """The text's paragraphs (blank-line separated): a contract's numbered clauses."""
        return [
            part.strip() for part in self.body.replace("\r\n", "\n").split("\n\n") if part.strip()
        ]


class DocumentPost(db.Model):
    """A post whose workers must read (and confirm) every version of the document."""

    __tablename__ = "library_document_posts"

    document_id: Mapped[int] = fk("library_documents.id", "CASCADE", primary_key=True)
    post_id: Mapped[int] = fk("posts.id", "CASCADE", primary_key=True, index=True)


class ReadConfirmation(db.Model):
    """学习签名: a worker confirms they read this version (from the outbox, also offline)."""

    __tablename__ = "library_read_confirmations"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = outbox_id()
    version_id: Mapped[int] = fk("library_versions.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    captured_at: Mapped[datetime] = timestamp()
    received_at: Mapped[datetime] = timestamp()

    version: Mapped[DocumentVersion] = relationship()
    user = relationship("User")


# --- study ---------------------------------------------------------------------------------


class QuestionKind(LabelledEnum):
    SINGLE = "single", _l("Single choice")
    MULTIPLE = "multiple", _l("Multiple choice")
    TRUE_FALSE = "true_false", _l("True or false")


class QuestionBank(db.Model):
    __tablename__ = "library_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = timestamp()

    questions: Mapped[list["Question"]] = relationship(
        back_populates="bank", order_by="Question.id", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "library_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = fk("library_banks.id", "CASCADE", index=True)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON)  # the choices' words, in order
    correct: Mapped[list] = mapped_column(JSON)  # indexes of the right choices
    explanation: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    bank: Mapped[QuestionBank] = relationship(back_populates="questions")

    def is_right(self, chosen: list[int]) -> bool:
        return sorted(chosen) == sorted(self.correct)


class DailyAnswer(db.Model):
    """One person's answer to the day's question (每日一题), once a day."""

    __tablename__ = "library_daily_answers"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    question_id: Mapped[int] = fk("library_questions.id", "CASCADE")
    chosen: Mapped[list] = mapped_column(JSON)
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = timestamp()

    question: Mapped[Question] = relationship()


class Exam(db.Model):
    __tablename__ = "library_exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    bank_id: Mapped[int] = fk("library_banks.id", "RESTRICT")
    question_count: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    pass_score: Mapped[int] = mapped_column(Integer)  # percent of questions right
    # What a pass gives: a qualification of a type (its name kept for the pages), valid for
    # `valid_months` (None: the type's own period), and study points in competitions.
    qualification_name: Mapped[str] = mapped_column(String(80), default="")
    qualification_type_id: Mapped[int | None] = fk("qualification_types.id", "SET NULL")
    valid_months: Mapped[int | None] = mapped_column(Integer)
    open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp()

    bank: Mapped[QuestionBank] = relationship()


class ExamAttempt(db.Model):
    """One sitting: its questions are drawn and its deadline fixed by the server at start."""

    __tablename__ = "library_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = fk("library_exams.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    question_ids: Mapped[list] = mapped_column(JSON)
    started_at: Mapped[datetime] = timestamp()
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    score: Mapped[int | None] = mapped_column(Integer)  # percent
    passed: Mapped[bool | None]

    exam: Mapped[Exam] = relationship()
    user = relationship("User")
    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptAnswer.position"
    )


class AttemptAnswer(db.Model):
    __tablename__ = "library_attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = fk("library_attempts.id", "CASCADE", index=True)
    question_id: Mapped[int] = fk("library_questions.id", "CASCADE")
    position: Mapped[int] = mapped_column(Integer)
    chosen: Mapped[list] = mapped_column(JSON)
    correct: Mapped[bool]

    attempt: Mapped[ExamAttempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
