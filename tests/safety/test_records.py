from sqlalchemy import select

from app.models import Role
from app.models.hazards import Violation, ViolationStatus
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
    url = f"/safety/violations/{violation.id}"
    # Only an officer follows up: the inspector is refused whatever the form holds, and told why.
    for follow_up in ("", "我来处理"):
        refused = client.post(url + "/follow-up", data={"follow_up": follow_up})
        assert refused.status_code == 403
        assert "只有安全员可以进行此操作。" in refused.get_data(as_text=True)
    auth.logout()
    auth.login(officer)
    assert client.post(url + "/follow-up", data={"follow_up": ""}).status_code == 422
    assert client.post(url + "/follow-up", data={"follow_up": "已进行安全谈话"}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "高处作业未系安全带" in page and "已进行安全谈话" in page and "已处理" in page
    assert violation.status is ViolationStatus.FOLLOWED_UP
    again = client.post(url + "/follow-up", data={"follow_up": "再谈一次"})
    assert again.status_code == 409
    # Handled is handled, whatever the form holds.
    assert client.post(url + "/follow-up", data={"follow_up": ""}).status_code == 409


def test_members_cannot_record_or_see_violations(client, auth, app):
    auth.login(make_user())
    assert client.get("/safety/violations").status_code == 403
    assert client.get("/safety/violations/new").status_code == 403


def test_safety_suggestions_lead_to_proposals_of_the_category_safety(client, auth, app, db):
    """Suggestions are proposals now: the old pages send there, an old link to one finds the
    proposal it became, and the safety page links to both."""
    from app.blueprints.proposals.services import save_proposal

    author = make_user()
    proposal, _ = save_proposal(
        author,
        {
            "title": "增设洗眼器",
            "category": "safety",
            "current_state": "总装线使用清洗剂",
            "proposed_change": "在工位旁增设洗眼器",
            "expected_effect": "溅入眼睛时能及时冲洗",
        },
        submit=True,
    )
    proposal.legacy_suggestion_id = 7
    db.session.commit()
    auth.login(author)
    assert client.get("/safety/suggestions").headers["Location"] == "/proposals/?category=safety"
    assert client.get("/safety/suggestions/new").headers["Location"] == (
        "/proposals/new?category=safety"
    )
    assert client.get("/safety/suggestions/7").headers["Location"] == f"/proposals/{proposal.id}"
    assert client.get("/safety/suggestions/8").status_code == 404
    page = client.get("/safety/").get_data(as_text=True)
    assert "/proposals/?category=safety" in page and "/proposals/new?category=safety" in page
    listed = client.get("/proposals/?category=safety").get_data(as_text=True)
    assert "增设洗眼器" in listed
