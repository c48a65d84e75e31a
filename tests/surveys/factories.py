"""Surveys for tests, built through the service as an organizer would."""

from datetime import timedelta

from sqlalchemy import update

from app.blueprints.surveys import services
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.surveys import QuestionKind, Survey
from tests.factories import make_user

ROWS = [
    {
        "text": "总体满意吗？",
        "kind": "single",
        "required": "y",
        "options": "满意\n基本满意\n不满意",
    },
    {"text": "食堂打几分？", "kind": "scale", "required": "y"},
    {"text": "希望加强哪些？", "kind": "multiple", "options": "文体\n培训\n帮扶"},
    {"text": "为什么不满意？", "kind": "text", "show_if": "1:不满意", "required": "y"},
]


def organizer():
    return make_user(Role.ORGANIZER)


def make_survey(boss=None, *, anonymous=True, k=5, rows=None, departments=(), **data) -> Survey:
    boss = boss or organizer()
    now = utcnow()
    values = {
        "title": "满意度测评",
        "audience": "all",
        "anonymous": anonymous,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=7),
        "min_responses": k,
    } | data
    survey = services.save_survey(boss, values, rows or ROWS, departments)
    db.session.commit()
    return survey


def form_for(survey: Survey, overall="满意", score=4, likes=("文体",), why="") -> dict:
    q = survey.questions
    data = {}
    if overall:
        data[f"q{q[0].id}"] = str(next(o.id for o in q[0].options if o.label == overall))
    if score:
        data[f"q{q[1].id}"] = str(score)
    data[f"q{q[2].id}"] = [str(o.id) for o in q[2].options if o.label in likes]
    if why:
        data[f"q{q[3].id}"] = why
    return data


def answer(user, survey: Survey, **kwargs) -> None:
    data = form_for(survey, **kwargs)
    services.respond(user, survey, services.parse_answers(survey, data))
    db.session.commit()


def close(survey: Survey) -> None:
    db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    db.session.refresh(survey)


def kinds(survey):
    return [q.kind for q in survey.questions] == [
        QuestionKind.SINGLE,
        QuestionKind.SCALE,
        QuestionKind.MULTIPLE,
        QuestionKind.TEXT,
    ]
