"""The real record kinds through POST /sync and PUT /sync/photos: hazard, follow-up, violation,
patrol and check-in each become the same rows the online forms make, once."""

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models.hazards import Hazard, HazardEvent, Photo
from app.storage import backend, key_for
from tests.factories import make_user
from tests.safety.factories import make_area
from tests.sync.conftest import jpeg, photo_ref, post_sync

CAPTURED = datetime(2026, 11, 23, 9, 12, tzinfo=UTC)


def file_path(sha256: str, thumb: bool = False) -> Path:
    return backend().path(key_for(sha256, thumb=thumb))


def record(kind, data, photos=(), record_id=None) -> dict:
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": kind,
        "captured_at": CAPTURED.isoformat(),
        "data": data,
        "photos": list(photos),
    }


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def put_photo(client, ref, data):
    return client.put(f"/sync/photos/{ref['id']}", data=data, content_type="image/jpeg")


@pytest.fixture
def area(app):
    return make_area(name="冲压车间")


def hazard_record(area, photos=(), **extra) -> dict:
    data = {
        "title": "护栏松动",
        "description": "二号线旁",
        "area_id": str(area.id),
        "category": "machinery",
        "severity": "serious",
        "patrol_id": "",
        "answer_id": "",
        **extra,
    }
    return record("hazard", data, photos)


# --- hazard ---------------------------------------------------------------------------------


def test_a_hazard_record_becomes_one_hazard_and_a_retry_is_a_duplicate(client, db, logged_in, area):
    sent = hazard_record(area)
    first = post_sync(client, sent).json["results"][0]
    assert first["status"] == "created"
    hazard = db.session.scalar(select(Hazard))
    assert first["url"] == f"/safety/hazards/{hazard.id}"
    assert hazard.client_id == sent["id"]
    assert hazard.reporter_id == logged_in.id
    assert hazard.captured_at.replace(tzinfo=UTC) == CAPTURED
    again = post_sync(client, sent).json["results"][0]
    assert again["status"] == "duplicate" and again["url"] == first["url"]
    assert count(db, Hazard) == 1 and count(db, HazardEvent) == 1


def test_an_invalid_hazard_comes_back_with_the_services_errors(client, db, logged_in, area):
    sent = hazard_record(area, title="", severity="huge")
    result = post_sync(client, sent, hazard_record(area)).json["results"]
    assert result[0]["status"] == "invalid"
    assert set(result[0]["errors"]) == {"title", "severity"}
    assert result[1]["status"] == "created"
    assert count(db, Hazard) == 1


def test_hazard_photos_arriving_later_become_its_photos_byte_for_byte(
    app, client, db, logged_in, area
):
    first, second = jpeg(color=(10, 20, 200)), jpeg(60, 40, color=(0, 160, 0))
    refs = [photo_ref(first), photo_ref(second)]
    result = post_sync(client, hazard_record(area, refs)).json["results"][0]
    assert result["status"] == "created"
    assert sorted(result["missing_photos"]) == sorted(r["id"] for r in refs)
    for ref, data in zip(refs, (first, second), strict=True):
        assert put_photo(client, ref, data).status_code == 201
        assert put_photo(client, ref, data).status_code == 200  # again: no second Photo
    hazard = db.session.scalar(select(Hazard))
    photos = db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert [p.hazard_id for p in photos] == [hazard.id, hazard.id]
    assert [p.client_id for p in photos] == [r["id"] for r in refs]
    assert [Path(file_path(p.sha256)).read_bytes() for p in photos] == [first, second]
    assert all(file_path(p.sha256, thumb=True).exists() for p in photos)
    assert (photos[1].width, photos[1].height) == (60, 40)
    page = client.get(result["url"]).get_data(as_text=True)
    assert f"/safety/photos/{photos[0].id}" in page
    served = client.get(f"/safety/photos/{photos[0].id}")
    assert served.data == first
    served.close()


