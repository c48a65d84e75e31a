"""A survey's results: counts and percentages per option, the scale's mean and spread, the
text answers (shuffled), and the previous run's figures beside them.

No result is shown from fewer than k responses; an anonymous survey's results only after it
has closed (while it is open, each new response would show as a change); and only to the
organizers and the chairman.
"""

import random
from collections import Counter

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, or_, select

from app.errors import Refused
from app.extensions import db
from app.models.surveys import QuestionKind, Survey, SurveyAnswer
from app.scorecard import half_up

from ..access import is_manager
from .responses import RESPONSES, is_closed

_shuffle = random.SystemRandom().shuffle


def response_count(survey: Survey) -> int:
    return RESPONSES.count(survey.id)


def results_refusal(user, survey: Survey, count: int | None = None) -> str | None:
    """Why `user` may not see the results now (None: they may). `count`: the survey's
    responses, when the caller has counted them already."""
    if not is_manager(user):
        return pgettext("survey", "Results are for the union organizers and the chairman.")
    if survey.anonymous and not is_closed(survey):
        return _("The results of an anonymous survey are shown only after it closes.")
    count = response_count(survey) if count is None else count
    if count < survey.min_responses:
        return _(
            "Only %(n)d responses so far; results are shown only from %(k)d responses, "
            "so that no one's answers can be made out.",
            n=count,
            k=survey.min_responses,
        )
    return None


def _figures(survey: Survey, count: int) -> dict:
    """{question_id: {...}} for every question of `survey` (no checks), from its `count`
    responses. Counted by the database: the answers are never read one by one, only the
    free texts, which the page lists."""
    mine = SurveyAnswer.survey_id == survey.id
    options: Counter = Counter()
    scale: dict[int, Counter] = {}
    for question_id, option_id, value, n in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.value, func.count())
        .where(mine, or_(SurveyAnswer.option_id.is_not(None), SurveyAnswer.value.is_not(None)))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.value)
    ):
        if option_id is not None:
            options[option_id] += n
        else:
            scale.setdefault(question_id, Counter())[value] += n
    # How many responses answered each question (a multiple choice answers in several rows).
    per_question = dict(
        db.session.execute(
            select(SurveyAnswer.question_id, func.count(SurveyAnswer.response_id.distinct()))
            .where(mine)
            .group_by(SurveyAnswer.question_id)
        ).all()
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.text).where(
            mine,
            SurveyAnswer.option_id.is_(None),
            SurveyAnswer.value.is_(None),
            SurveyAnswer.text != "",
        )
    ):
        texts.setdefault(question_id, []).append(text)
    figures = {}
    for question in survey.questions:
        n = per_question.get(question.id, 0)
        entry = {"question": question, "answered": n, "responses": count}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            entry["options"] = [
                {
                    "label": o.label,
                    "count": options[o.id],
                    "percent": half_up(100 * options[o.id], n, 1) if n else 0.0,
                }
                for o in question.options
            ]
        elif question.kind is QuestionKind.SCALE:
            spread = scale.get(question.id, Counter())
            total = sum(spread.values())
            entry["mean"] = half_up(sum(v * c for v, c in spread.items()), total) if total else None
            entry["distribution"] = [
                {
                    "label": str(v),
                    "count": spread[v],
                    "percent": half_up(100 * spread[v], total, 1) if total else 0.0,
                }
                for v in range(1, 6)
            ]
        else:
            listed = list(texts.get(question.id, []))
            _shuffle(listed)
            entry["texts"] = listed
        figures[question.id] = entry
    return figures


def _previous(survey: Survey) -> dict:
    """The previous run's figures, matched by question position: {position: entry}."""
    previous = survey.previous
    if previous is None or results_refusal_any(previous):
        return {}
    figures = _figures(previous, response_count(previous))
    return {q.position: figures[q.id] for q in previous.questions}


def results_refusal_any(survey: Survey) -> str | None:
    """A previous run is compared only when its own results could be shown."""
    if survey.anonymous and not is_closed(survey):
        return "open"
    if response_count(survey) < survey.min_responses:
        return "thin"
    return None


def results(user, survey: Survey) -> dict:
    """Everything the results page and the export show. Raises `Refused` unless
    `results_refusal` is None."""
    count = response_count(survey)
    reason = results_refusal(user, survey, count)
    if reason:
        raise Refused(reason, 403)
    figures = _figures(survey, count)
    previous = _previous(survey)
    questions = []
    for question in survey.questions:
        entry = figures[question.id]
        before = previous.get(question.position)
        if before and before["question"].kind == question.kind:
            entry["previous"] = before
            if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                old = {o["label"]: o["percent"] for o in before["options"]}
                for option in entry["options"]:
                    option["previous"] = old.get(option["label"])
        questions.append(entry)
    return {
        "survey": survey,
        "responses": count,
        "questions": questions,
        "previous": survey.previous if previous else None,
    }


def satisfaction_mean(survey: Survey) -> float | None:
    """The mean of every scale answer of a survey (the satisfaction survey's score)."""
    total, count = db.session.execute(
        select(func.sum(SurveyAnswer.value), func.count(SurveyAnswer.value)).where(
            SurveyAnswer.survey_id == survey.id, SurveyAnswer.value.is_not(None)
        )
    ).one()
    return half_up(total, count) if count else None
