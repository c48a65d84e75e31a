"""The audit log as an admin reads it: every care entry names the file (档案 #12), the
recipient (发放对象 #45) or the request (大事互助 #7) by number, never the worker, a family
member or anyone an officer's words name."""

import re

from sqlalchemy import select

from app.blueprints.care.parse import local_today
from app.blueprints.care.services import aid, campaigns, files, visits
from app.models import AuditLog
from tests.care.conftest import Upload, jpeg
from tests.helpers import text


def _entries(client) -> list[tuple[str, str]]:
    """(what was done, its summary) of each entry of the admin's audit list."""
    page = text(client.get("/admin/audit"))
    main = page[page.index("<main") : page.index("</main>")]
    return re.findall(r'row-title">([^<]*)</span>\s*<span class="muted">([^<]*)<', main)


def _summaries(db, *actions) -> list[str]:
    rows = select(AuditLog.summary).where(AuditLog.action.in_(actions)).order_by(AuditLog.id)
    return list(db.session.scalars(rows))


def test_every_change_to_a_file_names_it_by_number_never_by_name(client, auth, world, db):
    officer, file = world.people["care_officer"], world.file
    today = local_today().isoformat()
    files.update_file(officer, file, {"level": "hardship", "cause": "illness"})
    son = files.add_member(officer, file, {"name": "孙小明", "relation": "儿子"})
    db.session.flush()
    files.remove_member(officer, file, son.id)
    files.add_support(
        officer,
        file,
        {"kind": "money", "given_on": today, "amount": "300", "description": "给孙小明的学费"},
    )
    (attachment,) = files.add_attachments(
        officer, file, {"title": "另一会员的诊断证明"}, [Upload(jpeg(), "诊断.jpg")]
    )
    files.review_file(officer, file, {"reviewed_on": today, "outcome": "continue"})
    db.session.commit()
    auth.login(world.people["admin"])
    entries = _entries(client)
    number = f"档案 #{file.id}"
    for entry in [
        ("建立困难职工档案", f"{number} · 特困"),
        ("添加家庭成员", f"{number} · 妻子"),
        ("登记走访", f"{number} · 走访记录 {world.visit.id}"),
        ("修改困难职工档案", number),
        ("添加家庭成员", f"{number} · 儿子"),
        ("删除家庭成员", f"{number} · 儿子"),
        ("登记帮扶记录", f"{number} · 资金 300.00"),
        ("上传档案附件", f"{number} · 附件 {attachment.id}"),
        ("档案年度复核", f"{number} · 继续帮扶"),
    ]:
        assert entry in entries
    for name in (world.worker.name, "王秀兰", "孙小明", "诊断证明"):
        assert not any(name in summary for _title, summary in entries), name
    about_files = select(AuditLog.summary).where(AuditLog.target_type == "CareFile")
    assert all(s.startswith(number) for s in db.session.scalars(about_files))


def test_a_sign_off_names_the_recipient_by_number(client, auth, world, db):
    officer, recipient = world.people["care_officer"], world.recipient
    campaigns.sign_off(officer, {"recipient_id": recipient.id, "confirmation": world.worker.name})
    db.session.commit()
    auth.login(world.people["admin"])
    entries = _entries(client)
    signed = ("发放对象签收", f"夏送清凉 · 发放对象 #{recipient.id}")
    assert signed in entries
    assert not any(world.worker.name in summary for _title, summary in entries)
    assert _summaries(db, "care.campaign.signed") == [signed[1]]
    # The care officer finds the recipient by that number on the campaign's page.
    auth.logout()
    auth.login(officer)
    page = text(client.get(f"/care/campaigns/{world.campaign.id}"))
    assert f"发放对象 #{recipient.id} · " in page


def test_a_removed_recipient_is_named_by_number(client, auth, world, db):
    officer, listed = world.people["care_officer"], world.people["member"].employee_no
    campaigns.add_recipients(officer, world.campaign, {"mode": "list", "employee_nos": listed})
    db.session.flush()
    added = world.campaign.recipients[-1]
    campaigns.remove_recipient(officer, world.campaign, added.id)
    db.session.commit()
    assert _summaries(db, "care.campaign.recipient_removed") == [f"夏送清凉 · 发放对象 #{added.id}"]


def test_people_added_to_a_campaign_or_plan_are_counted_under_its_title(client, auth, world, db):
    """添加发放对象 read a bare 3: of which campaign, and 3 what? The entry names the campaign
    (or the visit plan) by its title and counts what it was given, and never whom."""
    officer = world.people["care_officer"]
    listed = " ".join(world.people[p].employee_no for p in ("member", "admin"))
    campaigns.add_recipients(officer, world.campaign, {"mode": "list", "employee_nos": listed})
    member, today = world.people["member"].employee_no, local_today().isoformat()
    second = files.open_file(
        officer, {"worker": member, "level": "extreme", "cause": "illness", "opened_on": today}
    )
    visits.add_targets(officer, world.plan, {"file_id": str(second.id)})
    db.session.commit()
    auth.login(world.people["admin"])
    entries = _entries(client)
    assert ("添加发放对象", "夏送清凉 · 1 名发放对象") in entries  # the world's first
    assert ("添加发放对象", "夏送清凉 · 2 名发放对象") in entries
    assert ("走访计划添加对象", "春节走访 · 1 份档案") in entries
    names = [world.worker.name, *(world.people[p].name for p in ("member", "admin"))]
    assert not any(name in summary for _title, summary in entries for name in names)


def test_mutual_aid_steps_name_the_request_by_number_not_the_officers_note(client, auth, world, db):
    officer, request = world.people["care_officer"], world.other_aid
    aid.act_on_aid(officer, request, "act", {"note": "到另一会员家中慰问", "amount": "2000"})
    aid.act_on_aid(officer, request, "close", {"note": "已送慰问金给另一会员"})
    db.session.commit()
    auth.login(world.people["admin"])
    entries = _entries(client)
    number = f"大事互助 #{request.id}"
    assert ("上报大事互助", f"{number} · 直系亲属去世") in entries
    assert ("大事互助已帮扶", number) in entries and ("办结大事互助", number) in entries
    assert not any(world.worker.name in summary for _title, summary in entries)
    assert _summaries(db, "care.aid.act", "care.aid.close") == [number, number]
