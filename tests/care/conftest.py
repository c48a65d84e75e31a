"""Fixtures for the care tests: one person per role and a small world of care data made
through the services (a file with an attachment, a plan with a visit, aid requests, a
campaign with a recipient, a proposal)."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image

from app.blueprints.care.parse import local_today
from app.blueprints.care.services import aid, campaigns, files, visits
from app.extensions import db
from app.models import Role
from tests.factories import make_department, make_user

ROLES = ("member", "inspector", "safety_officer", "organizer", "care_officer", "admin")


def jpeg(width=64, height=48, color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def visit_form(world, **fields) -> dict:
    """The visit form's fields for the world's file on its plan, visited today."""
    return {
        "file_id": str(world.file.id),
        "plan_id": str(world.plan.id),
        "visited_on": local_today().isoformat(),
        "visitors": "帮扶专干",
        "situation": "家中老人住院，收入减少",
        **fields,
    }


class Upload(io.BytesIO):
    """What a form's file part looks like to a service."""

    def __init__(self, data: bytes, filename: str):
        super().__init__(data)
        self.filename = filename
        self.stream = self


@dataclass
class World:
    people: dict
    worker: object
    file: object
    plan: object
    visit: object
    campaign: object
    recipient: object
    aid_request: object  # reported by people["member"]
    other_aid: object  # reported by another member
    proposal: object
    attachment: object
    member_id: int


@pytest.fixture
def people(app):
    app.config["UPLOAD_FOLDER"] = app.instance_path + "/uploads"
    workshop = make_department("装配车间")
    team = make_department("总装一班", parent=workshop)
    cast = {"member": make_user(department=team, name="普通会员")}
    for role in ROLES[1:]:
        cast[role] = make_user(Role(role), name=f"角色{role}", department=workshop)
    cast["other_member"] = make_user(department=team, name="另一会员")
    return cast


@pytest.fixture
def world(app, people):
    officer = people["care_officer"]
    today = local_today()
    worker = people["other_member"]
    file = files.open_file(
        officer,
        {
            "worker": worker.employee_no,
            "level": "extreme",
            "cause": "illness",
            "situation": "妻子长期透析",
            "income": "2500",
            "address": "生活区3栋",
            "phone": "13800000000",
            "opened_on": (today - timedelta(days=30)).isoformat(),
        },
        [Upload(jpeg(), "证明.jpg")],
    )
    member = files.add_member(
        officer, file, {"name": "王秀兰", "relation": "妻子", "monthly_income": "0"}
    )
    plan = visits.create_plan(
        officer,
        {
            "title": "春节走访",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(),
            "level": "extreme",
        },
    )
    visit, _ = visits.record_visit(
        officer,
        {
            "file_id": file.id,
            "plan_id": plan.id,
            "visited_on": today.isoformat(),
            "visitors": "帮扶专干",
            "situation": "情况稳定",
        },
    )
    campaign = campaigns.create_campaign(
        officer,
        {
            "title": "夏送清凉",
            "kind": "summer",
            "budget": "1000",
            "gift": "绿豆",
            "amount_each": "50",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=10)).isoformat(),
        },
    )
    campaigns.add_recipients(officer, campaign, {"mode": "level", "level": "extreme"})
    db.session.flush()
    aid_request = aid.report_aid(
        people["member"],
        {
            "for_whom": "self",
            "event_type": "hospital",
            "happened_on": today.isoformat(),
            "description": "住院手术",
        },
    )
    other_aid = aid.report_aid(
        worker,
        {
            "for_whom": "self",
            "event_type": "bereavement",
            "happened_on": today.isoformat(),
            "description": "父亲病故",
        },
    )
    proposal = files.propose(
        people["member"],
        {"worker": people["inspector"].employee_no, "cause": "other", "reason": "家里困难"},
    )
    db.session.commit()
    from app.models.care import CareAttachment

    attachment = db.session.scalar(
        db.select(CareAttachment).where(CareAttachment.file_id == file.id)
    )
    return World(
        people=people,
        worker=worker,
        file=file,
        plan=plan,
        visit=visit,
        campaign=campaign,
        recipient=campaign.recipients[0],
        aid_request=aid_request,
        other_aid=other_aid,
        proposal=proposal,
        attachment=attachment,
        member_id=member.id,
    )
