"""The people of an appeal: a member of a workshop, that workshop's head (named for
proposals), the workshop's 提案联络人 (a management account), the rights officer (an
organizer), the chairman, and one account of every other role."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from app.blueprints.appeals import services
from app.extensions import db as _db
from app.models import Role, User
from app.models.proposals import DepartmentHead
from tests.factories import make_department, make_user

APPEAL = {
    "category": "wages",
    "title": "加班费少算",
    "details": "11 月加班 20 小时只算了 12 小时。",
}


@dataclass
class Cast:
    member: User
    other_member: User
    head: User
    head_organizer: User
    officer: User
    chairman: User
    inspector: User
    safety_officer: User
    care_officer: User
    workshop: object


@pytest.fixture
def cast(db):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    head = make_user(name="钱主任", department=workshop)
    # A department head who is also an organizer: management still never sees appeals.
    head_organizer = make_user(Role.ORGANIZER, name="管主任", department=workshop)
    db.session.add_all(
        [
            DepartmentHead(department_id=workshop.id, user_id=head.id),
            DepartmentHead(department_id=workshop.id, user_id=head_organizer.id),
        ]
    )
    db.session.commit()
    return Cast(
        member=make_user(name="刘职工", employee_no="M7001", department=team),
        other_member=make_user(name="孙职工", department=team),
        head=head,
        head_organizer=head_organizer,
        officer=make_user(Role.ORGANIZER, name="赵干事"),
        chairman=make_user(Role.ADMIN, name="王主席"),
        inspector=make_user(Role.INSPECTOR),
        safety_officer=make_user(Role.SAFETY_OFFICER),
        care_officer=make_user(Role.CARE_OFFICER),
        workshop=workshop,
    )


def raise_named(user, **data):
    appeal, _code = services.raise_appeal(user, {**APPEAL, **data})
    _db.session.commit()
    return appeal


def raise_anonymous(user, **data):
    appeal, code = services.raise_appeal(user, {**APPEAL, "anonymous": "y", **data})
    _db.session.commit()
    return appeal, code


def step(officer, appeal, *actions):
    for action in actions:
        services.take_step(officer, appeal, action, f"{action} 说明")
    _db.session.commit()
    return appeal


def jpeg(size=(64, 48), colour="#884422") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()
