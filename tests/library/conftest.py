"""A small library world: a team with a post, its worker and team leader, a publisher, a
procedure tied to the post and to a machine in the team's area, a question bank and an exam
that issues a qualification type the post requires."""

from dataclasses import dataclass

import pytest
from flask import current_app
from werkzeug.datastructures import MultiDict

from app.blueprints.gate.services import type_named
from app.blueprints.library import services
from app.extensions import db as _db
from app.models import Role
from app.models.gate import Post, PostHolder, PostRequirement, TeamLeader
from tests.factories import make_department, make_user
from tests.safety.factories import make_area

QUESTIONS = [
    ("single", "车床操作时应：", "戴手套\n扎紧袖口", "2", "旋转部件会卷入手套。"),
    ("true_false", "触电时可以用手拉开触电者。", "", "2", "应先切断电源。"),
    ("multiple", "吊装前检查：", "钢丝绳\n吊钩\n衣服颜色", "1,2", "受力部件必须检查。"),
]


@dataclass
class World:
    workshop: object
    team: object
    other_team: object
    area: object
    post: object
    qtype: object
    publisher: object
    worker: object
    other_worker: object
    leader: object
    document: object
    bank: object
    exam: object


def add_question(user, bank, kind, text, options, right, explanation):
    return services.add_question(
        user,
        bank,
        {
            "kind": kind,
            "text": text,
            "options": options,
            "correct": right,
            "explanation": explanation,
        },
    )


@pytest.fixture
def world(app, db):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other_team = make_department("铣工班", parent=workshop)
    area = make_area(workshop, name="数控车床区")
    publisher = make_user(Role.SAFETY_OFFICER, name="李安全", department=workshop)
    worker = make_user(name="孙车工", employee_no="W0001", department=team)
    other_worker = make_user(name="周铣工", employee_no="W0002", department=other_team)
    leader = make_user(name="钱班长", employee_no="L0001", department=team)
    qtype = type_named("数控车床安全操作合格", is_safety=True, validity_months=24)
    post = Post(department_id=team.id, name="数控车工", active=True)
    _db.session.add(post)
    _db.session.flush()
    _db.session.add_all(
        [
            PostHolder(post_id=post.id, user_id=worker.id),
            PostHolder(post_id=post.id, user_id=other_worker.id),
            PostRequirement(post_id=post.id, type_id=qtype.id),
            TeamLeader(department_id=team.id, user_id=leader.id),
        ]
    )
    _db.session.flush()
    document = services.publish_document(
        publisher,
        MultiDict(
            {
                "title": "数控车床安全操作规程",
                "category": "procedure",
                "machine": "1号车床",
                "area_id": str(area.id),
                "post_ids": str(post.id),
                "body": "开机前检查防护罩。\n\n严禁戴手套操作。",
            }
        ),
    )
    bank = services.add_bank(publisher, {"topic": "安全生产知识"})
    for row in QUESTIONS:
        add_question(publisher, bank, *row)
    exam = services.add_exam(
        publisher,
        {
            "title": "车床安全考试",
            "bank_id": bank.id,
            "question_count": 3,
            "minutes": 10,
            "pass_score": 60,
            "qualification_type_id": qtype.id,
            "valid_months": 24,
        },
    )
    _db.session.commit()
    return World(
        workshop,
        team,
        other_team,
        area,
        post,
        qtype,
        publisher,
        worker,
        other_worker,
        leader,
        document,
        bank,
        exam,
    )


def revise(
    world, body="开机前检查防护罩。\n\n严禁戴手套操作。\n\n测量前停车。", changes="新增测量前停车。"
):
    data = MultiDict(
        {
            "title": world.document.title,
            "category": "procedure",
            "machine": "1号车床",
            "area_id": str(world.area.id),
            "post_ids": str(world.post.id),
            "body": body,
            "changes": changes,
        }
    )
    with current_app.test_request_context():  # the workers' notice carries a link
        version = services.revise_document(world.publisher, world.document, data)
    _db.session.commit()
    return version


def right_answers(attempt) -> dict:
    """The form data that answers every question of `attempt` right."""
    from app.models.library import Question

    data = MultiDict()
    for question_id in attempt.question_ids:
        question = _db.session.get(Question, question_id)
        for index in question.correct:
            data.add(f"q{question_id}", str(index))
    return data
