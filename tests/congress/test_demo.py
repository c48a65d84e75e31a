"""The demo's 民主评议 of the workshop heads rates the people the demo (and the README) make
those heads: 钱主任 of 机加工车间 and 何主任 of 装配车间."""

from sqlalchemy import select

from app.blueprints.congress.services import evaluations
from app.demo import load_demo
from app.extensions import db
from app.models import Department, User
from app.models.congress import EvaluationLeader, EvaluationRound
from app.models.proposals import DepartmentHead


def test_the_workshop_heads_round_rates_the_demo_s_workshop_heads(app):
    load_demo()
    db.session.commit()
    heads = {
        (name, f"{workshop}主任")
        for name, workshop in db.session.execute(
            select(User.name, Department.name)
            .join(DepartmentHead, DepartmentHead.user_id == User.id)
            .join(Department, Department.id == DepartmentHead.department_id)
        )
    }
    rated = set(
        db.session.execute(
            select(EvaluationLeader.name, EvaluationLeader.post)
            .join(EvaluationRound)
            .where(EvaluationRound.title.like("中层干部民主评议%"))
        ).tuples()
    )
    assert rated == heads == {("钱主任", "机加工车间主任"), ("何主任", "装配车间主任")}


def test_the_demo_s_qian_is_linked_to_his_account_and_is_not_asked_to_rate_himself(app):
    load_demo()
    db.session.commit()
    qian = db.session.scalar(
        select(EvaluationLeader)
        .join(EvaluationRound)
        .where(EvaluationRound.title.like("中层干部民主评议%"), EvaluationLeader.name == "钱主任")
    )
    assert qian.user.employee_no == "H0001"
    head = User.by_employee_no("H0001")
    assert [
        leader.name
        for leader in evaluations.sections(head, db.session.get(EvaluationRound, qian.round_id))
    ] == ["何主任"]
