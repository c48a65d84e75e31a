import uuid

import pytest
from sqlalchemy import func, select

from app.blueprints.safety import services
from app.blueprints.safety.services.hazards import hazard_recipients
from app.models import AuditLog, Role
from app.models.hazards import HazardAction, HazardEvent, HazardStatus
from tests.factories import make_user
from tests.safety.factories import assign, make_area, make_hazard, step


@pytest.fixture
def people(app):
    return {
        "officer": make_user(Role.SAFETY_OFFICER, name="李安全"),
        "officer2": make_user(Role.SAFETY_OFFICER, name="周安全"),
        "inspector": make_user(Role.INSPECTOR, name="张群监"),
        "member": make_user(name="刘职工"),
        "worker": make_user(name="王维修"),
    }


def test_full_lifecycle_appends_one_event_per_step(db, people):
    hazard = make_hazard(reporter=people["member"])
    assign(hazard, people["officer"], people["worker"])
    step(hazard, people["worker"], "start")
    step(hazard, people["worker"], "rectify", note="已更换防护罩")
    step(hazard, people["officer"], "verify", note="验收合格")

    assert hazard.status is HazardStatus.CLOSED
    assert hazard.closed_at is not None
    trail = [(e.action, e.from_status, e.to_status) for e in hazard.events]
    assert trail == [
        (HazardAction.REPORT, None, HazardStatus.REPORTED),
        (HazardAction.ASSIGN, HazardStatus.REPORTED, HazardStatus.ASSIGNED),
        (HazardAction.START, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING),
        (HazardAction.RECTIFY, HazardStatus.RECTIFYING, HazardStatus.AWAITING_VERIFICATION),
        (HazardAction.VERIFY, HazardStatus.AWAITING_VERIFICATION, HazardStatus.CLOSED),
    ]
    assert hazard.rectified_by_id == people["worker"].id
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"hazard.reported", "hazard.assign", "hazard.verify"} <= actions


def test_send_back_returns_to_rectifying(db, people):
    hazard = make_hazard()
    assign(hazard, people["officer"], people["worker"])
    step(hazard, people["worker"], "rectify", note="已处理")
    step(hazard, people["officer"], "send_back", note="还有油污")
    assert hazard.status is HazardStatus.RECTIFYING


def test_reject_needs_a_reason_and_keeps_it(db, people):
    hazard = make_hazard()
    with pytest.raises(services.ValidationFailed) as failed:
        services.act_on_hazard(people["officer"], hazard, "reject", {"note": " "})
    assert "note" in failed.value.errors
    db.session.rollback()
    step(hazard, people["officer"], "reject", note="不属于隐患")
    assert hazard.status is HazardStatus.REJECTED
    assert hazard.reject_reason == "不属于隐患"


@pytest.mark.parametrize(
    "setup, actor, action, message",
    [
        ([], "officer", "verify", "已上报"),  # closing an unassigned hazard
        ([], "inspector", "rectify", "被指派整改的人"),  # rectifying what is not yours
        ([("assign",)], "officer2", "rectify", "被指派整改的人"),
        ([("assign",), ("rectify_by_officer",)], "officer", "verify", "整改人以外"),
        ([("assign",)], "inspector", "assign", "安全员"),
    ],
)
def test_invalid_transitions_are_refused_in_chinese_and_write_nothing(
    db, people, setup, actor, action, message
):
    hazard = make_hazard()
    for (name,) in setup:
        if name == "assign":
            assign(hazard, people["officer"], people["worker"])
        elif name == "rectify_by_officer":
            assign(hazard, people["officer"], people["officer"])
            step(hazard, people["officer"], "rectify", note="自己整改")
    events_before = db.session.scalar(select(func.count(HazardEvent.id)))
    status_before = hazard.status
    with pytest.raises(services.Refused) as refused:
        services.act_on_hazard(
            people[actor], hazard, action, {"note": "x", "assignee_id": people["worker"].id}
        )
    db.session.rollback()
    assert message in refused.value.message
    assert db.session.scalar(select(func.count(HazardEvent.id))) == events_before
    assert hazard.status is status_before


def test_acting_on_a_hazard_you_cannot_see_is_not_found(db, people):
    hazard = make_hazard(reporter=people["member"])
    with pytest.raises(services.Refused) as refused:
        services.act_on_hazard(people["worker"], hazard, "comment", {"note": "看看"})
    assert refused.value.status == 404


def test_report_validates_every_field(db, people):
    with pytest.raises(services.ValidationFailed) as failed:
        services.report_hazard(
            people["member"],
            {"title": "x" * 121, "area_id": "999", "category": "nope", "severity": ""},
        )
    errors = failed.value.errors
    assert set(errors) == {"title", "area_id", "category", "severity"}
    assert errors["title"] == ["最多使用 120 个字符。"]


def test_assign_needs_a_future_due_date(db, people):
    hazard = make_hazard()
    with pytest.raises(services.ValidationFailed) as failed:
        services.act_on_hazard(
            people["officer"],
            hazard,
            "assign",
            {"assignee_id": people["worker"].id, "due_on": "2000-01-01"},
        )
    assert failed.value.errors["due_on"] == ["整改期限不能早于今天。"]


def test_same_client_id_is_idempotent_and_other_users_conflict(db, people):
    area = make_area()
    data = {"title": "漏电", "area_id": area.id, "category": "electrical", "severity": "major"}
    client_id = str(uuid.uuid4())
    first, created = services.report_hazard(people["member"], data, client_id=client_id)
    db.session.commit()
    again, created_again = services.report_hazard(people["member"], data, client_id=client_id)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    with pytest.raises(services.Conflict):
        services.report_hazard(people["worker"], data, client_id=client_id)


def test_captured_at_is_kept_beside_received_at(db, people):
    area = make_area()
    hazard, _ = services.report_hazard(
        people["member"],
        {"title": "漏电", "area_id": area.id, "category": "electrical", "severity": "major"},
        captured_at="2026-11-20T09:12:00+08:00",
    )
    assert hazard.captured_at.isoformat() == "2026-11-20T01:12:00+00:00"
    assert hazard.created_at > hazard.captured_at


def test_notification_recipients(db, people):
    hazard = make_hazard(reporter=people["member"])
    report = hazard.events[0]
    assert hazard_recipients(hazard, report) == {people["officer"].id, people["officer2"].id}
    assign(hazard, people["officer"], people["worker"])
    # the reporter follows every change of status
    assert hazard_recipients(hazard, hazard.events[-1]) == {
        people["worker"].id,
        people["member"].id,
    }
    step(hazard, people["worker"], "rectify", note="好了")
    step(hazard, people["officer2"], "verify")
    assert hazard_recipients(hazard, hazard.events[-1]) == {
        people["worker"].id,
        people["member"].id,
    }
