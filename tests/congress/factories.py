"""Rows the congress tests need, made through the feature's own services."""

import io
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.blueprints.congress.services import evaluations, motions, notices, rounds, sessions
from app.blueprints.congress.services.common import today
from app.config import LOCAL_TZ
from app.extensions import db
from app.models import Role
from app.models._types import utcnow
from app.models.congress import (
    BallotComment,
    BallotGrade,
    Electorate,
    EvaluationBallot,
    EvaluationVoter,
    NoticeCategory,
)
from tests.factories import make_department, make_user

PDF = b"%PDF-1.4\n% test document\n"


def organizer():
    return make_user(Role.ORGANIZER)


def make_session(by, term_no=5, session_no=3, **values):
    day = today()
    data = {
        "term_no": term_no,
        "session_no": session_no,
        "title": "第五届职工代表大会第三次会议",
        "starts_on": day - timedelta(days=10),
        "ends_on": day - timedelta(days=9),
        "place": "大礼堂",
        "agenda": "一、工作报告",
        "term_ends_on": day + timedelta(days=400),
        **values,
    }
    session = sessions.save_session(by, data)
    db.session.commit()
    return session


def make_delegate(by, session, user=None, department=None):
    user = user or make_user(department=department)
    sessions.add_delegate(
        by, session, user.employee_no, department, session.starts_on, session.term_ends_on
    )
    db.session.commit()
    return user


def make_contact(by, session, department, user=None):
    user = user or make_user(department=department)
    sessions.add_contact(by, session, user.employee_no, department)
    db.session.commit()
    return user


def make_motion(session, proposer, cosigners=(), title="增设夜班热餐点"):
    motion = motions.draft(
        proposer, session, {"title": title, "reasons": "夜班就餐不便。", "measures": "增设热餐点。"}
    )
    for person in cosigners:
        motions.cosign(person, motion)
    db.session.commit()
    return motion


def submitted_motion(session, proposer, cosigners, **kwargs):
    motion = make_motion(session, proposer, cosigners, **kwargs)
    motions.submit(proposer, motion)
    db.session.commit()
    return motion


def assigned_motion(by, session, proposer, cosigners, department, days=10, **kwargs):
    motion = submitted_motion(session, proposer, cosigners, **kwargs)
    motions.review(by, motion, "accept", "", department, [], today() + timedelta(days=days))
    db.session.commit()
    return motion


def make_round(by, session=None, departments=(), k=5, opens=-1, closes=7, leaders=None):
    """A round opening `opens` days from now and closing `closes` days from now."""
    now = utcnow()
    round_ = rounds.create_round(
        by,
        {
            "title": "年度民主评议",
            "electorate": (Electorate.DELEGATES if session else Electorate.DEPARTMENTS).value,
            "session": session,
            "opens_at": now + timedelta(days=opens),
            "closes_at": now + timedelta(days=max(closes, 1)),
            "min_ballots": k,
        },
        leaders or [("张总", "总经理"), ("王书记", "党委书记")],
        ["政治素质", "工作能力与实绩"],
        list(departments),
    )
    db.session.commit()
    return round_


def new_round_form(departments, leaders: str) -> dict:
    """The fields of the new-round form: a round of `departments` rating `leaders` (typed as
    the form's lines), open since yesterday."""
    day = utcnow().astimezone(LOCAL_TZ).date()
    return {
        "title": "中层干部民主评议",
        "electorate": "departments",
        "session": 0,
        "departments": [d.id for d in departments],
        "opens_at": f"{(day - timedelta(days=1)).isoformat()}T00:00",
        "closes_at": f"{(day + timedelta(days=3)).isoformat()}T00:00",
        "min_ballots": 3,
        "leaders": leaders,
        "dimensions": "政治素质\n工作能力与实绩",
    }


def workshop_round(k=3, opens=-1, link="h0001"):
    """机加工车间 with its head 钱建国 (H0001) and three members; a round of the workshop
    rating 何主任 and 钱主任, 钱主任 linked to his account by `link` ("": not linked).
    Returns the round, the head and the members."""
    workshop = make_department("机加工车间")
    head = make_user(employee_no="H0001", name="钱建国", department=workshop)
    members = [make_user(department=workshop) for _ in range(3)]
    round_ = make_round(
        organizer(),
        departments=[workshop],
        k=k,
        opens=opens,
        leaders=[("何主任", "装配车间主任"), ("钱主任", "机加工车间主任", link)],
    )
    return round_, head, members


def ballot_form(round_, overall="competent", grade="good", strengths="", weaknesses="", voter=None):
    """The form fields of a complete ballot (`voter`'s: without a section for themselves),
    made for the round's people as they are now."""
    data = {evaluations.PEOPLE_FIELD: evaluations.people_version(round_)}
    for leader in round_.leaders:
        if voter is not None and leader.user_id == voter.id:
            continue
        data[f"o-{leader.id}"] = overall
        for dimension in round_.dimensions:
            data[f"g-{leader.id}-{dimension.id}"] = grade
        data[f"s-{leader.id}"] = strengths
        data[f"w-{leader.id}"] = weaknesses
    return data


def vote(user, round_, **kwargs):
    form = ballot_form(round_, voter=user, **kwargs)
    grades, comments = evaluations.parse_ballot(round_, form, user)
    evaluations.cast_ballot(user, round_, grades, comments, form[evaluations.PEOPLE_FIELD])
    db.session.commit()


def stored() -> tuple[int, ...]:
    """How many "has voted" marks, ballot sheets, grades and comments the database holds."""
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (EvaluationVoter, EvaluationBallot, BallotGrade, BallotComment)
    )


def close(round_):
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def pdf(name="报告.pdf"):
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def make_notice(by, departments=(), files=(), **values):
    data = {
        "title": "前三季度经营情况",
        "body": "营业收入同比增长8%。",
        "category": NoticeCategory.BUSINESS.value,
        "pinned": False,
        "closes_on": None,
        **values,
    }
    notice = notices.publish(by, data, list(departments), list(files))
    db.session.commit()
    return notice


def own_ballot(client, auth, head, round_id: int, colleague, himself) -> str:
    """The ballot page of `head`, the leader `himself` linked to his account: asserted to hold
    `colleague`'s section, not his own, and to say why. Returned for the test's own checks."""
    from tests.helpers import text

    auth.login(head)
    page = text(client.get(f"/congress/evaluations/{round_id}"))
    assert f'name="o-{colleague.id}"' in page
    assert f'name="o-{himself.id}"' not in page and f'name="s-{himself.id}"' not in page
    assert "您是本次评议的对象之一，您的选票上没有评议自己的部分。" in page
    return page