def test_at_most_six_photos_as_on_the_form(client, db, logged_in, area):
    refs = [photo_ref(jpeg(color=(i, 0, 0))) for i in range(7)]
    result = post_sync(client, hazard_record(area, refs)).json["results"][0]
    assert result["status"] == "invalid"
    assert result["errors"] == {"photos": ["最多上传 6 张照片。"]}
    assert count(db, Hazard) == 0


def test_a_hazard_can_name_the_patrol_record_it_was_found_on_by_uuid(client, db, logged_in, area):
    result = post_sync(client, hazard_record(area, patrol_id=str(uuid.uuid4()))).json["results"]
    assert result[0]["status"] == "invalid" and "patrol_id" in result[0]["errors"]


def test_the_report_form_is_an_outbox_form(client, auth, app):
    auth.login(make_user(employee_no="S100"))
    page = client.get("/safety/hazards/new").get_data(as_text=True)
    assert 'data-outbox="hazard"' in page and 'data-outbox-pending="hazard"' in page


# --- hazard_event ---------------------------------------------------------------------------


def event_record(hazard_id, action="comment", note="已拍照", photos=()) -> dict:
    return record("hazard_event", {"hazard_id": hazard_id, "action": action, "note": note}, photos)


def test_a_follow_up_for_a_hazard_captured_in_the_same_batch_comes_after_it(
    client, db, logged_in, area
):
    hazard = hazard_record(area)
    data = jpeg(color=(90, 90, 0))
    ref = photo_ref(data)
    results = post_sync(client, hazard, event_record(hazard["id"], photos=[ref])).json["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    row = db.session.scalar(select(Hazard))
    event = db.session.scalar(select(HazardEvent).where(HazardEvent.client_id.is_not(None)))
    assert event.hazard_id == row.id and event.action.value == "comment"
    assert results[1]["url"] == f"/safety/hazards/{row.id}#event-{event.id}"
    assert put_photo(client, ref, data).status_code == 201
    assert db.session.scalar(select(Photo.hazard_event_id)) == event.id
    again = post_sync(client, event_record(hazard["id"]) | {"id": results[1]["id"]})
    assert again.json["results"][0]["status"] in {"duplicate", "conflict"}
    assert count(db, HazardEvent) == 2


def test_a_follow_up_names_its_hazard_by_number_too_and_the_service_decides(client, auth, db, area):
    from app.models import Role

    worker = make_user(employee_no="S200")
    auth.login(worker)
    created = post_sync(client, hazard_record(area)).json["results"][0]
    hazard = db.session.scalar(select(Hazard))
    # A worker may comment, not verify; an officer may reject it (found by uuid, not theirs).
    results = post_sync(
        client, event_record(hazard.id), event_record(str(hazard.id), action="verify")
    ).json["results"]
    assert results[0]["status"] == "created"
    assert results[1]["status"] == "invalid" and results[1]["errors"]["record"]
    auth.logout()
    auth.login(make_user(Role.SAFETY_OFFICER, employee_no="S201"))
    rejected = post_sync(client, event_record(created["id"], action="reject", note="重复上报"))
    assert rejected.json["results"][0]["status"] == "created"
    db.session.refresh(hazard)
    assert hazard.status.value == "rejected"


def test_a_follow_up_for_an_unknown_hazard_is_invalid(client, logged_in):
    for hazard_id in (str(uuid.uuid4()), 999999, "x", None):
        result = post_sync(client, event_record(hazard_id)).json["results"][0]
        assert result["status"] == "invalid"
        assert result["errors"] == {"hazard_id": ["没有收到这个隐患。"]}


def test_the_follow_up_forms_are_outbox_forms(client, auth, db, area):
    worker = make_user(employee_no="S300")
    auth.login(worker)
    post_sync(client, hazard_record(area))
    hazard = db.session.scalar(select(Hazard))
    page = client.get(f"/safety/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-outbox="hazard_event"' in page
    assert f'name="hazard_id" value="{hazard.id}"' in page


# --- violation ------------------------------------------------------------------------------


def violation_record(area, photos=(), **extra) -> dict:
    data = {"area_id": str(area.id), "rule": "未戴安全帽", "description": "", "person": "张三"}
    return record("violation", {**data, "patrol_id": "", **extra}, photos)


@pytest.fixture
def patroller(client, auth):
    from app.models import Role

    user = make_user(Role.INSPECTOR, employee_no="S400")
    auth.login(user)
    return user


def test_a_violation_record_becomes_one_violation_with_its_photo(client, db, patroller, area):
    from app.models.hazards import Violation

    data = jpeg(color=(0, 0, 120))
    ref = photo_ref(data)
    sent = violation_record(area, [ref])
    first = post_sync(client, sent).json["results"][0]
    assert first["status"] == "created" and first["missing_photos"] == [ref["id"]]
    violation = db.session.scalar(select(Violation))
    assert first["url"] == f"/safety/violations/{violation.id}"
    assert (violation.rule, violation.person, violation.reporter_id) == (
        "未戴安全帽",
        "张三",
        patroller.id,
    )
    assert post_sync(client, sent).json["results"][0]["status"] == "duplicate"
    assert put_photo(client, ref, data).status_code == 201
    photo = db.session.scalar(select(Photo))
    assert photo.violation_id == violation.id
    assert file_path(photo.sha256).read_bytes() == data
    assert count(db, Violation) == 1


def test_a_violation_from_someone_who_may_not_patrol_is_invalid_with_the_reason(
    client, db, logged_in, area
):
    result = post_sync(client, violation_record(area)).json["results"][0]
    assert result["status"] == "invalid"
    assert result["errors"] == {"record": ["只有群监员和安全员可以记录违章。"]}


def test_an_invalid_violation_keeps_the_services_field_errors(client, patroller, area):
    result = post_sync(client, violation_record(area, rule="", area_id="")).json["results"][0]
    assert result["status"] == "invalid" and set(result["errors"]) == {"rule", "area_id"}


def test_the_violation_form_is_an_outbox_form(client, patroller):
    page = client.get("/safety/violations/new").get_data(as_text=True)
    assert 'data-outbox="violation"' in page and 'data-outbox-pending="violation"' in page


# --- patrol ---------------------------------------------------------------------------------


def patrol_record(area, version, answers=None, photos=(), **extra) -> dict:
    items = version.items
    answers = (
        answers
        if answers is not None
        else [
            {"item_id": str(items[0].id), "answer": "no", "note": "灭火器过期"},
            {"item_id": str(items[1].id), "answer": "yes", "note": ""},
            {"item_id": str(items[2].id), "answer": "na", "note": ""},
        ]
    )
    data = {
        "area_id": str(area.id),
        "checklist_id": str(version.id),
        "started_at": "2026-11-23T09:00:00+08:00",
        "finished_at": "2026-11-23T09:20:00+08:00",
        "answers": answers,
        **extra,
    }
    return record("patrol", data, photos)


@pytest.fixture
def version(app, area):
    from app.blueprints.safety.services import checklist_for
    from tests.safety.factories import make_checklist

    make_checklist()
    return checklist_for(area)


def test_a_patrol_record_is_a_whole_finished_round_with_answer_photos(
    client, db, patroller, area, version
):
    from app.models.safety import Patrol, PatrolAnswer

    data = jpeg(color=(200, 100, 0))
    ref = photo_ref(data, item_id=str(version.items[0].id))
    sent = patrol_record(area, version, photos=[ref])
    first = post_sync(client, sent).json["results"][0]
    assert first["status"] == "created", first
    patrol = db.session.scalar(select(Patrol))
    assert first["url"] == f"/safety/patrols/{patrol.id}"
    assert patrol.status.value == "finished" and patrol.client_id == sent["id"]
    assert patrol.started_at.replace(tzinfo=UTC) == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert patrol.finished_at.replace(tzinfo=UTC) == datetime(2026, 11, 23, 1, 20, tzinfo=UTC)
    answers = db.session.scalars(select(PatrolAnswer).order_by(PatrolAnswer.item_id)).all()
    assert [a.answer.value for a in answers] == ["no", "yes", "na"]
    assert post_sync(client, sent).json["results"][0]["status"] == "duplicate"
    assert put_photo(client, ref, data).status_code == 201
    photo = db.session.scalar(select(Photo))
    assert photo.patrol_answer_id == answers[0].id
    assert file_path(photo.sha256).read_bytes() == data
    assert count(db, Patrol) == 1 and count(db, PatrolAnswer) == 3


def test_a_hazard_found_on_an_offline_patrol_names_it_by_uuid(client, db, patroller, area, version):
    from app.models.safety import Patrol

    patrol = patrol_record(area, version)
    results = post_sync(client, patrol, hazard_record(area, patrol_id=patrol["id"])).json
    assert [r["status"] for r in results["results"]] == ["created", "created"]
    assert db.session.scalar(select(Hazard.patrol_id)) == db.session.scalar(select(Patrol.id))


def test_a_round_s_hazard_left_with_the_item_s_wording_says_what_was_not_met(
    client, db, patroller, area, version
):
    """The round page offers the item's wording as the hazard's title (设备防护罩齐全、完好
    reads as all being well): left so, it is stored as 不符合：…; a title the inspector wrote
    is kept as written."""
    first, second = (str(item.id) for item in version.items[:2])
    patrol = patrol_record(
        area,
        version,
        answers=[
            {"item_id": first, "answer": "no", "note": ""},
            {"item_id": second, "answer": "no", "note": ""},
            {"item_id": str(version.items[2].id), "answer": "yes", "note": ""},
        ],
    )
    offered = hazard_record(
        area, patrol_id=patrol["id"], item_id=first, title=version.items[0].text
    )
    written = hazard_record(area, patrol_id=patrol["id"], item_id=second, title="二号机床护栏断裂")
    results = post_sync(client, patrol, offered, written).json["results"]
    assert [r["status"] for r in results] == ["created"] * 3
    titles = db.session.scalars(select(Hazard.title).order_by(Hazard.id)).all()
    assert titles == [f"不符合：{version.items[0].text}", "二号机床护栏断裂"]  # i18n


def test_a_round_s_hazard_with_its_title_left_blank_is_what_was_not_met(
    client, db, patroller, area, version
):
    """同时上报隐患 ticked on a "no" and the title the page offered emptied (or spaces): the
    hazard is not refused for it, which would leave the inspector to discard the finding or
    patrol again; it is stored as the page offered it, 不符合：<item>. Records waiting in an
    outbox since before, sent after their round, are taken so too. A hazard no round's answer
    offered a title to (its own form; a round but no answer of it) still needs one."""
    items = [str(item.id) for item in version.items[:3]]
    patrol = patrol_record(
        area, version, answers=[{"item_id": i, "answer": "no", "note": ""} for i in items]
    )
    blank, spaces, later = (
        hazard_record(area, patrol_id=patrol["id"], item_id=item_id, title=title)
        for item_id, title in zip(items, ("", "   ", " \u3000 "), strict=True)
    )
    results = post_sync(client, patrol, blank, spaces).json["results"]
    assert [r["status"] for r in results] == ["created"] * 3, results
    assert post_sync(client, later).json["results"][0]["status"] == "created"
    titles = db.session.scalars(select(Hazard.title).order_by(Hazard.id)).all()
    assert titles == [f"不符合：{item.text}" for item in version.items[:3]]  # i18n

    alone = hazard_record(area, title="  ", severity="huge")
    of_round = hazard_record(area, title="", patrol_id=patrol["id"])
    unanswered = hazard_record(area, title="", patrol_id=patrol["id"], item_id="999999")
    results = post_sync(client, alone, of_round, unanswered).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert set(results[0]["errors"]) == {"title", "severity"}
    assert set(results[1]["errors"]) == {"title"}
    assert set(results[2]["errors"]) == {"title", "item_id"}
    assert count(db, Hazard) == 3


@pytest.mark.parametrize("photo_first", [False, True])
def test_a_hazard_raised_from_a_no_shows_that_answer_s_photo(
    client, db, patroller, area, version, photo_first
):
    """A round captured offline with a photo at its "no" and 同时上报隐患 ticked: the hazard
    names the answer by its item and shows the answer's photo, the same stored picture,
    whether the photo comes before or after the hazard reaches the server. Two rows name
    the picture: the sweep of unattached pictures leaves it."""
    from app.models.safety import PatrolAnswer
    from app.storage import delete_unattached

    data = jpeg(color=(10, 200, 30))
    item_id = str(version.items[0].id)
    ref = photo_ref(data, item_id=item_id)
    patrol = patrol_record(area, version, photos=[ref])
    finding = hazard_record(area, patrol_id=patrol["id"], item_id=item_id)
    if photo_first:
        assert post_sync(client, patrol).json["results"][0]["status"] == "created"
        assert put_photo(client, ref, data).status_code == 201
        results = post_sync(client, finding).json["results"]
    else:
        results = post_sync(client, patrol, finding).json["results"]
        assert put_photo(client, ref, data).status_code == 201
    assert [r["status"] for r in results][-1] == "created"
    hazard = db.session.scalar(select(Hazard))
    answer = db.session.scalar(select(PatrolAnswer).where(PatrolAnswer.item_id == int(item_id)))
    assert hazard.patrol_answer_id == answer.id
    photos = db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert [(p.patrol_answer_id, p.hazard_id) for p in photos] == [
        (answer.id, None),
        (None, hazard.id),
    ]
    assert photos[0].sha256 == photos[1].sha256  # stored once, not encoded again
    assert put_photo(client, ref, data).status_code in (200, 201)  # a retry adds no row
    assert count(db, Photo) == 2
    far = datetime(2100, 1, 1, tzinfo=UTC)
    db.session.delete(photos[0])
    db.session.commit()
    assert delete_unattached(now=far) == 0
    assert file_path(photos[1].sha256).read_bytes() == data


def test_a_round_and_its_hazards_cost_as_much_for_two_hazards_as_for_six(
    client, db, patroller, area, version
):
    """The hazards of a round name it by its uuid: it is looked up once for all of them."""
    from tests.helpers import statements

    counts = []
    for n in (2, 6):
        patrol = patrol_record(area, version)
        hazards = [hazard_record(area, patrol_id=patrol["id"]) for _ in range(n)]
        with statements(db.engine) as seen:
            results = post_sync(client, patrol, *hazards).json["results"]
        assert [r["status"] for r in results] == ["created"] * (1 + n)
        counts.append(len([s for s in seen if "push_subscriptions" not in s]))
    assert counts[0] == counts[1]
    assert (
        db.session.scalar(select(func.count(Hazard.id)).where(Hazard.patrol_id.is_not(None))) == 8
    )


def test_an_incomplete_or_malformed_patrol_is_invalid_and_leaves_nothing(
    client, db, patroller, area, version
):
    from app.models.safety import Patrol, PatrolAnswer

    short = patrol_record(
        area, version, answers=[{"item_id": version.items[0].id, "answer": "yes"}]
    )
    wrong = patrol_record(area, version, answers=[{"item_id": version.items[0].id, "answer": "?"}])
    garbage = patrol_record(area, version, answers="yes")
    results = post_sync(client, short, wrong, garbage).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 3
    # A wrong answer is named by its place in the round, as the round page names its field.
    assert "answers" in results[0]["errors"] and "answers[0][answer]" in results[1]["errors"]
    assert results[2]["errors"] == {"answers": ["答案的格式无法识别。"]}
    assert count(db, Patrol) == 0 and count(db, PatrolAnswer) == 0


def test_only_inspectors_patrol(client, logged_in, area, version):
    result = post_sync(client, patrol_record(area, version)).json["results"][0]
    assert result["status"] == "invalid" and list(result["errors"]) == ["record"]


# --- checkin --------------------------------------------------------------------------------


@pytest.fixture
def door(client, auth, db):
    """An organizer at the door of an activity with two confirmed participants."""
    from app.blueprints.activities import services
    from tests.activities.factories import make_activity_at_the_door

    organizer = make_user("organizer", employee_no="S500")
    activity = make_activity_at_the_door(capacity=5, title="消防演练")
    places = [services.sign_up(make_user(name=n), activity) for n in ("李四", "王五")]
    db.session.commit()
    auth.login(organizer)
    return activity, [services.code_for(p) for p in places], places


def checkin_record(activity, code) -> dict:
    """Scanned at the door just now: check-in is open from 2 hours before the start."""
    scanned = datetime.now(UTC).replace(microsecond=0)
    return {
        **record("checkin", {"activity_id": str(activity.id), "code": code}),
        "captured_at": scanned.isoformat(),
    }


def test_checkin_records_check_people_in_once(client, db, door):
    from app.models.activities import Participation

    activity, codes, places = door
    first, second = checkin_record(activity, codes[0]), checkin_record(activity, codes[1])
    results = post_sync(client, first, second).json["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    assert results[0]["url"] == f"/activities/{activity.id}/roster"
    rows = [db.session.get(Participation, p.id) for p in places]
    assert [r.checkin_client_id for r in rows] == [first["id"], second["id"]]
    scanned = datetime.fromisoformat(first["captured_at"])
    assert rows[0].checkin_captured_at.replace(tzinfo=UTC) == scanned
    assert post_sync(client, first).json["results"][0]["status"] == "duplicate"


def test_a_bad_code_is_invalid_and_does_not_undo_the_rest_of_the_batch(client, db, door):
    from app.models.activities import Participation

    activity, codes, places = door
    results = post_sync(
        client,
        checkin_record(activity, codes[0]),
        checkin_record(activity, "12-ABCDEF"),
        checkin_record(activity, codes[1]),
    ).json["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert "无效" in results[1]["errors"]["code"][0]
    assert all(db.session.get(Participation, p.id).checked_in_at for p in places)


def test_a_second_check_in_of_the_same_person_is_taken_as_already_done(client, db, door):
    """The code shown twice at the door (or scanned on two phones): the second record is the
    same fact, so it leaves the phone's outbox as sent and nothing is doubled."""
    from app.models import SyncRecord, SyncStatus
    from app.models.activities import Participation
    from app.models.audit import AuditLog

    activity, codes, places = door
    first, second = checkin_record(activity, codes[0]), checkin_record(activity, codes[0])
    assert post_sync(client, first).json["results"][0]["status"] == "created"
    checked = db.session.get(Participation, places[0].id)
    at, record_id = checked.checked_in_at, checked.checkin_client_id
    (answer,) = post_sync(client, second).json["results"]
    assert answer["status"] == "created" and "errors" not in answer
    assert answer["url"] == f"/activities/{activity.id}/roster"
    db.session.expire_all()
    checked = db.session.get(Participation, places[0].id)
    # The first check-in stands; no second one, and nothing waits to be corrected.
    assert (checked.checked_in_at, checked.checkin_client_id) == (at, record_id)
    audits = select(func.count()).where(AuditLog.action == "activity.checked_in")
    assert db.session.scalar(audits) == 1
    kept = db.session.get(SyncRecord, second["id"])
    assert kept.status == SyncStatus.CREATED and kept.target_id == places[0].id
    # Sent again (its answer lost), it is a duplicate like any record.
    assert post_sync(client, second).json["results"][0]["status"] == "duplicate"
    # Both in one batch, as a phone sends them after being offline.
    both = [checkin_record(activity, codes[1]), checkin_record(activity, codes[1])]
    statuses = [r["status"] for r in post_sync(client, *both).json["results"]]
    assert statuses == ["created", "created"]


def test_a_check_in_for_an_activity_that_is_not_there_says_so(client, db, door):
    activity, codes, _places = door
    gone = {**checkin_record(activity, codes[0]), "data": {"activity_id": "x", "code": codes[0]}}
    (answer,) = post_sync(client, gone).json["results"]
    assert answer["status"] == "invalid"
    assert answer["errors"] == {"activity_id": ["该活动不存在。"]}


def test_only_organizers_check_in_through_sync(client, auth, db, door):
    activity, codes, _places = door
    auth.logout()
    auth.login(make_user(employee_no="S501"))
    result = post_sync(client, checkin_record(activity, codes[0])).json["results"][0]
    assert result == {
        "id": result["id"],
        "status": "invalid",
        "errors": {"code": ["只有工会干事可以办理签到。"]},
    }


def test_the_typed_code_form_is_an_outbox_form_and_still_posts_without_javascript(client, db, door):
    from app.models.activities import Participation

    activity, codes, places = door
    page = client.get(f"/activities/{activity.id}/checkin").get_data(as_text=True)
    assert 'data-outbox="checkin"' in page and 'data-outbox-pending="checkin"' in page
    assert f'name="activity_id" value="{activity.id}"' in page
    response = client.post(f"/activities/{activity.id}/checkin", data={"code": codes[0]})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Participation, places[0].id).checked_in_at is not None


def test_the_whole_round_page_is_an_outbox_form_and_posts_without_javascript(
    client, db, patroller, area, version
):
    from app.models.safety import Patrol

    assert f"/safety/patrols/round/{area.id}" in client.get("/safety/patrols").get_data(
        as_text=True
    )
    url = f"/safety/patrols/round/{area.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'data-outbox="patrol"' in page and 'data-outbox-pending="patrol"' in page
    assert f'data-item-id="{version.items[0].id}"' in page
    form = {"area_id": area.id, "checklist_id": version.id}
    for i, item in enumerate(version.items):
        form |= {f"answers[{i}][item_id]": item.id, f"answers[{i}][answer]": "yes"}
    missing = client.post(url, data={**form, "answers[2][answer]": ""})
    assert missing.status_code == 422 and count(db, Patrol) == 0
    data = jpeg()
    form[f"photos-{version.items[0].id}"] = (io.BytesIO(data), "a.jpg")
    response = client.post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    patrol = db.session.scalar(select(Patrol))
    assert response.headers["Location"].endswith(f"/safety/patrols/{patrol.id}")
    assert patrol.status.value == "finished" and len(patrol.answers) == 3
    assert db.session.scalar(select(Photo.patrol_answer_id)) is not None
    assert client.get("/safety/patrols/round/999999").status_code == 404


# --- numbers and times the server cannot hold (issue 12, item 5) ------------------------------


@pytest.mark.parametrize(
    "area_id",
    [10**30, 9223372036854775808, 2147483648, 1.5, True, "1.5", "²", -1, float("inf")],
)
def test_an_area_id_no_area_can_have_is_invalid_not_an_error(client, db, logged_in, area, area_id):
    import json

    sent = hazard_record(area, area_id=area_id)
    # Python's json writes inf as Infinity, as a phone's JSON.stringify never would; the
    # server must still answer for it.
    body = json.dumps({"device": "phone-1", "records": [sent]})
    response = client.post("/sync", data=body, content_type="application/json")
    (result,) = response.json["results"]
    assert result["status"] == "invalid", result
    assert "area_id" in result["errors"] or "data" in result["errors"]
    assert count(db, Hazard) == 0  # 1.5 and true are not area 1


def test_a_patrol_started_before_2000_is_invalid_with_the_reason(
    client, db, patroller, area, version
):
    sent = patrol_record(area, version, started_at="1901-05-01T09:00:00+08:00")
    (result,) = post_sync(client, sent).json["results"]
    assert result["status"] == "invalid"
    assert "2000" in result["errors"]["captured_at"][0]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", 5])
def test_a_patrol_time_off_the_calendar_is_invalid(client, db, patroller, area, version, when):
    sent = patrol_record(area, version, finished_at=when)
    (result,) = post_sync(client, sent).json["results"]
    assert result["status"] == "invalid", result


def test_a_check_in_code_with_a_number_no_column_holds_is_invalid(client, db, door):
    activity, codes, _places = door
    (result,) = post_sync(client, checkin_record(activity, "999999999999-ABCDEF")).json["results"]
    assert result["status"] == "invalid", result
