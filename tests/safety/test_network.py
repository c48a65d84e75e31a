import re

from sqlalchemy import func, select

from app.blueprints.safety import services
from app.models import Role
from app.models.safety import Area, Checklist, SafetyGroup
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.safety.factories import make_area, make_checklist


def test_officer_creates_an_area_and_checkpoint_with_qr_codes(client, auth, app, db):
    dept = make_department("机加工车间")
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.post(
        "/safety/areas/new",
        data={"name": "数控车床区", "kind": "production", "department_id": dept.id, "active": "y"},
    )
    assert response.status_code == 303
    area = db.session.scalar(select(Area))
    response = client.post(f"/safety/areas/{area.id}/checkpoints", data={"name": "配电柜A"})
    assert response.status_code == 303
    page = client.get(f"/safety/areas/{area.id}").get_data(as_text=True)
    assert "机加工车间 · 数控车床区" in page and "配电柜A" in page
    qr = client.get(f"/safety/areas/{area.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and b"<path" in qr.data
    checkpoint = area.checkpoints[0]
    assert client.get(f"/safety/checkpoints/{checkpoint.id}/qr.svg").status_code == 200
    # The checkpoint's own address shows its area with the checkpoint picked (no redirect:
    # the phone keeps a copy of this very address for offline use).
    scanned = client.get(f"/safety/checkpoints/{checkpoint.id}")
    assert scanned.status_code == 200
    assert "配电柜A" in scanned.get_data(as_text=True)
    printable = client.get(f"/safety/areas/{area.id}/print").get_data(as_text=True)
    assert printable.count("qr.svg") == 2


def test_area_names_are_unique_per_department(client, auth, app):
    area = make_area(name="仓库")
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.post(
        "/safety/areas/new",
        data={"name": "仓库", "kind": "warehouse", "department_id": area.department_id},
    )
    assert response.status_code == 422
    assert "该部门已有同名的区域。" in response.get_data(as_text=True)


def test_members_cannot_manage_areas(client, auth, app):
    auth.login(make_user(Role.INSPECTOR))
    assert client.get("/safety/areas/new").status_code == 403
    assert client.get("/safety/dashboard").status_code == 403


def test_roster_leaders_must_be_safety_officers(client, auth, app, db):
    officer = make_user(Role.SAFETY_OFFICER, name="李安全")
    inspector = make_user(Role.INSPECTOR, name="张群监")
    outsider = make_user(name="刘职工")
    auth.login(officer)
    assert client.post("/safety/roster/groups", data={"name": "一组"}).status_code == 303
    group = db.session.scalar(select(SafetyGroup))
    url = f"/safety/roster/groups/{group.id}/members"
    client.post(url, data={"user_id": officer.id, "is_leader": "y"})
    client.post(url, data={"user_id": inspector.id, "is_leader": "y"})
    client.post(url, data={"user_id": outsider.id})
    client.post(url, data={"user_id": inspector.id})
    page = client.get("/safety/roster").get_data(as_text=True)
    assert "群监组长必须是安全员。" in page
    assert "只有群监员和安全员可以加入群监网。" in page
    roster = {(m.user.name, m.is_leader) for m in group.memberships}
    assert roster == {("李安全", True), ("张群监", False)}


def test_a_group_refused_comes_back_with_its_name_and_the_reason_at_it(client, auth, db):
    """The roster's group form is shown again, what was typed in it (a flash above an empty
    form lost the name)."""
    workshop = make_department("铸造车间")
    auth.login(make_user(Role.SAFETY_OFFICER))
    assert client.post("/safety/roster/groups", data={"name": "一组"}).status_code == 303
    for name, message in (("一组", "已有同名的小组。"), ("二\x00组", "文字中含有不允许的字符。")):
        data = {"name": name, "department_id": str(workshop.id)}
        response = client.post("/safety/roster/groups", data=data)
        assert response.status_code == 422
        page = text(response)
        assert re.search(rf'id="name-errors">\s*<li>{message}</li>', page), name
        assert f'selected value="{workshop.id}"' in page and name.split("\x00")[0] in page
    assert db.session.scalar(select(func.count()).select_from(SafetyGroup)) == 1


def test_a_checklist_edited_on_its_form_makes_a_new_version(client, auth, db):
    checklist = make_checklist(items=("通道畅通",))
    auth.login(make_user(Role.SAFETY_OFFICER))
    url = f"/safety/checklists/{checklist.id}/edit"
    assert "通道畅通" in text(client.get(url))
    refused = client.post(url, data={"name": "新名", "items": "通道畅通\n灭火\x00器有效"})
    assert refused.status_code == 422
    assert re.search(r'id="items-errors">\s*<li>文字中含有不允许的字符。</li>', text(refused))
    assert 'value="新名"' in text(refused)
    response = client.post(url, data={"name": "新名", "items": "通道畅通\n灭火器有效"})
    assert response.status_code == 303
    db.session.refresh(checklist)
    assert checklist.name == "新名"
    assert [i.text for i in checklist.current_version.items] == ["通道畅通", "灭火器有效"]


def test_editing_a_checklist_makes_a_new_version_and_old_patrols_keep_theirs(app, db):
    checklist = make_checklist(items=("通道畅通", "灭火器有效"))
    area = make_area(kind="production")
    inspector = make_user(Role.INSPECTOR)
    patrol, _ = services.start_patrol(inspector, {"area_id": area.id})
    db.session.commit()
    first_version = patrol.checklist_version_id
    officer = make_user(Role.SAFETY_OFFICER)
    services.revise_checklist(
        officer, checklist, {"name": checklist.name, "items": "通道畅通\n灭火器有效\n照明充足"}
    )
    db.session.commit()
    assert checklist.current_version.number == 2
    assert [i.text for i in checklist.current_version.items][-1] == "照明充足"
    assert patrol.checklist_version_id == first_version
    assert len(patrol.checklist_version.items) == 2
    unchanged = services.revise_checklist(
        officer, checklist, {"name": "新名字", "items": "通道畅通\n灭火器有效\n照明充足"}
    )
    assert unchanged.number == 2 and checklist.name == "新名字"


def test_checklist_page_shows_every_version(client, auth, app, db):
    checklist = make_checklist(items=("一",))
    services.revise_checklist(make_user(), checklist, {"name": checklist.name, "items": "一\n二"})
    db.session.commit()
    auth.login(make_user(Role.INSPECTOR))
    page = client.get(f"/safety/checklists/{checklist.id}").get_data(as_text=True)
    assert "第 1 版" in page and "第 2 版" in page and "在用" in page


def test_checklist_needs_items(client, auth, app, db):
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.post(
        "/safety/checklists/new", data={"name": "空表", "area_kind": "office", "items": " \n "}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Checklist)) is None
