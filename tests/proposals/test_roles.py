"""Every /proposals route × every role: what each may reach, and what the others get.

A person sees only what is theirs or theirs to handle: a role alone gives no view of other
people's proposals (404, so the list of ids is not a guide), except the committee (organizers
and the chairman), who see every sent-in proposal, and safety officers, who see the safety
ones. Committee pages answer 403 to everyone else.
"""

import io
from datetime import timedelta

import pytest
from PIL import Image

from app import storage
from app.blueprints.proposals.services import photo_row
from app.extensions import db as _db
from app.services.inputs import local_today
from tests.proposals.conftest import COMPLETE, advance

ROLES = ["member", "inspector", "safety_officer", "organizer", "care_officer", "admin"]
COMMITTEE = {"organizer", "admin"}


def _photo_of(proposal, user):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(out, "JPEG")
    photo = photo_row(storage.save(storage.prepare(out.getvalue())), user, proposal)
    _db.session.add(photo)
    _db.session.commit()
    return photo


def _cases(cast):
    """(method, url maker, data, expected for the committee, for a safety officer, others)."""
    due = (local_today() + timedelta(days=10)).isoformat()
    return [
        ("GET", lambda: "/proposals/", None, 200, 200, 200),
        ("GET", lambda: "/proposals/?tab=todo", None, 200, 200, 200),
        ("GET", lambda: "/proposals/new", None, 200, 200, 200),
        ("POST", lambda: "/proposals/new", {"title": "草稿", "action": "draft"}, 303, 303, 303),
        ("GET", lambda: f"/proposals/{advance(cast, 'submitted').id}", None, 200, 404, 404),
        (
            "GET",
            lambda: f"/proposals/{advance(cast, 'submitted', category='safety').id}",
            None,
            200,
            200,
            404,
        ),
        ("GET", lambda: f"/proposals/{advance(cast, 'draft').id}", None, 404, 404, 404),
        ("GET", lambda: f"/proposals/{advance(cast, 'draft').id}/edit", None, 404, 404, 404),
        ("POST", lambda: f"/proposals/{advance(cast, 'draft').id}/edit", COMPLETE, 404, 404, 404),
        ("POST", lambda: f"/proposals/{advance(cast, 'draft').id}/submit", {}, 404, 404, 404),
        ("POST", lambda: f"/proposals/{advance(cast, 'draft').id}/delete", {}, 404, 404, 404),
        (
            "GET",
            lambda: f"/proposals/photos/{_photo_of(advance(cast, 'submitted'), cast.proposer).id}",
            None,
            200,
            404,
            404,
        ),
        (
            "GET",
            lambda: (
                f"/proposals/photos/{_photo_of(advance(cast, 'submitted'), cast.proposer).id}/thumb"
            ),
            None,
            200,
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'submitted').id}/opinion",
            {"recommend": "yes"},
            403,  # the workshop has its own head
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'reviewing').id}/score",
            {"technical": "20", "economic": "20", "scope": "10", "practicality": "10"},
            303,
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'scored').id}/decision",
            {
                "decision": "adopt",
                "reason": "好",
                "owner_id": str(cast.owner.id),
                "plan": "做",
                "due_on": due,
            },
            303,
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'adopted').id}/revoke",
            {"reason": "复核"},
            303,
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'adopted').id}/completion",
            {"benefit": "1000", "benefit_method": "台账"},
            303,
            404,
            404,
        ),
        (
            "POST",
            lambda: f"/proposals/{advance(cast, 'implemented').id}/award",
            {"grade": "third", "amount": "500"},
            303,
            404,
            404,
        ),
        ("GET", lambda: "/proposals/stats", None, 200, 403, 403),
        ("GET", lambda: "/proposals/stats.xlsx", None, 200, 403, 403),
        ("GET", lambda: "/proposals/settings", None, 200, 403, 403),
        (
            "POST",
            lambda: "/proposals/settings/weights",
            {
                "weight_technical": "30",
                "weight_economic": "30",
                "weight_scope": "20",
                "weight_practicality": "20",
            },
            303,
            403,
            403,
        ),
        (
            "POST",
            lambda: "/proposals/settings/heads",
            {"department_id": str(cast.workshop.id), "heads": [str(cast.head.id)]},
            303,
            403,
            403,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_a_role(client, auth, cast, role):
    user = cast.by_role(role)
    auth.login(user)
    seen = []
    for method, url_of, data, committee, officer, others in _cases(cast):
        url = url_of()
        expected = (
            committee if role in COMMITTEE else officer if role == "safety_officer" else others
        )
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        response.close()  # a photo is sent from its file
        seen.append(
            (method, url.split("/")[-1] if url[-1] != "/" else url, response.status_code, expected)
        )
    assert [row for row in seen if row[2] != row[3]] == []


def test_without_logging_in_every_route_asks_to_log_in(client, cast):
    for method, url_of, data, *_ in _cases(cast):
        url = url_of()
        response = client.get(url) if method == "GET" else client.post(url, data=data or {})
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"]


def test_the_people_of_a_proposal_see_it_and_do_their_own_step_only(client, auth, cast):
    proposal = advance(cast, "submitted")
    url = f"/proposals/{proposal.id}"
    auth.login(cast.coproposer)
    assert client.get(url).status_code == 200
    assert client.get(url + "/edit").status_code == 403  # not a draft any more
    assert client.post(url + "/opinion", data={"recommend": "yes"}).status_code == 403
    auth.logout()
    auth.login(cast.head)
    assert client.get(url).status_code == 200
    assert client.post(url + "/score", data={}).status_code == 403
    adopted = advance(cast, "adopted")
    auth.logout()
    auth.login(cast.owner)
    assert client.get(f"/proposals/{adopted.id}").status_code == 200
    assert client.post(f"/proposals/{adopted.id}/award", data={}).status_code == 403
