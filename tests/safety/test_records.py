from sqlalchemy import func, select

from app.models import Role
from app.models.hazards import Suggestion, Violation, ViolationStatus
from tests.factories import make_user
from tests.safety.factories import make_area


def test_inspector_records_a_violation_and_officer_follows_up(client, auth, app, db):
    area = make_area(name="总装线")
    inspector, officer = make_user(Role.INSPECTOR), make_user(Role.SAFETY_OFFICER)
    auth.login(inspector)
    missing = client.post("/safety/violations/new", data={"area_id": area.id})
    assert missing.status_code == 422 and "该字段是必填字段。" in missing.get_data(as_text=True)
    response = client.post(
        "/safety/violations/new",
        data={"area_id": area.id, "rule": "高处作业未系安全带", "person": "某职工"},
    )
    assert response.status_code == 303
    violation = db.session.scalar(select(Violation))
    auth.logout()
    auth.login(officer)
    url = f"/safety/violations/{violation.id}"
    assert client.post(url + "/follow-up", data={"follow_up": ""}).status_code == 422
    assert client.post(url + "/follow-up", data={"follow_up": "已进行安全谈话"}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "高处作业未系安全带" in page and "已进行安全谈话" in page and "已处理" in page
    assert violation.status is ViolationStatus.FOLLOWED_UP
    again = client.post(url + "/follow-up", data={"follow_up": "再谈一次"})
    assert again.status_code == 409


def test_members_cannot_record_or_see_violations(client, auth, app):
    auth.login(make_user())
    assert client.get("/safety/violations").status_code == 403
    assert client.get("/safety/violations/new").status_code == 403


def test_any_member_suggests_and_only_they_and_officers_see_it(client, auth, app, db):
    author, other, officer = make_user(), make_user(), make_user(Role.SAFETY_OFFICER)
    auth.login(author)
    response = client.post(
        "/safety/suggestions/new", data={"title": "增设洗眼器", "body": "总装线使用清洗剂"}
    )
    assert response.status_code == 303
    suggestion = db.session.scalar(select(Suggestion))
    url = f"/safety/suggestions/{suggestion.id}"
    auth.logout()
    auth.login(other)
    assert client.get(url).status_code == 404
    assert "增设洗眼器" not in client.get("/safety/suggestions").get_data(as_text=True)
    assert client.post(url + "/answer", data={"answer": "好"}).status_code == 404
    auth.logout()
    auth.login(officer)
    assert client.post(url + "/answer", data={"answer": "下周安装"}).status_code == 303
    auth.logout()
    auth.login(author)
    page = client.get(url).get_data(as_text=True)
    assert "下周安装" in page


def test_suggestion_needs_a_subject_and_a_body(client, auth, app, db):
    auth.login(make_user())
    response = client.post("/safety/suggestions/new", data={"title": "", "body": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Suggestion.id))) == 0
