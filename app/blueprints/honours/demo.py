"""Demo honours: last year's, named by the union, and one nomination of this year from the
machining workshop's head waiting for the union. Runs once."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.honours import Honour, HonourStatus, HonourTitle

from . import services

# employee number, honour, citation
LAST_YEAR = [
    ("S0001", HonourTitle.SAFETY, "全年带队巡检 300 余次，排查整改隐患 86 项，车间实现零事故。"),
    ("I0001", HonourTitle.ADVANCED, "群监网骨干，发现并跟踪整改重大隐患 3 项。"),
    ("M0001", HonourTitle.MEMBER, "积极参加工会活动，提出合理化建议 5 条。"),
    ("P0001", HonourTitle.SKILL, "市职工技能大赛车工组第一名，带徒 4 人。"),
    ("C0001", HonourTitle.BEAUTIFUL, "常年走访困难职工，风雨无阻。"),
]


def load(ctx) -> list:
    if db.session.scalar(select(func.count()).select_from(Honour)):
        return []
    union = User.by_employee_no("A0001")
    year = services.local_today().year
    for number, title, citation in LAST_YEAR:
        person = User.by_employee_no(number)
        if person is None:
            continue
        honour = Honour(
            year=year - 1,
            title=title,
            person=person,
            department_id=services.workshop_of(person),
            reason=citation,
            citation=citation,
            status=HonourStatus.AWARDED,
            nominated_by_id=union.id,
            decided_by_id=union.id,
        )
        db.session.add(honour)
    head = User.by_employee_no("H0001")
    worker = User.by_employee_no("P0002")
    if head is not None and worker is not None and services.headed_workshops(head):
        db.session.add(
            Honour(
                year=year,
                title=HonourTitle.SKILL,
                person=worker,
                department_id=services.workshop_of(worker),
                reason="自制刀具刃磨夹具，刃磨效率提高一倍。",
                nominated_by_id=head.id,
            )
        )
    db.session.flush()
    return []


def register(reg) -> None:
    reg.demo(load)
