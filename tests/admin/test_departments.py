import pytest
from sqlalchemy import select

from app.models import Department, DepartmentKind, Role
from tests.factories import make_department, make_user


@pytest.fixture
def admin(auth):
    user = make_user(Role.ADMIN)
    auth.login(user)
    return user


def test_tree_shows_workshops_teams_and_head_counts(client, admin):
    workshop = make_department("机修车间")
    team = make_department("钳工班", parent=workshop)
    make_user(department=team)
    make_user(department=team)
    page = client.get("/admin/departments").get_data(as_text=True)
    assert page.index("机修车间") < page.index("钳工班")
    assert f'/admin/users?department={team.id}">2 人' in page  # i18n


def test_add_workshop_and_team(client, admin, db):
    response = client.post("/admin/departments", data={"name": "新车间", "parent_id": 0})
    assert response.status_code == 303
    workshop = db.session.scalar(select(Department).where(Department.name == "新车间"))
    assert workshop.kind is DepartmentKind.WORKSHOP
    response = client.post("/admin/departments", data={"name": "新班组", "parent_id": workshop.id})
    assert response.status_code == 303
    team = db.session.scalar(select(Department).where(Department.name == "新班组"))
    assert team.parent == workshop and team.kind is DepartmentKind.TEAM


def test_department_names_are_unique_among_siblings(client, admin, db):
    workshop = make_department("一车间")
    make_department("甲班", parent=workshop)
    for data in ({"name": "一车间", "parent_id": 0}, {"name": "甲班", "parent_id": workshop.id}):
        response = client.post("/admin/departments", data=data)
        assert response.status_code == 422
        assert "name-errors" in response.get_data(as_text=True)
    assert db.session.query(Department).count() == 2
    # The same team name inside another workshop is fine.
    other = make_department("二车间")
    response = client.post("/admin/departments", data={"name": "甲班", "parent_id": other.id})
    assert response.status_code == 303


def test_a_team_cannot_hold_teams(client, admin, db):
    team = make_department("甲班", parent=make_department("一车间"))
    response = client.post("/admin/departments", data={"name": "小组", "parent_id": team.id})
    assert response.status_code == 422  # not offered as a choice: only workshops are


def test_inline_edit_round_trip_with_htmx(client, admin, db, htmx_headers):
    workshop = make_department("旧名")
    form = client.get(f"/admin/departments/{workshop.id}", headers=htmx_headers)
    html = form.get_data(as_text=True)
    assert "<html" not in html and 'name="name"' in html
    cancel = client.get(f"/admin/departments/{workshop.id}?cancel=1", headers=htmx_headers)
    html = cancel.get_data(as_text=True)
    assert "旧名" in html and 'name="name"' not in html
    saved = client.post(
        f"/admin/departments/{workshop.id}",
        headers=htmx_headers,
        data={"name": "新名", "parent_id": 0},
    )
    assert saved.status_code == 200 and saved.headers["HX-Redirect"] == "/admin/departments"
    db.session.refresh(workshop)
    assert workshop.name == "新名"
    bad = client.post(
        f"/admin/departments/{workshop.id}", headers=htmx_headers, data={"name": "", "parent_id": 0}
    )
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)


def test_edit_without_javascript_is_a_page(client, admin):
    workshop = make_department("某车间")
    page = client.get(f"/admin/departments/{workshop.id}").get_data(as_text=True)
    assert "<html" in page and 'value="某车间"' in page


def test_move_a_team_to_another_workshop(client, admin, db):
    first, second = make_department("一车间"), make_department("二车间")
    team = make_department("甲班", parent=first)
    response = client.post(
        f"/admin/departments/{team.id}", data={"name": "甲班", "parent_id": second.id}
    )
    assert response.status_code == 303
    db.session.refresh(team)
    assert team.parent == second


def test_a_workshop_with_teams_cannot_become_a_team(client, admin, db):
    first, second = make_department("一车间"), make_department("二车间")
    make_department("甲班", parent=first)
    response = client.post(
        f"/admin/departments/{first.id}", data={"name": "一车间", "parent_id": second.id}
    )
    assert response.status_code == 422
    db.session.refresh(first)
    assert first.parent is None


def test_delete_only_empty_departments(client, admin, db):
    workshop = make_department("一车间")
    team = make_department("甲班", parent=workshop)
    person = make_user(department=team)
    for dept in (workshop, team):
        client.post(f"/admin/departments/{dept.id}/delete")
    assert db.session.get(Department, team.id) is not None
    assert db.session.get(Department, workshop.id) is not None
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "flash-error" in page
    person.department = None
    db.session.commit()
    assert client.post(f"/admin/departments/{team.id}/delete").status_code == 303
    assert client.post(f"/admin/departments/{workshop.id}/delete").status_code == 303
    assert db.session.query(Department).count() == 0
