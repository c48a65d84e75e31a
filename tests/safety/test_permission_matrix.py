"""Who may see, report, assign, reject, start, rectify, verify, send back and comment:
every role against every action, through the real routes."""

from datetime import timedelta

import pytest

from app.blueprints.safety.services.common import local_today
from app.models import Role
from app.models.hazards import HazardStatus
from tests.factories import make_user
from tests.safety.factories import assign, make_area, make_hazard, step

ACTIONS = [
    "see",
    "report",
    "assign",
    "reject",
    "start",
    "rectify",
    "verify",
    "send_back",
    "comment",
]
T, F = True, False
MATRIX = {
    #            see report assign reject start rectify verify send_back comment
    "member": [F, T, F, F, F, F, F, F, F],
    "reporter": [T, T, F, F, F, F, F, F, T],
    "assignee": [T, T, F, F, T, T, F, F, T],
    "inspector": [T, T, F, F, F, F, F, F, T],
    "officer": [T, T, T, T, F, F, T, T, T],
    "admin": [T, T, F, F, F, F, F, F, T],
}
CASES = [
    (role, action, allowed)
    for role, row in MATRIX.items()
    for action, allowed in zip(ACTIONS, row, strict=True)
]


@pytest.fixture
def cast(app):
    return {
        "assigner": make_user(Role.SAFETY_OFFICER),
        "member": make_user(),
        "reporter": make_user(),
        "assignee": make_user(),
        "inspector": make_user(Role.INSPECTOR),
        "officer": make_user(Role.SAFETY_OFFICER),
        "admin": make_user(Role.ADMIN),
    }


def _hazard_ready_for(action, cast):
    hazard = make_hazard(reporter=cast["reporter"], area=make_area())
    assign(hazard, cast["assigner"], cast["assignee"])
    if action in ("rectify", "verify", "send_back"):
        step(hazard, cast["assignee"], "start")
    if action in ("verify", "send_back"):
        step(hazard, cast["assignee"], "rectify", note="已整改")
    return hazard


@pytest.mark.parametrize("role, action, allowed", CASES)
def test_role_action(client, auth, cast, role, action, allowed):
    hazard = _hazard_ready_for(action, cast)
    before = hazard.status
    auth.login(cast[role])
    if action == "see":
        response = client.get(f"/safety/hazards/{hazard.id}")
        assert response.status_code == (200 if allowed else 404)
        return
    if action == "report":
        response = client.post(
            "/safety/hazards/new",
            data={
                "title": "消防通道堵塞",
                "area_id": hazard.area_id,
                "category": "fire",
                "severity": "general",
            },
        )
        assert response.status_code == 303
        return
    response = client.post(
        f"/safety/hazards/{hazard.id}/events",
        data={
            "action": action,
            "note": "处理意见",
            "assignee_id": cast["assignee"].id,
            "due_on": (local_today() + timedelta(days=3)).isoformat(),
        },
    )
    if allowed:
        assert response.status_code == 303
    else:
        assert response.status_code in (403, 404, 409)
        assert hazard.status is before


def test_the_rectifier_cannot_verify_their_own_work(client, auth, app):
    officer = make_user(Role.SAFETY_OFFICER)
    hazard = make_hazard()
    assign(hazard, officer, officer)
    step(hazard, officer, "rectify", note="我自己整改的")
    auth.login(officer)
    response = client.post(f"/safety/hazards/{hazard.id}/events", data={"action": "verify"})
    assert response.status_code == 409
    assert "验收须由整改人以外的人进行" in response.get_data(as_text=True)
    assert hazard.status is HazardStatus.AWAITING_VERIFICATION


def test_the_page_offers_only_the_allowed_actions(client, auth, app):
    officer = make_user(Role.SAFETY_OFFICER)
    reporter = make_user()
    hazard = make_hazard(reporter=reporter)
    auth.login(reporter)
    page = client.get(f"/safety/hazards/{hazard.id}").get_data(as_text=True)
    assert "添加备注" in page and "指派整改" not in page
    auth.logout()
    auth.login(officer)
    page = client.get(f"/safety/hazards/{hazard.id}").get_data(as_text=True)
    assert "指派整改" in page and "驳回" in page and "验收并销号" not in page
