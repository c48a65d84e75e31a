import pytest
from sqlalchemy import select

from app.models import AuditLog, Role, User
from tests.factories import make_department, make_user


@pytest.fixture
def admin(auth):
    user = make_user(Role.ADMIN, employee_no="ADM1", name="管理员甲")
    auth.login(user)
    return user


def test_admin_pages_are_for_admins_only(client, auth):
    assert client.get("/admin/users").status_code == 302  # to the log-in page
    member = make_user(Role.SAFETY_OFFICER, Role.ORGANIZER)
    auth.login(member)
    for url in [
        "/admin/users",
        "/admin/users/new",
        "/admin/departments",
        "/admin/import",
        "/admin/audit",
        f"/admin/users/{member.id}",
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/admin/users/{member.id}/active", data={"active": "0"})
    assert response.status_code == 403


def test_user_list_full_page_and_fragment(client, admin, htmx_headers):
    make_user(name="张三", employee_no="Z100")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<html" in page and "张三" in page and 'id="user-results"' in page
    fragment = client.get("/admin/users?q=Z100", headers=htmx_headers).get_data(as_text=True)
    assert "<html" not in fragment and "bottom-nav" not in fragment
    assert "张三" in fragment and "管理员甲" not in fragment


def test_user_search_and_filters(client, admin):
    workshop = make_department("一车间")
    team = make_department("甲班", parent=workshop)
    make_user(Role.INSPECTOR, name="检查员", department=team, phone="13900000001")
    make_user(name="无部门者")
    make_user(name="停用者", active=False, department=workshop)

    def names(query):
        return client.get("/admin/users?" + query).get_data(as_text=True)

    assert "检查员" in names("q=13900000001")
    by_workshop = names(f"department={workshop.id}")  # a workshop includes its teams
    assert "检查员" in by_workshop and "停用者" in by_workshop and "无部门者" not in by_workshop
    no_department = names("department=none")
    assert "无部门者" in no_department and "检查员" not in no_department
    inspectors = names("role=inspector")
    assert "检查员" in inspectors and "无部门者" not in inspectors
    inactive = names("status=inactive")
    assert "停用者" in inactive and "检查员" not in inactive


def test_the_user_search_looks_for_percent_and_underscore_as_typed(client, admin):
    """% listed every account and _ stood for any character: they are looked for as typed."""
    make_user(name="王五", employee_no="W500")
    make_user(name="赵_六", employee_no="W501")

    def listed(q):
        page = client.get("/admin/users", query_string={"q": q}).get_data(as_text=True)
        return {name for name in ("王五", "赵_六", "管理员甲") if name in page}

    assert listed("%") == set()
    assert listed("_") == {"赵_六"}
    assert listed("W50_") == set()
    assert listed("W5") == {"王五", "赵_六"}


def test_user_list_paginates(client, admin, app):
    app.config["USERS_PER_PAGE"] = 5
    for n in range(11):
        make_user(employee_no=f"P{n:03d}")
    first = client.get("/admin/users?q=P0").get_data(as_text=True)
    assert "P000" in first and "P005" not in first
    third = client.get("/admin/users?q=P0&page=3").get_data(as_text=True)
    assert "P010" in third and "P000" not in third
    assert client.get("/admin/users?page=99").status_code == 200  # past the end: empty, no 404


def test_create_user(client, admin, db):
    team = make_department("乙班", parent=make_department("二车间"))
    response = client.post(
        "/admin/users/new",
        data={
            "employee_no": "N2001",
            "name": "新同事",
            "phone": "13800000000",
            "department_id": team.id,
            "roles": ["inspector"],
            "password": "start2026",
        },
    )
    assert response.status_code == 303
    user = User.by_employee_no("N2001")
    assert user.roles == {Role.MEMBER, Role.INSPECTOR}
    assert user.department == team and user.must_change_password
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.created"))
    assert entry.actor_id == admin.id and entry.after["employee_no"] == "N2001"


def test_the_roles_say_who_reads_the_care_files(client, admin):
    """The form said only the care officer sees needy-worker files, while the care pages say
    the chairman does too and an administrator reads every file: whoever ticks 管理员 now
    reads that it reads the files, on the new account's form and on an account's page."""
    member = make_user(name="普通会员")
    for url in ("/admin/users/new", f"/admin/users/{member.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "管理员（工会主席）可查阅困难职工档案（只读）" in page, url
        assert "困难职工档案只有帮扶专干能看到" not in page, url


def test_an_employee_number_is_stored_upper_case(client, admin, db):
    """Typed on a phone as n2002, it is N2002: the number log-in and every lookup read."""
    data = {"name": "新同事", "department_id": 0, "password": "start2026"}
    response = client.post("/admin/users/new", data={**data, "employee_no": " n2002 "})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.name == "新同事"))
    assert user.employee_no == "N2002"
    taken = client.post("/admin/users/new", data={**data, "employee_no": "adm1"})
    assert taken.status_code == 422 and "工号 ADM1 已被占用。" in taken.get_data(as_text=True)
    edited = client.post(
        f"/admin/users/{user.id}",
        data={"employee_no": "n2003", "name": "新同事", "department_id": 0, "active": "y"},
    )
    assert edited.status_code == 303
    db.session.refresh(user)
    assert user.employee_no == "N2003"


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"employee_no": "ADM1"}, "ADM1"),  # taken
        ({"employee_no": "bad no!"}, "employee_no-errors"),
        ({"password": "12345678"}, "password-errors"),
        ({"password": "short1"}, "password-errors"),
        ({"phone": "12345"}, "phone-errors"),  # five digits are no phone number
        ({"name": ""}, "name-errors"),
        ({"roles": ["wizard"]}, "roles"),
        ({"department_id": "999999"}, "department_id-errors"),
    ],
)
def test_create_user_rejects_bad_input(client, admin, data, field_error):
    form = {
        "employee_no": "N3001",
        "name": "某人",
        "password": "start2026",
        "department_id": 0,
        **data,
    }
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    assert User.by_employee_no("N3001") is None


