"""The safety forms that take photos (a hazard, a violation, a hazard's follow-up), posted
without JavaScript and refused for something else, keep the photos chosen: shown again,
ticked, and saved with the corrected form; a token of another person is ignored."""

import io

from sqlalchemy import select

from app.models import Role
from app.models.hazards import Hazard, HazardEvent, Photo, Violation
from tests.factories import make_user
from tests.helpers import kept_tokens, text
from tests.safety.factories import jpeg_bytes, make_area, make_hazard

HAZARD = {"title": "配电柜门未关", "category": "electrical", "severity": "general"}


def _refused(client, url, data) -> str:
    with_photo = {**data, "photos": (io.BytesIO(jpeg_bytes()), "现场.jpg")}
    response = client.post(url, data=with_photo, content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert "该字段是必填字段。" in page
    assert '<img src="data:image/jpeg;base64,' in page
    return page


def _photos(db, **owner) -> list[Photo]:
    return db.session.scalars(select(Photo).filter_by(**owner)).all()


def test_a_refused_hazard_report_keeps_its_photo(client, auth, db):
    area, reporter = make_area(), make_user()
    auth.login(reporter)
    fields = {**HAZARD, "area_id": str(area.id)}
    [token] = kept_tokens(_refused(client, "/safety/hazards/new", {**fields, "title": ""}))
    assert db.session.scalar(select(Hazard)) is None
    saved = client.post("/safety/hazards/new", data={**fields, "kept_photos": token})
    assert saved.status_code == 303
    hazard = db.session.scalar(select(Hazard))
    [photo] = _photos(db, hazard_id=hazard.id)
    assert photo.uploaded_by_id == reporter.id
    shown = client.get(f"/safety/photos/{photo.id}")
    assert shown.status_code == 200 and shown.data.startswith(b"\xff\xd8")
    shown.close()


def test_a_refused_violation_keeps_its_photo_only_for_its_inspector(client, auth, db):
    area, inspector = make_area(), make_user(Role.INSPECTOR)
    auth.login(inspector)
    fields = {"area_id": str(area.id), "rule": "高处作业未系安全带"}
    [token] = kept_tokens(_refused(client, "/safety/violations/new", {**fields, "rule": ""}))
    auth.logout()
    auth.login(make_user(Role.INSPECTOR))
    assert (
        client.post("/safety/violations/new", data={**fields, "kept_photos": token}).status_code
        == 303
    )
    [theirs] = db.session.scalars(select(Violation)).all()
    assert _photos(db, violation_id=theirs.id) == []
    auth.logout()
    auth.login(inspector)
    assert (
        client.post("/safety/violations/new", data={**fields, "kept_photos": token}).status_code
        == 303
    )
    mine = db.session.scalar(select(Violation).where(Violation.id != theirs.id))
    assert len(_photos(db, violation_id=mine.id)) == 1


def test_a_refused_follow_up_keeps_its_photo_on_its_own_form(client, auth, db):
    officer = make_user(Role.SAFETY_OFFICER)
    hazard = make_hazard()
    auth.login(officer)
    url = f"/safety/hazards/{hazard.id}/events"
    page = _refused(client, url, {"action": "comment", "note": ""})
    [token] = kept_tokens(page)
    # Shown once, on the form that was refused.
    assert page.count('id="kept-photos"') == 1
    assert page.index('id="action-comment"') < page.index('id="kept-photos"')
    saved = client.post(url, data={"action": "comment", "note": "已拍照取证", "kept_photos": token})
    assert saved.status_code == 303
    event = db.session.scalar(select(HazardEvent).where(HazardEvent.note == "已拍照取证"))
    assert len(_photos(db, hazard_event_id=event.id)) == 1
