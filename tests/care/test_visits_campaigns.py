"""Visits and sign-offs through the outbox (`care_visit`, `care_signoff`), plan coverage,
campaigns with their budget and summary, and the care officer's offline kit."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.blueprints.care.parse import local_today
from app.blueprints.care.services import files, visits
from app.models.care import CampaignRecipient, CareVisit
from app.navigation import offline_urls
from tests.factories import make_user
from tests.helpers import full_width, text


def _record(kind, data, record_id=None, photos=()):
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": kind,
        "captured_at": datetime.now(UTC).isoformat(),
        "data": data,
        "photos": list(photos),
    }


def _second_target(world, db):
    """Another extreme-hardship file on the plan, not yet visited."""
    officer = world.people["care_officer"]
    worker = make_user(name="第二户")
    file = files.open_file(
        officer,
        {
            "worker": worker.employee_no,
            "level": "extreme",
            "cause": "disability",
            "opened_on": (local_today() - timedelta(days=3)).isoformat(),
        },
    )
    visits.add_targets(officer, world.plan, {"file_id": str(file.id)})
    db.session.commit()
    return file


def test_a_visit_synced_twice_is_recorded_once_and_moves_the_coverage(client, auth, world, db):
    file = _second_target(world, db)
    auth.login(world.people["care_officer"])
    plan_url = f"/care/plans/{world.plan.id}"
    assert "已走访 1 / 2 户" in text(client.get(plan_url))
    record = _record(
        "care_visit",
        {
            "file_id": str(file.id),
            "plan_id": str(world.plan.id),
            "visited_on": local_today().isoformat(),
            "visitors": "陈帮扶、分会主席",
            "given": "米面油",
            "amount": "500",
            "situation": "轮椅需要更换",
            "needs": "申请残联补贴",
        },
    )
    first = client.post("/sync", json={"device": "p1", "records": [record]}).get_json()
    again = client.post("/sync", json={"device": "p1", "records": [record]}).get_json()
    assert [first["results"][0]["status"], again["results"][0]["status"]] == [
        "created",
        "duplicate",
    ]
    assert first["results"][0]["url"] == again["results"][0]["url"]
    assert (
        db.session.scalar(select(func.count(CareVisit.id)).where(CareVisit.file_id == file.id)) == 1
    )
    assert "已走访 2 / 2 户" in text(client.get(plan_url))
    shown = text(client.get(first["results"][0]["url"]))
    assert "轮椅需要更换" in shown and "申请残联补贴" in shown


def test_a_visit_record_that_cannot_be_saved_says_why(client, auth, world, db):
    auth.login(world.people["care_officer"])
    stranger = make_user(name="不在档")
    cases = [
        ({"file_id": "999999"}, "file_id"),
        ({"visited_on": "2001-01-01"}, "visited_on"),
        ({"amount": "-5"}, "amount"),
        ({"situation": "\x00"}, "situation"),  # the sync envelope refuses NUL, at its field
        ({"plan_id": str(world.plan.id), "file_id": "x"}, "file_id"),
    ]
    for fields, field in cases:
        data = {
            "file_id": str(world.file.id),
            "visited_on": local_today().isoformat(),
            "visitors": "帮扶专干",
            "situation": "情况",
            **fields,
        }
        result = client.post(
            "/sync", json={"device": "p1", "records": [_record("care_visit", data)]}
        ).get_json()["results"][0]
        assert result["status"] == "invalid" and field in result["errors"], fields
    # A member cannot send a visit: it is refused, not saved.
    auth.logout()
    auth.login(stranger)
    data = {
        "file_id": str(world.file.id),
        "visited_on": local_today().isoformat(),
        "visitors": "我",
        "situation": "看看",
    }
    result = client.post(
        "/sync", json={"device": "p9", "records": [_record("care_visit", data)]}
    ).get_json()["results"][0]
    assert result["status"] == "invalid" and "只有帮扶专干" in str(result["errors"])
    assert db.session.scalar(select(func.count(CareVisit.id))) == 1


def test_sign_off_on_the_phone_once_with_the_recipients_confirmation(client, auth, world, db):
    auth.login(world.people["care_officer"])
    recipient = world.recipient
    wrong = _record("care_signoff", {"recipient_id": str(recipient.id), "confirmation": "张三"})
    result = client.post("/sync", json={"device": "p1", "records": [wrong]}).get_json()
    assert result["results"][0]["status"] == "invalid"
    assert "姓名或工号后 4 位" in str(result["results"][0]["errors"])
    right = _record(
        "care_signoff", {"recipient_id": str(recipient.id), "confirmation": world.worker.name}
    )
    first = client.post("/sync", json={"device": "p1", "records": [right]}).get_json()
    again = client.post("/sync", json={"device": "p1", "records": [right]}).get_json()
    assert first["results"][0]["status"] == "created"
    assert again["results"][0]["status"] == "duplicate"
    twice = _record(
        "care_signoff", {"recipient_id": str(recipient.id), "confirmation": world.worker.name}
    )
    result = client.post("/sync", json={"device": "p2", "records": [twice]}).get_json()
    assert result["results"][0]["status"] == "invalid" and "已经签收过" in str(result["results"][0])
    db.session.expire_all()
    signed = db.session.get(CampaignRecipient, recipient.id)
    assert signed.signed_at is not None and signed.signed_by_id == world.people["care_officer"].id
    summary = text(client.get(f"/care/campaigns/{world.campaign.id}"))
    assert "按部门汇总" in summary and "1 / 1" in summary and "¥50.00" in summary


def test_recipients_by_department_and_list_stay_within_the_budget(client, auth, world, db):
    auth.login(world.people["care_officer"])
    url = f"/care/campaigns/{world.campaign.id}/recipients"
    unknown = client.post(url, data={"mode": "list", "employee_nos": "NOPE1 NOPE2"})
    assert unknown.status_code == 422 and "NOPE1" in text(unknown)
    for _ in range(25):
        make_user(department=world.people["member"].department)
    dept = world.people["member"].department.parent_id
    over = client.post(url, data={"mode": "department", "department_id": str(dept)})
    assert over.status_code == 422 and "超过预算 1,000.00 元" in text(over)
    assert (
        db.session.scalar(
            select(func.count(CampaignRecipient.id)).where(
                CampaignRecipient.campaign_id == world.campaign.id
            )
        )
        == 1
    )
    ok = client.post(
        url,
        data={"mode": "list", "employee_nos": f"{world.people['member'].employee_no}\n"},
    )
    assert ok.status_code == 303
    negative = client.post(
        "/care/campaigns/new",
        data={
            "title": "冬送温暖",
            "kind": "winter",
            "budget": "-100",
            "gift": "棉衣",
            "starts_on": local_today().isoformat(),
            "ends_on": local_today().isoformat(),
        },
    )
    assert negative.status_code == 422 and "金额不能为负数" in text(negative)


def test_the_care_officers_offline_kit_has_the_visit_forms_of_their_open_plans(app, world):
    officer = world.people["care_officer"]
    with app.test_request_context("/"):
        urls = offline_urls(officer)
        others = {r: offline_urls(world.people[r]) for r in ("member", "admin", "organizer")}
    form = f"/care/plans/{world.plan.id}/visit/{world.file.id}"
    assert form in urls and f"/care/files/{world.file.id}" in urls
    assert f"/care/campaigns/{world.campaign.id}/signoff" in urls
    for role, theirs in others.items():
        assert "/care/aid/mine" in theirs
        assert not any(u.startswith(("/care/files", "/care/plans")) for u in theirs), role
        assert not any(u.startswith("/care/aid/") and u[-1].isdigit() for u in theirs), role


def test_the_care_home_page_s_lists_open_offline_from_the_kit(app, client, auth, world, db):
    """Offline from a cold start, the care home page's 困难职工档案 and 大事互助 led to
    「此页面需要网络」: the kit held the file pages of the visits to make but not the list,
    nor the open mutual-aid requests. It holds the list's first page (no filters), the open
    requests' list and each open request; not a closed one."""
    officer = world.people["care_officer"]
    auth.login(officer)
    client.post(f"/care/aid/{world.other_aid.id}/close", data={"note": "已慰问"})
    auth.logout()
    with app.test_request_context("/"):
        urls = offline_urls(officer)
    assert {"/care/", "/care/files", "/care/aid", f"/care/aid/{world.aid_request.id}"} <= set(urls)
    assert f"/care/aid/{world.other_aid.id}" not in urls
    # The home page links to exactly those.
    auth.login(officer)
    home = text(client.get("/care/"))
    assert 'href="/care/files"' in home and 'href="/care/aid"' in home
    # The phone's copy of the list is logged as one, apart from a person reading it.
    client.get("/care/files", headers={"X-Offline-Copy": "1"})
    from app.models import AuditLog

    copied = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("care.files.%")))
    assert list(copied) == ["care.files.copied"]


