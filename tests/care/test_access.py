"""Every /care route × every role: only the intended roles get through. Nobody else learns
that a file exists; a member sees their own mutual-aid request and no other member's."""

import re
import uuid

import pytest

from app.models import AuditLog
from tests.care.conftest import ROLES
from tests.helpers import text

EVERYONE = set(ROLES)
READERS = {"care_officer", "admin"}
OFFICER = {"care_officer"}

# (method, rule) -> roles that get through. Every /care rule must be here (checked below).
MATRIX = {
    ("GET", "/care/"): READERS,
    ("GET", "/care/stats"): READERS,
    ("GET", "/care/files"): READERS,
    ("GET", "/care/files/new"): OFFICER,
    ("POST", "/care/files/new"): OFFICER,
    ("GET", "/care/files/<int:file_id>"): READERS,
    ("GET", "/care/files/<int:file_id>/edit"): OFFICER,
    ("POST", "/care/files/<int:file_id>/edit"): OFFICER,
    ("POST", "/care/files/<int:file_id>/members"): OFFICER,
    ("POST", "/care/files/<int:file_id>/members/<int:member_id>/delete"): OFFICER,
    ("POST", "/care/files/<int:file_id>/supports"): OFFICER,
    ("POST", "/care/files/<int:file_id>/attachments"): OFFICER,
    ("GET", "/care/files/<int:file_id>/review"): OFFICER,
    ("POST", "/care/files/<int:file_id>/review"): OFFICER,
    ("GET", "/care/files/export.xlsx"): OFFICER,
    ("GET", "/care/attachments/<int:attachment_id>"): READERS,
    ("GET", "/care/proposals"): READERS,
    ("POST", "/care/proposals/<int:proposal_id>/decline"): OFFICER,
    ("GET", "/care/proposals/new"): EVERYONE,
    ("POST", "/care/proposals/new"): EVERYONE,
    ("GET", "/care/plans"): READERS,
    ("GET", "/care/plans/new"): OFFICER,
    ("POST", "/care/plans/new"): OFFICER,
    ("GET", "/care/plans/<int:plan_id>"): READERS,
    ("POST", "/care/plans/<int:plan_id>/targets"): OFFICER,
    ("GET", "/care/plans/<int:plan_id>/visit/<int:file_id>"): OFFICER,
    ("POST", "/care/visits"): OFFICER,
    ("GET", "/care/visits/<int:visit_id>"): READERS,
    ("GET", "/care/aid/new"): EVERYONE,
    ("POST", "/care/aid/new"): EVERYONE,
    ("GET", "/care/aid/mine"): EVERYONE,
    ("GET", "/care/aid"): READERS,
    # The member's own request; the matrix's member is its reporter.
    ("GET", "/care/aid/<int:request_id>"): READERS | {"member"},
    ("POST", "/care/aid/<int:request_id>/<any(acknowledge, act, close, comment):action>"): OFFICER,
    ("GET", "/care/campaigns"): READERS,
    ("GET", "/care/campaigns/new"): OFFICER,
    ("POST", "/care/campaigns/new"): OFFICER,
    ("GET", "/care/campaigns/<int:campaign_id>"): READERS,
    ("POST", "/care/campaigns/<int:campaign_id>/recipients"): OFFICER,
    ("POST", "/care/campaigns/<int:campaign_id>/recipients/<int:recipient_id>/delete"): OFFICER,
    ("GET", "/care/campaigns/<int:campaign_id>/signoff"): OFFICER,
    ("POST", "/care/signoff"): OFFICER,
    ("GET", "/care/campaigns/<int:campaign_id>/export.xlsx"): OFFICER,
    # Closing is last: the other routes run on open plans and campaigns.
    ("POST", "/care/plans/<int:plan_id>/close"): OFFICER,
    ("POST", "/care/campaigns/<int:campaign_id>/close"): OFFICER,
}


def _care_rules(app):
    rules = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/care") and rule.endpoint != "care.static":
            rules.update((m, rule.rule) for m in rule.methods - {"HEAD", "OPTIONS"})
    return rules


def test_the_matrix_covers_every_care_route(app):
    assert _care_rules(app) == set(MATRIX)


def _url(rule: str, world) -> str:
    values = {
        "<int:file_id>": world.file.id,
        "<int:member_id>": world.member_id,
        "<int:attachment_id>": world.attachment.id,
        "<int:proposal_id>": world.proposal.id,
        "<int:plan_id>": world.plan.id,
        "<int:visit_id>": world.visit.id,
        "<int:request_id>": world.aid_request.id,
        "<any(acknowledge, act, close, comment):action>": "comment",
        "<int:campaign_id>": world.campaign.id,
        "<int:recipient_id>": world.recipient.id,
    }
    for key, value in values.items():
        rule = rule.replace(key, str(value))
    return rule


def _through(response) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return False
    return response.status_code < 500


@pytest.mark.parametrize("role", ROLES)
def test_every_route_lets_in_only_the_intended_roles(app, client, auth, world, role):
    auth.login(world.people[role])
    wrong = []
    for (method, rule), allowed in MATRIX.items():
        url = _url(rule, world)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        response.close()  # a file sent by send_file stays open until then
        assert response.status_code < 500, (method, url, response.status_code)
        if _through(response) != (role in allowed):
            wrong.append((method, url, response.status_code))
    assert wrong == []


