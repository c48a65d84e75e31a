"""Answering a survey, named or anonymous.

An anonymous response cannot be tied to its respondent (the rule of ballots, see
`app.blueprints.congress.services.evaluations`):
- the respondent's mark (`SurveyRespondent`: survey, user) and the response tables share no
  key and have no time column; response and answer keys are random;
- every anonymous response rewrites ALL of the survey's responses and answers in a shuffled
  order under fresh random keys, so the database's own row order and transaction ids say
  nothing about which response came when;
- answering writes no audit entry, notification or log line; the mark is the only trace;
- an offline answer's outbox record carries a random `salt` in its data, so the digest the
  sync table keeps of the record cannot be matched to answers by trying them all.

Everything is checked before anything is written.
"""

import random
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.models._types import utcnow
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyRespondent,
    SurveyResponse,
    new_key,
)

from ..access import in_audience

TEXT_LIMIT = 500
_shuffle = random.SystemRandom().shuffle


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return survey.opens_at <= now < survey.closes_at


def is_closed(survey: Survey, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= survey.closes_at


def has_responded(user, survey: Survey) -> bool:
    return db.session.get(SurveyRespondent, (survey.id, user.id)) is not None


def parse_answers(survey: Survey, data) -> dict:
    """The answers of a posted form or an outbox record: fields `q<question id>` (a list for
    a multiple choice). A field naming a question outside this survey is refused."""
    ids = {q.id for q in survey.questions}
    answers: dict = {}
    for key in data:
        if not (isinstance(key, str) and key.startswith("q")):
            continue
        qid = int(key[1:]) if key[1:].isdigit() and len(key) < 13 else -1
        if qid not in ids:
            raise ValidationFailed.on("form", _("The answers name a question not in this survey."))
        getter = getattr(data, "getlist", None)
        value = getter(key) if getter else data[key]
        answers[qid] = value
    return answers


def _values(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in items if str(v).strip()]


def _rows(survey: Survey, answers: dict) -> list[tuple]:
    """Check every answer; (question_id, option_id, value, text) rows to write."""
    rows: list[tuple] = []
    chosen: set[int] = set()  # options picked so far: they show conditional questions
    for number, question in enumerate(survey.questions, start=1):
        field = f"q{question.id}"
        shown = question.show_if_option_id is None or question.show_if_option_id in chosen
        values = _values(answers.get(question.id)) if shown else []
        if not values:
            if shown and question.required:
                raise ValidationFailed.on(field, _("Question %(n)d must be answered.", n=number))
            continue
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = {str(o.id): o.id for o in question.options}
            if any(v not in options for v in values):
                raise ValidationFailed.on(
                    field,
                    _("Question %(n)d: that option does not exist in this survey.", n=number),
                )
            if question.kind is QuestionKind.SINGLE and len(set(values)) > 1:
                raise ValidationFailed.on(
                    field, _("Question %(n)d: choose only one option.", n=number)
                )
            for v in dict.fromkeys(values):
                chosen.add(options[v])
                rows.append((question.id, options[v], None, ""))
        elif question.kind is QuestionKind.SCALE:
            if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
                raise ValidationFailed.on(
                    field, _("Question %(n)d: choose a score from 1 to 5.", n=number)
                )
            rows.append((question.id, None, int(values[0]), ""))
        else:
            if len(values) != 1:
                raise ValidationFailed.on(field, _("Question %(n)d: one answer.", n=number))
            text = clean_text(values[0], field, limit=TEXT_LIMIT)
            rows.append((question.id, None, None, text))
    return rows


def _lock(survey_id: int) -> None:
    """Serialise answers to one survey (`FOR UPDATE` on PostgreSQL, the write lock on SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Survey.id).where(Survey.id == survey_id).with_for_update())
    else:
        db.session.execute(update(Survey).where(Survey.id == survey_id).values(id=Survey.id))


def respond(user, survey: Survey, answers: dict) -> Survey:
    """Record one person's response; refused when the survey is not open, the person is not
    asked or has answered already, or an answer is wrong. Flushes; the caller commits."""
    rows = _rows(survey, answers)
    _lock(survey.id)
    if not is_open(survey):
        if is_closed(survey):
            raise Refused(_("This survey has closed; no more answers are taken."))
        raise Refused(_("This survey has not opened yet."))
    if not in_audience(user, survey):
        raise Refused(_("This survey is not addressed to you."), 403)
    if has_responded(user, survey):
        raise Refused(_("You have already answered this survey; each person answers once."))
    db.session.add(SurveyRespondent(survey_id=survey.id, user_id=user.id))
    if survey.anonymous:
        _rewrite(survey.id, rows)
    else:
        key = new_key()
        db.session.execute(
            insert(SurveyResponse), [{"id": key, "survey_id": survey.id, "respondent_id": user.id}]
        )
        _insert_answers(survey.id, [(key, row) for row in rows])
    db.session.flush()
    return survey


def _insert_answers(survey_id: int, keyed_rows: list) -> None:
    values = [
        {
            "id": new_key(),
            "survey_id": survey_id,
            "response_id": key,
            "question_id": question_id,
            "option_id": option_id,
            "value": value,
            "text": text,
        }
        for key, (question_id, option_id, value, text) in keyed_rows
    ]
    _shuffle(values)
    if values:
        db.session.execute(insert(SurveyAnswer), values)


def _rewrite(survey_id: int, rows: list[tuple]) -> None:
    """Add the new response and write the whole survey's responses anew, shuffled, under
    fresh keys (see the module docstring)."""
    sheets: dict[str, list] = {
        key: []
        for key in db.session.scalars(
            select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id)
        )
    }
    for key, question_id, option_id, value, text in db.session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.question_id,
            SurveyAnswer.option_id,
            SurveyAnswer.value,
            SurveyAnswer.text,
        ).where(SurveyAnswer.survey_id == survey_id)
    ):
        sheets[key].append((question_id, option_id, value, text))
    all_sheets = list(sheets.values()) + [list(rows)]
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id))
    db.session.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey_id))
    _shuffle(all_sheets)
    responses, keyed = [], []
    for sheet in all_sheets:
        key = new_key()
        responses.append({"id": key, "survey_id": survey_id, "respondent_id": None})
        keyed += [(key, row) for row in sheet]
    db.session.execute(insert(SurveyResponse), responses)
    _insert_answers(survey_id, keyed)
