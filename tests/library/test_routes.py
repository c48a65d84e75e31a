"""Every /library route × every role (and no log-in): everyone reads and studies;
organizers, safety officers and the chairman publish and set questions and exams; a team
leader (and the publishers) see who has not confirmed; an attempt is its sitter's alone."""

import pytest

from app.models import Role
from app.models.gate import TeamLeader
from tests.factories import make_user

ROLES = (
    "member",
    "inspector",
    "safety_officer",
    "organizer",
    "care_officer",
    "admin",
    "team_leader",
)
PUBLISHERS = {"safety_officer", "organizer", "admin"}


def _user(role, world, db):
    if role == "team_leader":
        user = make_user(department=world.team)
        db.session.add(TeamLeader(department_id=world.team.id, user_id=user.id))
        db.session.commit()
        return user
    if role == "member":
        return make_user(department=world.team)
    return make_user(Role(role), department=world.team)


def _routes(role, world, own_attempt, other_attempt):
    publisher = role in PUBLISHERS
    follows = publisher or role == "team_leader"
    d, b, e = world.document.id, world.bank.id, world.exam.id
    manage = 200 if publisher else 403
    doc = {
        "title": "新规程",
        "category": "procedure",
        "body": "第一条。",
        "changes": "改了",
        "post_ids": str(world.post.id),
    }
    question = {"kind": "true_false", "text": "对吗？", "correct": "1"}
    exam = {
        "title": "考",
        "bank_id": str(b),
        "question_count": "1",
        "minutes": "5",
        "pass_score": "60",
    }
    return [
        ("GET", "/library/", None, 200),
        ("GET", "/library/?category=contract", None, 200),
        ("GET", "/library/?category=nonsense", None, 400),
        ("GET", "/library/scan", None, 200),
        ("GET", f"/library/documents/{d}", None, 200),
        ("GET", f"/library/documents/{d}/versions/1", None, 200),
        ("GET", f"/library/documents/{d}/versions/9", None, 404),
        ("GET", f"/library/documents/{d}/qr.svg", None, 200),
        ("GET", "/library/documents/999999", None, 404),
        ("GET", "/library/documents/new", None, manage),
        ("POST", "/library/documents/new", doc, 303 if publisher else 403),
        ("GET", f"/library/documents/{d}/revise", None, manage),
        ("POST", f"/library/documents/{d}/revise", doc, 303 if publisher else 403),
        ("GET", f"/library/documents/{d}/print", None, manage),
        ("GET", f"/library/documents/{d}/readers", None, 200 if follows else 403),
        ("POST", f"/library/documents/{d}/confirm", {"version_id": "1"}, 303),
        ("GET", "/library/study", None, 200),
        ("GET", "/library/daily", None, 200),
        ("GET", "/library/mistakes", None, 200),
        ("GET", "/library/banks/new", None, manage),
        ("POST", "/library/banks/new", {"topic": f"题库{role}"}, 303 if publisher else 403),
        ("GET", f"/library/banks/{b}", None, manage),
        ("POST", f"/library/banks/{b}", question, 303 if publisher else 403),
        ("GET", "/library/exams/new", None, manage),
        ("POST", "/library/exams/new", exam, 303 if publisher else 403),
        ("GET", f"/library/exams/{e}", None, 200),
        ("GET", "/library/exams/999999", None, 404),
        ("POST", f"/library/exams/{e}/start", {}, 303),
        ("GET", f"/library/attempts/{own_attempt}", None, 200),
        ("GET", f"/library/attempts/{other_attempt}", None, 404),
        ("GET", "/library/results", None, manage),
    ]


def _attempt_of(user, world, db):
    from app.blueprints.library import services

    attempt = services.start_attempt(user, world.exam)
    db.session.commit()
    return attempt.id


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(client, auth, world, db, role):
    user = _user(role, world, db)
    own, other = _attempt_of(user, world, db), _attempt_of(world.worker, world, db)
    auth.login(user)
    for method, url, data, expected in _routes(role, world, own, other):
        response = client.open(url, method=method, data=data)
        assert response.status_code == expected, (role, method, url, response.status_code)


def test_without_a_log_in_every_route_leads_to_it(client, world, db):
    own = _attempt_of(world.worker, world, db)
    for method, url, data, _expected in _routes("member", world, own, own):
        response = client.open(url, method=method, data=data)
        if url.endswith("nonsense"):
            continue
        assert response.status_code in (302, 401), (method, url, response.status_code)


def test_the_page_and_its_fragment(client, auth, world, htmx_headers):
    auth.login(world.worker)
    page = client.get("/library/?category=procedure")
    fragment = client.get("/library/?category=procedure", headers=htmx_headers)
    assert "<html" in page.get_data(as_text=True) and "数控车床安全操作规程" in page.get_data(
        as_text=True
    )
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "数控车床安全操作规程" in body
    assert "HX-Request" in fragment.headers.get("Vary", "")