def test_the_visit_form_is_an_outbox_form_of_kind_care_visit(client, auth, world):
    auth.login(world.people["care_officer"])
    page = text(client.get(f"/care/plans/{world.plan.id}/visit/{world.file.id}"))
    assert 'data-outbox="care_visit"' in page
    assert f'name="file_id" type="hidden" value="{world.file.id}"' in page
    signoff = text(client.get(f"/care/campaigns/{world.campaign.id}/signoff"))
    assert 'data-outbox="care_signoff"' in signoff
    # A sign-off has no photos: the correction notice (its texts come with the outbox page,
    # whichever page a record is corrected on) does not promise to keep any.
    outbox = text(client.get("/sync/outbox"))
    assert "请您修改后保存，记录将重新发送。" in outbox
    assert "照片会保留" not in outbox and "照片会保留" not in signoff


def test_outbox_records_are_named_by_whom_they_are_about(client, auth, world):
    """The outbox lists a sign-off or a visit under the person's name, not the typed text,
    and a synced sign-off's part of the page is fetched again (no second sign-off button)."""
    auth.login(world.people["care_officer"])
    name = world.recipient.user.name
    signoff = text(client.get(f"/care/campaigns/{world.campaign.id}/signoff"))
    assert 'data-outbox-label="recipient"' in signoff
    assert f'name="recipient" value="{name}"' in signoff
    assert 'id="signoff-recipients" data-refresh-on-sync' in signoff
    visit = text(client.get(f"/care/plans/{world.plan.id}/visit/{world.file.id}"))
    assert 'data-outbox-label="person"' in visit
    assert f'name="person" value="{world.file.worker.name}"' in visit


