"""Demo surveys: last year's annual member satisfaction survey (closed, anonymous, with enough
responses to show results), this year's run of it (open), and ratings on past activities.
Runs once: when a demo survey exists it leaves everything as it is."""

import random
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models._types import utcnow
from app.models.activities import Activity, Participation
from app.models.surveys import ActivityRating, Survey, SurveyRespondent

from .services.responses import _rewrite

TITLE = "职工之家会员满意度测评"
QUESTIONS = [
    ("single", "您对职工之家建设的总体评价？", True, ["满意", "基本满意", "不满意"], ""),
    ("scale", "工会活动的丰富程度", True, [], ""),
    ("scale", "职工诉求的办理效率", True, [], ""),
    (
        "multiple",
        "您最希望工会加强哪些方面？",
        False,
        ["文体活动", "技能培训", "困难帮扶", "安全生产"],
        "",
    ),
    ("text", "您不满意的主要原因是？", False, [], "1:不满意"),
]


def _rows():
    return [
        {"kind": k, "text": t, "required": "y" if r else "", "options": "\n".join(o), "show_if": s}
        for k, t, r, o, s in QUESTIONS
    ]


def _build(organizer, title, opens, closes, previous=None):
    from .services.building import _questions, add_with_questions

    survey = Survey(
        title=title,
        intro="请如实填写，匿名提交，约一分钟。",
        anonymous=True,
        opens_at=opens,
        closes_at=closes,
        min_responses=5,
        is_satisfaction=True,
        previous=previous,
        created_by_id=organizer.id,
    )
    return add_with_questions(survey, _questions(_rows(), {}))


def _answer(survey, people, rng):
    q = survey.questions
    for person in people:
        overall = rng.choices(q[0].options, weights=[6, 3, 1])[0]
        rows = [(q[0].id, overall.id, None, "")]
        rows.append((q[1].id, None, rng.choice([3, 4, 4, 5, 5]), ""))
        rows.append((q[2].id, None, rng.choice([2, 3, 4, 4, 5]), ""))
        for option in rng.sample(q[3].options, 2):
            rows.append((q[3].id, option.id, None, ""))
        if overall.label == "不满意":
            rows.append((q[4].id, None, None, "食堂排队时间太长"))
        db.session.add(SurveyRespondent(survey_id=survey.id, user_id=person.id))
        _rewrite(survey.id, rows)


def load(ctx) -> list:
    if db.session.scalar(select(Survey.id).where(Survey.title.like(f"{TITLE}%"))):
        return []
    rng = random.Random(18)
    organizer = User.by_employee_no("O0001") or db.session.scalar(select(User).limit(1))
    now = utcnow()
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.employee_no != "M0001").order_by(User.id)
    ).all()
    last = _build(
        organizer,
        f"{TITLE}（上期）",
        now - timedelta(days=40),
        now - timedelta(days=10),
    )
    _answer(last, people[:12], rng)
    this = _build(
        organizer, f"{TITLE}（本期）", now - timedelta(days=2), now + timedelta(days=20), last
    )
    _answer(this, people[:6], rng)
    # Ratings from everyone who checked in to an activity that has ended.
    for participation in db.session.scalars(
        select(Participation)
        .join(Activity, Activity.id == Participation.activity_id)
        .where(Participation.checked_in_at.is_not(None), Activity.ends_at < now)
    ):
        db.session.add(
            ActivityRating(
                activity_id=participation.activity_id,
                user_id=participation.user_id,
                stars=rng.choice([3, 4, 4, 5, 5]),
                comment=rng.choice(["", "组织得很好", "希望多办几次", ""]),
                rated_at=now,
            )
        )
    db.session.flush()
    return []


def register(reg) -> None:
    reg.demo(load)
