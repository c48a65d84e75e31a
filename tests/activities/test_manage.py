import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from app.blueprints.activities import queries, services
from app.extensions import db
from app.models import AuditLog
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, ActivityStatus, ParticipationStatus
from tests.activities.factories import make_activity, make_activity_at_the_door
from tests.factories import make_department, make_user
from tests.helpers import kept_tokens, text


def _form(**overrides):
    data = {
        "kind": "training",
        "title": "安全生产培训",
        "description": "新版安全规程",
        "place": "工会活动室",
        "starts_at": "2030-05-10T09:00",
        "ends_at": "2030-05-10T11:00",
        "signup_opens_at": "2030-05-01T08:00",
        "signup_closes_at": "2030-05-09T18:00",
        "cancel_deadline": "2030-05-08T18:00",
        "capacity": "30",
        "pass_mark": "60",
        "qualification_name": "安全生产培训合格证",
        "qualification_is_safety": "y",
        "qualification_months": "12",
        "competition_mode": "",
        "rounds": "",
    }
    data.update(overrides)
    return data


def test_organizer_publishes_a_training_with_audience_and_cover(client, auth):
    workshop = make_department("动力车间")
    auth.login(make_user("organizer"))
    cover = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(cover, "PNG")
    cover.seek(0)
    data = _form(departments=[str(workshop.id)], cover=(cover, "poster.png"))
    response = client.post("/activities/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    activity = db.session.scalar(select(Activity))
    assert activity.kind is ActivityKind.TRAINING and activity.capacity == 30
    assert [d.name for d in activity.departments] == ["动力车间"]
    # 09:00 in Beijing is 01:00 UTC.
    assert activity.starts_at.hour == 1
    with client.get(f"/activities/{activity.id}/cover") as cover_response:
        assert cover_response.mimetype == "image/jpeg"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "安全生产培训" in page and "动力车间" in page


def test_a_cover_saved_before_the_one_store_shows_after_the_upgrade(app, client, auth):
    """Covers were once written flat into the upload folder (`<sha256>.jpg`); the store keeps
    them under `ab/<sha256>.jpg`. `flask db upgrade` (migration 0019) moves each into place,
    once; a second run finds nothing to move."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "flat_covers", Path(__file__).parents[2] / "migrations/versions/0019_flat_covers.py"
    )
    step = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(step)
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(jpeg, "JPEG")
    name = hashlib.sha256(jpeg.getvalue()).hexdigest() + ".jpg"
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(jpeg.getvalue())
    (folder / "notes.jpg").write_bytes(b"not a cover")  # not a sha256 name: left alone
    activity = make_activity(ActivityKind.TRAINING, title="老封面", cover_image=name)
    auth.login(make_user())
    assert client.get(f"/activities/{activity.id}/cover").status_code == 404
    assert step.move_flat_covers(folder) == 1
    assert (folder / name[:2] / name).is_file() and not (folder / name).exists()
    assert (folder / "notes.jpg").is_file()
    with client.get(f"/activities/{activity.id}/cover") as response:
        assert response.status_code == 200 and response.get_data() == jpeg.getvalue()
    assert step.move_flat_covers(folder) == 0


def test_form_says_what_is_wrong(client, auth):
    auth.login(make_user("organizer"))
    response = client.post(
        "/activities/new",
        data=_form(title="", ends_at="2030-05-10T08:00", pass_mark="", capacity="0"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("请输入标题", "结束时间必须晚于开始时间", "名额"):
        assert message in html
    assert db.session.scalar(select(Activity)) is None


def test_a_nul_pasted_into_the_description_is_refused_there_and_the_rest_kept(client, auth):
    """Pasted text can carry a NUL (U+0000), which no database column keeps: the form comes
    back with the reason at the description, in Chinese, and all that was typed still in it
    (it was a bare 400 page that named no field, its way back an empty form)."""
    auth.login(make_user("organizer"))
    response = client.post("/activities/new", data=_form(description="新版\x00安全规程"))
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="description-errors">\s*<li>文字中含有不允许的字符。</li>', page)
    assert "新版" in page and "安全规程" in page  # the description itself, to correct
    for typed in ("安全生产培训", "工会活动室", "2030-05-10T09:00", "安全生产培训合格证"):
        assert typed in page
    assert db.session.scalar(select(Activity)) is None


def test_service_checks_across_fields(client, auth):
    auth.login(make_user("organizer"))
    response = client.post("/activities/new", data=_form(pass_mark=""))
    assert "培训需要设置合格分数" in response.get_data(as_text=True)
    competition = client.post("/activities/new", data=_form(kind="competition", rounds=""))
    html = competition.get_data(as_text=True)
    assert "请选择个人赛或团体赛" in html and "竞赛至少要有一轮" in html


def test_members_cannot_create(client, auth):
    auth.login(make_user())
    assert client.get("/activities/new").status_code == 403
    assert client.post("/activities/new", data=_form()).status_code == 403


def test_more_places_let_the_waitlist_in(client, auth):
    organizer = make_user("organizer")
    activity = make_activity(capacity=1)
    first, second = make_user(), make_user()
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    auth.login(organizer)
    response = client.get(f"/activities/{activity.id}/edit")
    assert 'value="1"' in response.get_data(as_text=True)
    local = {"starts_at": activity.starts_at + timedelta(hours=8)}
    data = _form(
        kind="event",
        title=activity.title,
        capacity="2",
        starts_at=local["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        ends_at=(local["starts_at"] + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        signup_opens_at=(utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        signup_closes_at=(local["starts_at"] - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        cancel_deadline=(local["starts_at"] - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert client.post(f"/activities/{activity.id}/edit", data=data).status_code == 303
    assert queries.my_participation(second, activity, fresh=True).status is (
        ParticipationStatus.CONFIRMED
    )
    smaller = client.post(f"/activities/{activity.id}/edit", data={**data, "capacity": "1"})
    assert "已有 2 人报名成功" in smaller.get_data(as_text=True)


def test_duplicate_opens_a_prefilled_form_and_keeps_the_cover(client, auth):
    activity = make_activity(ActivityKind.TRAINING, title="焊工复训", cover_image="a" * 64 + ".jpg")
    auth.login(make_user("organizer"))
    html = client.get(f"/activities/new?from={activity.id}").get_data(as_text=True)
    assert "这是“焊工复训”的副本" in html
    assert 'value="焊工复训"' in html and 'value="安全生产培训合格证"' in html
    response = client.post(f"/activities/new?from={activity.id}", data=_form(title="焊工复训二期"))
    assert response.status_code == 303
    copy = db.session.scalar(select(Activity).where(Activity.title == "焊工复训二期"))
    assert copy.id != activity.id and copy.cover_image == activity.cover_image


def test_cancelling_an_activity_tells_why_and_stops_sign_ups(client, auth):
    activity = make_activity()
    member = make_user()
    services.sign_up(member, activity)
    auth.login(make_user("organizer"))
    empty = client.post(f"/activities/{activity.id}/cancel", data={"reason": ""})
    assert empty.status_code == 422 and "请告诉参加者取消的原因" in empty.get_data(as_text=True)
    response = client.post(
        f"/activities/{activity.id}/cancel", data={"reason": "场地维修"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "活动已取消，已通知 1 人" in html and "场地维修" in html
    assert db.session.get(Activity, activity.id).status is ActivityStatus.CANCELLED
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "activity.cancelled"))


def test_roster_and_excel_export_show_attendance(client, auth):
    organizer = make_user("organizer")
    activity = make_activity_at_the_door(capacity=1)
    came = make_user(name="到场的", department=make_department("电工班"))
    waiting = make_user(name="候补的")
    place = services.sign_up(came, activity)
    services.sign_up(waiting, activity)
    services.check_in(organizer, activity, services.code_for(place))
    auth.login(organizer)
    roster = client.get(f"/activities/{activity.id}/roster").get_data(as_text=True)
    assert "已签到 1 / 1 人" in roster and "候补的" in roster
    response = client.get(f"/activities/{activity.id}/roster.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[2], r[3], r[5] is not None) for r in rows] == [
        ("到场的", "电工班", "已报名", True),
        ("候补的", None, "候补中", False),
    ]


@pytest.mark.parametrize("written", ["1e3", "NaN", "Infinity", "-inf"])
def test_pass_mark_is_a_number_written_out(client, auth, written):
    # float() reads these as 1000, not-a-number and infinity; nobody means them in a form.
    auth.login(make_user("organizer"))
    response = client.post("/activities/new", data=_form(pass_mark=written))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入数字。" in page
    assert "请输入 0 至 100000 之间的数字。" not in page  # one message: not a range as well
    assert db.session.scalar(select(Activity)) is None


@pytest.mark.parametrize(("written", "mark"), [("60", 60), ("60.5", 60.5), ("６０", 60)])
def test_pass_mark_as_a_person_writes_it(client, auth, written, mark):
    auth.login(make_user("organizer"))
    response = client.post("/activities/new", data=_form(pass_mark=written))
    assert response.status_code == 303
    assert db.session.scalar(select(Activity.pass_mark)) == mark


@pytest.mark.parametrize("written", ["1,200", "１２００", "１，２００"])
def test_places_and_pass_mark_take_a_number_as_people_type_it(client, auth, written):
    # The same rule as every service's reader of a number (app/services/inputs.py): the
    # thousands separator and the full-width digits of a Chinese keyboard are a number.
    auth.login(make_user("organizer"))
    response = client.post("/activities/new", data=_form(capacity=written, pass_mark=written))
    assert response.status_code == 303
    activity = db.session.scalar(select(Activity))
    assert (activity.capacity, activity.pass_mark) == (1200, 1200)


def test_the_number_boxes_let_a_phone_type_a_thousands_separator(client, auth):
    # A type=number box sends "" for "1,200": the form would save no limit at all.
    auth.login(make_user("organizer"))
    page = client.get("/activities/new").get_data(as_text=True)
    for name, keyboard in (("capacity", "numeric"), ("pass_mark", "decimal")):
        box = next(tag for tag in page.split("<input")[1:] if f'name="{name}"' in tag)
        assert 'type="text"' in box and f'inputmode="{keyboard}"' in box


@pytest.mark.parametrize("year", ["0001", "1999", "2101", "9999"])
def test_a_date_out_of_the_app_s_years_is_refused_in_words(client, auth, year):
    """Year 1 in Beijing has no UTC: it answered 500, the form lost."""
    auth.login(make_user("organizer"))
    times = ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline")
    response = client.post(
        "/activities/new", data=_form(**{f: f"{year}-01-01T00:00" for f in times})
    )
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("请选择 2000 年到 2100 年之间的日期。") == 5
    assert db.session.scalar(select(Activity)) is None


def _poster() -> tuple:
    cover = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(cover, "PNG")
    return io.BytesIO(cover.getvalue()), "poster.png"


def test_a_refused_new_activity_keeps_its_cover_for_the_corrected_one(client, auth):
    auth.login(make_user("organizer"))
    # Refused by the service (it ends before it starts), after it had read the cover.
    data = _form(ends_at="2030-05-10T08:00", cover=_poster())
    refused = client.post("/activities/new", data=data, content_type="multipart/form-data")
    assert refused.status_code == 422 and db.session.scalar(select(Activity)) is None
    [token] = kept_tokens(text(refused), "kept_cover")
    # Refused again by the form (no title), with the kept cover: still kept.
    again = client.post("/activities/new", data=_form(title="", kept_cover=token))
    assert again.status_code == 422
    [token] = kept_tokens(text(again), "kept_cover")
    response = client.post("/activities/new", data=_form(kept_cover=token))
    assert response.status_code == 303
    activity = db.session.scalar(select(Activity))
    assert activity.cover_image
    with client.get(f"/activities/{activity.id}/cover") as cover:
        assert cover.status_code == 200 and cover.mimetype == "image/jpeg"


def test_a_refused_activity_edit_keeps_the_new_cover_chosen(client, auth):
    activity = make_activity(ActivityKind.TRAINING, title="焊工复训")
    auth.login(make_user("organizer"))
    url = f"/activities/{activity.id}/edit"
    data = _form(title="", cover=_poster())
    refused = client.post(url, data=data, content_type="multipart/form-data")
    assert refused.status_code == 422
    [token] = kept_tokens(text(refused), "kept_cover")
    assert client.post(url, data=_form(kept_cover=token)).status_code == 303
    db.session.refresh(activity)
    assert activity.cover_image