def test_a_second_sign_off_on_the_form_is_refused_in_words(client, auth, world, db):
    auth.login(world.people["care_officer"])
    recipient, name = world.recipient, world.recipient.user.name
    data = {"recipient_id": str(recipient.id), "confirmation": name, "recipient": name}
    assert client.post("/care/signoff", data=data).status_code == 303
    page = text(client.get(f"/care/campaigns/{world.campaign.id}/signoff"))
    assert "已签收（1）" in page and f"recipient-{recipient.id}" not in page
    again = client.post("/care/signoff", data=data)
    assert again.status_code == 422 and f"{name} 已经签收过本次活动的物品" in text(again)


def test_a_visit_dated_tomorrow_is_refused_with_the_union_s_today(client, auth, world):
    """The latest visit date is today in Beijing, as on the file and mutual-aid forms."""
    auth.login(world.people["care_officer"])
    today = local_today()
    data = {
        "file_id": str(world.file.id),
        "plan_id": str(world.plan.id),
        "visitors": "帮扶专干",
        "situation": "情况",
    }
    tomorrow = client.post(
        "/care/visits", data={**data, "visited_on": (today + timedelta(days=1)).isoformat()}
    )
    assert tomorrow.status_code == 422
    assert f"日期不能晚于 {today.isoformat()}。" in text(tomorrow)
    assert (
        client.post("/care/visits", data={**data, "visited_on": today.isoformat()}).status_code
        == 303
    )


def test_the_recipient_may_confirm_with_the_last_digits_in_full_width(client, auth, world, db):
    auth.login(world.people["care_officer"])
    digits = full_width(world.worker.employee_no[-4:])
    signed = _record(
        "care_signoff", {"recipient_id": str(world.recipient.id), "confirmation": digits}
    )
    result = client.post("/sync", json={"device": "p1", "records": [signed]}).get_json()
    assert result["results"][0]["status"] == "created"