def test_logged_out_people_are_sent_to_log_in(client, world):
    for (method, rule), _allowed in MATRIX.items():
        url = _url(rule, world)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        response.close()
        assert not _through(response), (method, url)


def test_a_members_aid_request_is_theirs_alone(client, auth, world):
    own, other = world.aid_request, world.other_aid
    auth.login(world.people["member"])
    page = client.get(f"/care/aid/{own.id}")
    assert page.status_code == 200 and "住院手术" in text(page)
    assert client.get(f"/care/aid/{other.id}").status_code == 404
    mine = text(client.get("/care/aid/mine"))
    assert "住院" in mine and "父亲病故" not in mine and world.worker.name not in mine
    auth.logout()
    for role in ("inspector", "safety_officer", "organizer"):
        auth.login(world.people[role])
        assert client.get(f"/care/aid/{own.id}").status_code == 404
        assert "住院手术" not in text(client.get("/care/aid/mine"))
        auth.logout()


def test_a_forbidden_file_and_a_missing_file_look_the_same(client, auth, world):
    """A member cannot tell a real file id from a made-up one."""
    auth.login(world.people["member"])
    real = client.get(f"/care/files/{world.file.id}")
    made_up = client.get("/care/files/999999")
    assert real.status_code == made_up.status_code == 403

    def main(response):
        body = text(response)
        return body[body.index("<main") : body.index("</main>")]

    assert main(real) == main(made_up)


def test_no_one_but_care_officers_and_the_chairman_gets_a_care_card_or_hears_of_a_file(
    app, client, auth, world, db
):
    from app.models import Notification

    for role in ROLES:
        auth.login(world.people[role])
        home = text(client.get("/"))
        assert ("以情爱家" in home) == (role in READERS), role
        assert world.worker.name not in home
        auth.logout()
    # The worker and the proposer hear nothing of the file or the proposal.
    told = db.session.scalars(
        db.select(Notification.title).where(
            Notification.user_id.in_([world.worker.id, world.people["member"].id])
        )
    ).all()
    assert not any("档案" in t for t in told)


def test_reading_a_file_is_not_audited_when_refused(client, auth, world, db):
    before = db.session.scalar(db.select(db.func.count(AuditLog.id)))
    auth.login(world.people["organizer"])
    client.get(f"/care/files/{world.file.id}")
    after = db.session.scalar(
        db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "care.file.read")
    )
    assert after == 0 and before > 0


# The member's own forms, open to every member (the chairman too): telling the union of a major
# event, proposing a colleague for a file.
MEMBER_FORMS = {"/care/aid/new", "/care/proposals/new"}


def _form_actions(page: str) -> list[str]:
    """Where the forms of a page's main part post to."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', main)


def test_the_chairman_reads_care_but_no_form_route_or_outbox_record_changes_it(
    app, client, auth, world, db
):
    """The admin role is the union chairman: it reads files, visits, plans, aid requests and
    campaigns, and changes none. Its care pages carry no form but the member's own; every care
    POST route but a member's own form answers 403 and writes nothing; the outbox's care kinds
    refuse its records."""
    from app.models.care import CampaignRecipient, CareVisit

    auth.login(world.people["admin"])
    pages = [
        "/care/",
        "/care/files",
        f"/care/files/{world.file.id}",
        f"/care/visits/{world.visit.id}",
        "/care/plans",
        f"/care/plans/{world.plan.id}",
        "/care/proposals",
        "/care/aid",
        f"/care/aid/{world.aid_request.id}",
        "/care/campaigns",
        f"/care/campaigns/{world.campaign.id}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _form_actions(text(response)) == [], url

    entries = db.session.scalar(db.select(db.func.count(AuditLog.id)))
    posts = sorted(r for m, r in _care_rules(app) if m == "POST" and r not in MEMBER_FORMS)
    assert set(posts) == {r for (m, r), roles in MATRIX.items() if m == "POST" and roles == OFFICER}
    for action in ("acknowledge", "act", "close", "comment"):
        rule = "/care/aid/<int:request_id>/<any(acknowledge, act, close, comment):action>"
        url = _url(rule, world).replace("/comment", "/" + action)
        assert client.post(url, data={"note": "主席批示", "amount": "100"}).status_code == 403
    for rule in posts:
        response = client.post(_url(rule, world), data={"note": "主席批示"})
        assert response.status_code == 403, rule
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == entries

    visit = {"file_id": str(world.file.id), "plan_id": str(world.plan.id)}
    visit |= {"visited_on": world.visit.visited_on.isoformat(), "visitors": "主席"}
    signoff = {"recipient_id": str(world.recipient.id), "confirmation": world.worker.name}
    records = [
        {"id": str(uuid.uuid4()), "kind": kind, "captured_at": "2026-01-01T08:00:00+00:00"}
        | {"data": data, "photos": []}
        for kind, data in (("care_visit", visit), ("care_signoff", signoff))
    ]
    result = client.post("/sync", json={"device": "p1", "records": records}).get_json()
    refused = {"record": ["只有帮扶专干可以这样做。"]}
    assert [(r["status"], r["errors"]) for r in result["results"]] == [("invalid", refused)] * 2
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(CareVisit.id))) == 1
    assert db.session.get(CampaignRecipient, world.recipient.id).signed_at is None
