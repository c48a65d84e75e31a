"""The safety forms that take photos (a hazard, a violation, a hazard's follow-up, the items
of a whole round), posted without JavaScript and refused for something else, keep the photos
chosen: shown again, ticked, and saved with the corrected form; a token of another person is
ignored."""

import io

import pytest
from sqlalchemy import select

from app.models import Role
from app.models.hazards import Hazard, HazardEvent, Photo, Violation
from app.models.safety import ChecklistVersion, Patrol
from tests.factories import make_user
from tests.helpers import kept_tokens, text
from tests.safety.factories import jpeg_bytes, make_area, make_checklist, make_hazard

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


def test_a_refused_round_keeps_each_item_s_photo_and_answers(client, auth, db):
    """The whole round posted without JavaScript, one item left unanswered: the answers given
    and the photo of the first item come back; the corrected round has that photo."""
    make_checklist(items=("通道畅通", "防护罩完好"))
    area, inspector = make_area(), make_user(Role.INSPECTOR)
    auth.login(inspector)
    url = f"/safety/patrols/round/{area.id}"
    first, second = db.session.scalar(select(ChecklistVersion)).items
    fields = {
        "area_id": str(area.id),
        "answers[0][item_id]": str(first.id),
        "answers[0][answer]": "no",
        "answers[0][note]": "通道堆放纸箱",
        "answers[1][item_id]": str(second.id),
    }
    photo = {f"photos-{first.id}": (io.BytesIO(jpeg_bytes()), "通道.jpg")}
    refused = client.post(url, data={**fields, **photo}, content_type="multipart/form-data")
    assert refused.status_code == 422 and db.session.scalar(select(Patrol)) is None
    page = text(refused)
    [token] = kept_tokens(page, f"kept_photos-{first.id}")
    assert kept_tokens(page, f"kept_photos-{second.id}") == []
    assert 'name="answers[0][answer]" value="no" checked' in page
    assert 'value="通道堆放纸箱"' in page
    corrected = {**fields, "answers[1][answer]": "yes", f"kept_photos-{first.id}": token}
    assert client.post(url, data=corrected).status_code == 303
    patrol = db.session.scalar(select(Patrol))
    answers = {a.item_id: a for a in patrol.answers}
    assert [p.uploaded_by_id for p in _photos(db, patrol_answer_id=answers[first.id].id)] == [
        inspector.id
    ]
    assert _photos(db, patrol_answer_id=answers[second.id].id) == []


def test_a_round_s_refused_photo_is_said_at_its_item_and_the_others_are_kept(client, auth, db):
    make_checklist(items=("通道畅通", "防护罩完好"))
    area = make_area()
    auth.login(make_user(Role.INSPECTOR))
    url = f"/safety/patrols/round/{area.id}"
    first, second = db.session.scalar(select(ChecklistVersion)).items
    fields = {"area_id": str(area.id)}
    for i, item in enumerate((first, second)):
        fields |= {f"answers[{i}][item_id]": str(item.id), f"answers[{i}][answer]": "yes"}
    files = {
        f"photos-{first.id}": (io.BytesIO(jpeg_bytes()), "通道.jpg"),
        f"photos-{second.id}": (io.BytesIO(b"not a picture"), "防护罩.jpg"),
    }
    refused = client.post(url, data={**fields, **files}, content_type="multipart/form-data")
    assert refused.status_code == 422 and db.session.scalar(select(Patrol)) is None
    page = text(refused)
    assert len(kept_tokens(page, f"kept_photos-{first.id}")) == 1
    assert kept_tokens(page, f"kept_photos-{second.id}") == []
    item = page[page.index(f'id="round-item-{second.id}"') :]
    assert page.count("防护罩.jpg") == 1 and "防护罩.jpg" in item


@pytest.mark.parametrize("other_refused", [False, True], ids=["alone", "beside-another"])
def test_a_round_item_with_too_many_photos_is_told_so_at_that_item(client, auth, db, other_refused):
    """Six photos kept from a refused round and one more chosen: the item has seven, one
    over the limit. That is said at the item, whether or not another item's photo was refused
    too (it used to be said above the list, or not at all beside another item's)."""
    make_checklist(items=("通道畅通", "防护罩完好"))
    area = make_area()
    auth.login(make_user(Role.INSPECTOR))
    url = f"/safety/patrols/round/{area.id}"
    first, second = db.session.scalar(select(ChecklistVersion)).items
    fields = {"area_id": str(area.id), "note": ""}
    fields |= {f"answers[{i}][item_id]": str(item.id) for i, item in enumerate((first, second))}
    fields |= {"answers[0][answer]": "yes", "answers[1][answer]": "yes"}
    six = [(io.BytesIO(jpeg_bytes(colour=(40 * n, 0, 0))), f"通道{n}.jpg") for n in range(6)]
    too_long = {"note": "通道" * 1001}  # the round refused for its own note keeps the six
    first_try = client.post(
        url,
        data={**fields, **too_long, f"photos-{first.id}": six},
        content_type="multipart/form-data",
    )
    tokens = kept_tokens(text(first_try), f"kept_photos-{first.id}")
    assert len(tokens) == 6
    files = {f"photos-{first.id}": (io.BytesIO(jpeg_bytes(colour="blue")), "第七张.jpg")}
    if other_refused:
        files[f"photos-{second.id}"] = (io.BytesIO(b"not a picture"), "防护罩.jpg")
    again = {**fields, f"kept_photos-{first.id}": tokens, **files}
    refused = client.post(url, data=again, content_type="multipart/form-data")
    assert refused.status_code == 422 and db.session.scalar(select(Patrol)) is None
    page = text(refused)
    at_first = page[
        page.index(f'id="round-item-{first.id}"') : page.index(f'id="round-item-{second.id}"')
    ]
    assert page.count("最多上传 6 张照片。") == 1 and "最多上传 6 张照片。" in at_first
    if other_refused:
        at_second = page[page.index(f'id="round-item-{second.id}"') :]
        assert page.count("防护罩.jpg") == 1 and "防护罩.jpg" in at_second
