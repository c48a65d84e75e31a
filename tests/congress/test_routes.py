"""Every /congress route × every role: who gets the page or the action, who is refused.

The roles are the app's six and a delegate (a member who is a delegate of the current
session). Each role gets a fresh world and walks every route in one test."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.blueprints.congress.services import notices
from app.blueprints.congress.services.common import today
from app.extensions import db
from app.models import Role
from app.models.congress import Delegate, NoticeAttachment
from tests.congress import factories as f
from tests.factories import make_department, make_user

ROLES = ("member", "inspector", "safety_officer", "organizer", "care_officer", "admin", "delegate")
MANAGERS = {"organizer", "admin"}


@dataclass
class World:
    user: object
    ids: dict


def _world(role: str) -> World:
    workshop = make_department("总装车间")
    team = make_department("总装一班", parent=workshop)
    publisher = make_user(Role.ORGANIZER) if role != "organizer" else None
    if role == "delegate" or role == "member":
        user = make_user(department=team)
    else:
        user = make_user(Role(role), department=team)
    publisher = publisher or user
    boss = make_user(Role.ORGANIZER)
    session = f.make_session(boss)
    people = [f.make_delegate(boss, session, department=team) for _ in range(6)]
    if role == "delegate":
        f.make_delegate(boss, session, user=user)
    contact = f.make_contact(boss, session, workshop)
    draft = f.make_motion(session, people[0], [people[1]])
    submitted = f.submitted_motion(session, people[0], people[1:3], title="已提交")
    assigned = f.assigned_motion(boss, session, people[0], people[1:3], workshop, title="办理中")
    answered = f.assigned_motion(boss, session, people[0], people[1:3], workshop, title="已答复")
    from app.blueprints.congress.services import motions

    motions.answer(contact, answered, "A", "已解决")
    open_round = f.make_round(boss, session=session)
    closed_round = f.make_round(boss, session=session)
    for person in people[:5]:
        f.vote(person, closed_round)
    f.close(closed_round)
    notice = f.make_notice(publisher, files=[f.pdf()])
    question = notices.ask(people[0], notice, "何时发放？")
    from app.blueprints.congress.services import sessions

    document = sessions.add_document(boss, session, "工作报告", f.pdf())
    db.session.commit()
    spare = f.make_delegate(boss, session, department=team)
    ids = {
        "session": session.id,
        "draft": draft.id,
        "submitted": submitted.id,
        "assigned": assigned.id,
        "answered": answered.id,
        "open_round": open_round.id,
        "closed_round": closed_round.id,
        "notice": notice.id,
        "question": question.id,
        "document": document.id,
        "attachment": db.session.scalar(db.select(NoticeAttachment.id)),
        "spare": db.session.scalar(db.select(Delegate.id).where(Delegate.user_id == spare.id)),
        "workshop": workshop.id,
        "contact": contact.id,
        "open_round_obj": open_round,
    }
    return World(user, ids)


def _expect(role, allowed, ok=200, other=403):
    return ok if allowed else other


def _routes(role, ids, ballot):
    manager = role in MANAGERS
    delegate = role == "delegate"
    sees_drafts = manager or delegate
    day = today()
    s = ids["session"]
    return [
        ("GET", "/congress/", None, 200),
        ("GET", "/congress/sessions", None, 200),
        ("GET", f"/congress/sessions/{s}", None, 200),
        ("GET", f"/congress/sessions/{s}/report", None, 200),
        ("GET", "/congress/motions", None, 200),
        ("GET", f"/congress/motions/{ids['submitted']}", None, 200),
        ("GET", f"/congress/motions/{ids['draft']}", None, 200 if sees_drafts else 404),
        ("GET", "/congress/evaluations", None, 200),
        ("GET", f"/congress/evaluations/{ids['open_round']}", None, 200),
        ("GET", "/congress/notices", None, 200),
        ("GET", f"/congress/notices/{ids['notice']}", None, 200),
        ("GET", f"/congress/documents/{ids['document']}", None, 200),
        ("GET", f"/congress/attachments/{ids['attachment']}", None, 200),
        ("GET", "/congress/sessions/new", None, _expect(role, manager)),
        ("GET", f"/congress/sessions/{s}/edit", None, _expect(role, manager)),
        ("GET", f"/congress/sessions/{s}/delegates", None, _expect(role, manager)),
        ("GET", "/congress/evaluations/new", None, _expect(role, manager)),
        ("GET", f"/congress/evaluations/{ids['open_round']}/people", None, _expect(role, manager)),
        # Its ballots are cast: the people are fixed, for the organizers too.
        (
            "GET",
            f"/congress/evaluations/{ids['closed_round']}/people",
            None,
            _expect(role, manager, 409),
        ),
        ("GET", "/congress/notices/new", None, _expect(role, manager)),
        ("GET", "/congress/motions/new", None, _expect(role, delegate)),
        ("GET", f"/congress/motions/{ids['draft']}/edit", None, 403 if sees_drafts else 404),
        (
            "GET",
            f"/congress/evaluations/{ids['closed_round']}/results",
            None,
            _expect(role, manager),
        ),
        ("GET", f"/congress/evaluations/{ids['open_round']}/results", None, 403),
        (
            "GET",
            f"/congress/notices/{ids['notice']}/readers",
            None,
            # The publisher (the organizer) and the chairman (admin), who did not publish it.
            _expect(role, manager),
        ),
        # Writes
        (
            "POST",
            "/congress/sessions/new",
            {
                "term_no": 6,
                "session_no": 1,
                "title": "第六届第一次",
                "starts_on": day.isoformat(),
                "ends_on": day.isoformat(),
                "term_ends_on": (day + timedelta(days=900)).isoformat(),
            },
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/sessions/{s}/edit",
            {
                "term_no": 5,
                "session_no": 3,
                "title": "改名",
                "starts_on": day.isoformat(),
                "ends_on": day.isoformat(),
                "term_ends_on": (day + timedelta(days=900)).isoformat(),
            },
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/sessions/{s}/delegates",
            {
                "employee_no": ids["newcomer"],
                "department": 0,
                "term_starts_on": day.isoformat(),
                "term_ends_on": (day + timedelta(days=900)).isoformat(),
            },
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/sessions/{s}/contacts",
            {"contact-employee_no": ids["newcomer"], "contact-department": ids["workshop"]},
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/sessions/{s}/contacts/{ids['workshop']}/{ids['contact']}/remove",
            {},
            _expect(role, manager, 303),
        ),
        ("POST", f"/congress/delegates/{ids['spare']}/remove", {}, _expect(role, manager, 303)),
        (
            "POST",
            f"/congress/sessions/{s}/documents",
            {"title": "决议", "file": (io.BytesIO(f.PDF), "决议.pdf")},
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/sessions/{s}/meeting",
            {
                "starts_at": f"{day.isoformat()}T09:00",
                "ends_at": f"{day.isoformat()}T12:00",
                "place": "礼堂",
            },
            _expect(role, manager, 303),
        ),
        (
            "POST",
            "/congress/motions/new",
            {"title": "新提案", "reasons": "理由", "measures": "措施"},
            _expect(role, delegate, 303),
        ),
        (
            "POST",
            f"/congress/motions/{ids['draft']}/cosign",
            {},
            303 if delegate else (403 if manager else 404),
        ),
        # The delegate takes back the co-signature just given; no one else has one to take.
        (
            "POST",
            f"/congress/motions/{ids['draft']}/withdraw",
            {},
            303 if delegate else (403 if manager else 404),
        ),
        ("POST", f"/congress/motions/{ids['draft']}/submit", {}, 403 if sees_drafts else 404),
        ("POST", f"/congress/motions/{ids['draft']}/delete", {}, 403 if sees_drafts else 404),
        (
            "POST",
            f"/congress/motions/{ids['submitted']}/review",
            {"decision": "suggestion", "note": "转建议"},
            _expect(role, manager, 303),
        ),
        (
            "POST",
            f"/congress/motions/{ids['assigned']}/answer",
            {"answer_class": "A", "answer": "已解决"},
            403,
        ),
        ("POST", f"/congress/motions/{ids['answered']}/rate", {"rating": "satisfied"}, 403),
        (
            "POST",
            f"/congress/evaluations/{ids['open_round']}/vote",
            ballot,
            _expect(role, delegate, 303),
        ),
        (
            "POST",
            f"/congress/evaluations/{ids['open_round']}/people",
            {"leaders": "张总 总经理\n王书记 党委书记\n李主席 工会主席"},
            _expect(role, manager, 303),
        ),
        (
            "POST",
            "/congress/evaluations/new",
            {
                "title": "评议",
                "electorate": "delegates",
                "session": s,
                "opens_at": f"{day.isoformat()}T00:00",
                "closes_at": f"{(day + timedelta(days=3)).isoformat()}T00:00",
                "min_ballots": 5,
                "leaders": "张总 总经理",
                "dimensions": "政治素质",
            },
            _expect(role, manager, 303),
        ),
        (
            "POST",
            "/congress/notices/new",
            {"title": "公示", "category": "welfare", "body": "内容"},
            _expect(role, manager, 303),
        ),
        ("POST", f"/congress/notices/{ids['notice']}/questions", {"question": "请问？"}, 303),
        (
            "POST",
            f"/congress/questions/{ids['question']}/answer",
            {"answer": "答复"},
            _expect(role, manager, 303),
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(app, client, auth, role):
    world = _world(role)
    world.ids["newcomer"] = make_user().employee_no
    ballot = f.ballot_form(world.ids.pop("open_round_obj"))
    assert auth.login(world.user).status_code == 303
    adapter = app.url_map.bind("localhost")
    seen = set()
    for method, url, data, expected in _routes(role, world.ids, ballot):
        seen.add(adapter.match(url, method=method)[0])
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=data, content_type="multipart/form-data")
        response.close()
        assert response.status_code == expected, (role, method, url, response.status_code)
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("congress.")}
    assert seen == endpoints
