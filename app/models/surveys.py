"""Member satisfaction: surveys with their questions, the members' responses, and the one-tap
rating after each activity.

Anonymous responses are unlinkable, as ballots are (`app.models.congress`): the respondent's
"has responded" mark (`SurveyRespondent`: survey, user) and the response tables
(`SurveyResponse`, `SurveyAnswer`) share no key and have no time column; response keys are
random, and every anonymous answer rewrites the survey's responses in a shuffled order under
fresh keys (`app.services.unlinkable`, used by `app.blueprints.surveys.services.responses`). A
named survey's response carries its respondent (`respondent_id`); an anonymous one never does.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import (
    UnlinkableMark,
    department_links,
    fk,
    linked_departments,
    random_key,
    timestamp,
)


class QuestionKind(LabelledEnum):
    SINGLE = "single", _l("Single choice")
    MULTIPLE = "multiple", _l("Multiple choice")
    SCALE = "scale", _l("Scale 1–5")
    TEXT = "text", _l("Short text")


class Audience(LabelledEnum):
    ALL = "all", _l("All members")
    DEPARTMENTS = "departments", _l("Members of chosen departments")
    ACTIVITY = "activity", _l("The participants of an activity")


survey_departments = department_links("survey_departments", "survey_id", "surveys.id")


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    intro: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience), default=Audience.ALL)
    activity_id: Mapped[int | None] = fk("activities.id", "SET NULL")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When its people were told in their inbox that it is open (None: not yet).
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_responses: Mapped[int] = mapped_column(default=5)  # k
    # The member satisfaction survey (会员满意度测评): its scale questions feed the scorecard.
    is_satisfaction: Mapped[bool] = mapped_column(default=False)
    # "A new run of" an earlier survey: its results are compared with that one's.
    previous_id: Mapped[int | None] = fk("surveys.id", "SET NULL")
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

    activity = relationship("Activity")
    previous = relationship("Survey", remote_side=[id])
    departments = linked_departments(survey_departments)
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position"
    )


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = fk("surveys.id", "CASCADE", index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=False)
    # Shown only when an earlier choice question was answered with this option.
    show_if_option_id: Mapped[int | None] = fk("survey_options.id", "SET NULL", use_alter=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list["SurveyOption"]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="SurveyOption.position",
        foreign_keys="SurveyOption.question_id",
    )
    show_if = relationship("SurveyOption", foreign_keys=[show_if_option_id], post_update=True)


class SurveyOption(db.Model):
    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = fk("survey_questions.id", "CASCADE", index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(120))

    question: Mapped[SurveyQuestion] = relationship(
        back_populates="options", foreign_keys=[question_id]
    )


class SurveyRespondent(UnlinkableMark, db.Model):
    """The "has responded" mark: a survey and a person, nothing else (no time, no order)."""

    __tablename__ = "survey_respondents"

    survey_id: Mapped[int] = fk("surveys.id", "CASCADE", primary_key=True)


class SurveyResponse(db.Model):
    """One response: a random key and its survey; the respondent only on a named survey."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = random_key()
    survey_id: Mapped[int] = fk("surveys.id", "CASCADE", index=True)
    respondent_id: Mapped[int | None] = fk("users.id", "SET NULL")


class SurveyAnswer(db.Model):
    """One answer of a response: an option (a choice; one row per option ticked), a value
    (the scale) or a text."""

    __tablename__ = "survey_answers"

    id: Mapped[str] = random_key()
    survey_id: Mapped[int] = fk("surveys.id", "CASCADE", index=True)
    response_id: Mapped[str] = fk("survey_responses.id", "CASCADE", index=True)
    question_id: Mapped[int] = fk("survey_questions.id", "CASCADE")
    option_id: Mapped[int | None] = fk("survey_options.id", "CASCADE")
    value: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text, default="")


class ActivityRating(db.Model):
    """A participant's stars (1–5) and optional comment after an activity they checked in to."""

    __tablename__ = "activity_ratings"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = timestamp(index=True)

    activity = relationship("Activity")
    user = relationship("User")
