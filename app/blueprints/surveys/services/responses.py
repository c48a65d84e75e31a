"""Answering a survey, named or anonymous.

An anonymous response cannot be tied to its respondent: responses are kept as
`app.services.unlinkable` keeps anonymous sheets (`RESPONSES`, the design of the congress's
ballots). The respondent's mark (`SurveyRespondent`: survey, user) and the response tables
share no key and no time; every anonymous response takes the survey's lock and rewrites all of
the survey's responses and answers in a shuffled order under fresh random keys; answering
writes no audit entry, notification or log line. An offline answer's outbox record carries a
random `salt` in its data, so the digest the sync table keeps of the record cannot be matched
to answers by trying them all.

Everything is checked before anything is written.
"""

from datetime import datetime

from flask_babel import gettext as _

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text, parse_id
from app.models._types import utcnow
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyRespondent,
    SurveyResponse,
)
from app.services.inputs import add_error
from app.services.rows import lock_row
from app.services.unlinkable import Store

from ..access import in_audience

TEXT_LIMIT = 500

RESPONSES = Store(
    mark=SurveyRespondent,
    sheet=SurveyResponse,
    scope="survey_id",
    link="response_id",
    lines={SurveyAnswer: ("question_id", "option_id", "value", "text")},
)


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return survey.opens_at <= now < survey.closes_at


def is_closed(survey: Survey, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= survey.closes_at


def has_responded(user, survey: Survey) -> bool:
    return RESPONSES.has_mark(survey.id, user.id)


def parse_answers(survey: Survey, data) -> dict:
    """The answers of a posted form or an outbox record: fields `q<question id>` (a list for
    a multiple choice). A field naming a question outside this survey is refused."""
    ids = {q.id for q in survey.questions}
    answers: dict = {}
    for key in data:
        if not (isinstance(key, str) and key.startswith("q")):
            continue
        qid = parse_id(key[1:]) or -1
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
    """Check every answer; (question_id, option_id, value, text) rows to write, or
    `ValidationFailed` with what is wrong, each at its question (`q<question id>`)."""
    rows: list[tuple] = []
    errors: dict[str, list[str]] = {}
    chosen: set[int] = set()  # options picked so far: they show conditional questions
    for number, question in enumerate(survey.questions, start=1):
        field = f"q{question.id}"
        shown = question.show_if_option_id is None or question.show_if_option_id in chosen
        values = _values(answers.get(question.id)) if shown else []
        if values or (shown and question.required):
            wrong = _answer_rows(question, number, values, rows, chosen)
            if wrong:
                add_error(errors, field, wrong)
    if errors:
        raise ValidationFailed(errors)
    return rows


def _answer_rows(question, number: int, values: list[str], rows: list, chosen: set):
    """One question's answer (`values`) added to `rows` (its options to `chosen`); or what is
    wrong with it."""
    if not values:
        return _("Question %(n)d must be answered.", n=number)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = {str(o.id): o.id for o in question.options}
        if any(v not in options for v in values):
            return _("Question %(n)d: that option does not exist in this survey.", n=number)
        if question.kind is QuestionKind.SINGLE and len(set(values)) > 1:
            return _("Question %(n)d: choose only one option.", n=number)
        for v in dict.fromkeys(values):
            chosen.add(options[v])
            rows.append((question.id, options[v], None, ""))
    elif question.kind is QuestionKind.SCALE:
        if len(values) != 1 or values[0] not in {"1", "2", "3", "4", "5"}:
            return _("Question %(n)d: choose a score from 1 to 5.", n=number)
        rows.append((question.id, None, int(values[0]), ""))
    else:
        if len(values) != 1:
            return _("Question %(n)d: one answer.", n=number)
        try:
            text = clean_text(values[0], "text", limit=TEXT_LIMIT)
        except ValidationFailed as refused:
            return refused.errors["text"][0]
        rows.append((question.id, None, None, text))
    return None


class AlreadyAnswered(Refused):
    """This person's answer to this survey is in already: another one (a copy of the form on
    a phone) is the same fact again, which the phone may take as done."""


def respond(user, survey: Survey, answers: dict) -> Survey:
    """Record one person's response; refused when the survey is not open, the person is not
    asked or has answered already (`AlreadyAnswered`), or an answer is wrong (every wrong
    answer at its question). Flushes; the caller commits."""
    lock_row(Survey, survey.id)  # answers to one survey, one at a time
    if not is_open(survey):
        if is_closed(survey):
            raise Refused(_("This survey has closed; no more answers are taken."))
        raise Refused(_("This survey has not opened yet."))
    if not in_audience(user, survey):
        raise Refused(_("This survey is not addressed to you."), 403)
    if has_responded(user, survey):
        raise AlreadyAnswered(_("You have already answered this survey; each person answers once."))
    rows = _rows(survey, answers)
    RESPONSES.add_mark(survey.id, user.id)
    if survey.anonymous:
        _rewrite(survey.id, rows)
    else:
        RESPONSES.add(survey.id, {SurveyAnswer: rows}, respondent_id=user.id)
    db.session.flush()
    return survey


def _rewrite(survey_id: int, rows: list[tuple]) -> None:
    """Add an anonymous response (`rows`: question_id, option_id, value, text) and rewrite
    the survey's responses (`Store.rewrite`)."""
    RESPONSES.rewrite(survey_id, {SurveyAnswer: rows})
