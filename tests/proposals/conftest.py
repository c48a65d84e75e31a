"""A cast for proposal tests: a workshop with a designated head, proposers, the committee."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.blueprints.proposals import services
from app.extensions import db
from app.models import Role, User
from app.models.proposals import Proposal
from tests.factories import make_department, make_user

COMPLETE = {
    "title": "废切削液再生利用",
    "category": "reuse",
    "current_state": "切削液用三个月即整桶报废",
    "proposed_change": "增设过滤再生装置，循环使用",
    "expected_effect": "每年少买切削液约40桶",
}


@dataclass
class Cast:
    workshop: object
    team: object
    proposer: User
    coproposer: User
    head: User
    organizer: User
    admin: User
    officer: User
    inspector: User
    care: User
    outsider: User
    owner: User

    def by_role(self, role: str) -> User:
        return {
            "member": self.outsider,
            "inspector": self.inspector,
            "safety_officer": self.officer,
            "organizer": self.organizer,
            "care_officer": self.care,
            "admin": self.admin,
        }[role]


@pytest.fixture
def cast(app):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other = make_department("装配车间")
    people = Cast(
        workshop=workshop,
        team=team,
        proposer=make_user(name="孙车工", employee_no="P1", department=team),
        coproposer=make_user(name="褚车工", employee_no="P2", department=team),
        head=make_user(name="钱主任", employee_no="H1", department=workshop),
        organizer=make_user(Role.ORGANIZER, name="赵干事", employee_no="O1"),
        admin=make_user(Role.ADMIN, name="王主席", employee_no="A1"),
        officer=make_user(Role.SAFETY_OFFICER, name="李安全", employee_no="S1"),
        inspector=make_user(Role.INSPECTOR, name="张群监", employee_no="I1"),
        care=make_user(Role.CARE_OFFICER, name="陈帮扶", employee_no="C1"),
        outsider=make_user(name="刘职工", employee_no="M1", department=other),
        owner=make_user(name="设备科何工", employee_no="W1", department=workshop),
    )
    services.set_heads(people.organizer, workshop, [people.head.id])
    db.session.commit()
    return people


def advance(cast, state: str, **fields) -> Proposal:
    """A proposal of the cast's proposer (with a co-proposer at 40 %), taken to `state`."""
    from app.services.inputs import local_today

    data = {
        **COMPLETE,
        **fields,
        "share": "60",
        "coauthors": [{"employee_no": cast.coproposer.employee_no, "share": "40"}],
    }
    proposal, _ = services.save_proposal(cast.proposer, data, submit=state != "draft")
    steps = ["submitted", "reviewing", "scored", "adopted", "implemented", "awarded"]
    target = steps.index(state) if state in steps else -1
    if state == "draft" or target < 1:
        db.session.commit()
        return proposal
    services.give_opinion(cast.head, proposal, {"recommend": "yes", "note": "车间推荐"})
    if target >= 2:
        services.score_proposal(
            cast.organizer,
            proposal,
            {"technical": "25", "economic": "26", "scope": "15", "practicality": "18"},
        )
    if target >= 3:
        services.decide(
            cast.organizer,
            proposal,
            {
                "decision": "adopt",
                "reason": "投入小、见效快",
                "owner_id": str(cast.owner.id),
                "plan": "设备科一个月内装好",
                "due_on": (local_today() + timedelta(days=30)).isoformat(),
            },
        )
    if target >= 4:
        services.complete(
            cast.owner,
            proposal,
            {"benefit": "48000", "benefit_method": "对比实施前后三个月的采购台账"},
        )
    if target >= 5:
        services.award(cast.organizer, proposal, {"grade": "second", "amount": "2000"})
    db.session.commit()
    return proposal