def test_edit_user_roles_and_department(client, admin, db):
    dept = make_department("三车间")
    user = make_user(Role.INSPECTOR, name="老王")
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "employee_no": user.employee_no,
            "name": "老王",
            "phone": "",
            "department_id": dept.id,
            "roles": ["organizer"],
            "active": "y",
        },
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.roles == {Role.MEMBER, Role.ORGANIZER} and user.department == dept
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.updated"))
    assert entry.before["roles"] == ["inspector", "member"]
    assert entry.after["roles"] == ["member", "organizer"]
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    # The history shows the change in words, not the stored keys and a Python list.
    history = page.split("<summary>详情</summary>", 1)[1].split("</table>", 1)[0]
    assert "<th>角色</th><td>群监员、会员</td><td>会员、工会干事</td>" in history, history
    assert "<th>账号启用</th><td>是</td><td>是</td>" in history
    assert "<th>部门</th><td>—</td><td>三车间</td>" in history
    assert "roles" not in history and "['" not in history and "True" not in history


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(client, admin, db):
    response = client.post(
        f"/admin/users/{admin.id}",
        data={
            "employee_no": admin.employee_no,
            "name": admin.name,
            "department_id": 0,
            "roles": [],
            "active": "y",
        },
    )
    assert response.status_code == 422
    assert "roles" in response.get_data(as_text=True)
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.refresh(admin)
    assert admin.active and admin.has_role(Role.ADMIN)


def test_deactivated_user_cannot_log_in(client, admin, auth, db):
    user = make_user(name="离职者")
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 303
    db.session.refresh(user)
    assert not user.active
    auth.logout()
    response = auth.login(user)
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_reset_password_forces_a_new_one(client, admin, auth, db):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "reset2026"})
    assert response.status_code == 303
    auth.logout()
    assert auth.login(user, "reset2026").status_code == 303
    assert client.get("/").headers["Location"].endswith("/auth/password")


def test_reset_password_rejects_weak_password(client, admin, db):
    user = make_user()
    old_hash = user.password_hash
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "abc"})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
