import dataclasses
import io

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from app import storage
from app.blueprints.safety import services
from app.models import Role
from app.models.hazards import Hazard, Photo
from tests.factories import make_user
from tests.safety.factories import jpeg_bytes, make_area


def _rotated_jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS position
    return jpeg_bytes(size=(60, 40), exif=exif)


def _report(user, area, files):
    return services.report_hazard(
        user,
        {"title": "漏电", "area_id": area.id, "category": "electrical", "severity": "major"},
        files,
    )


def test_orientation_is_applied_then_exif_is_stripped(app):
    [prepared] = storage.prepare_uploads([_rotated_jpeg_with_gps()])
    assert (prepared.width, prepared.height) == (40, 60)
    stored = Image.open(io.BytesIO(prepared.data))
    assert stored.format == "JPEG"
    assert stored.size == (40, 60)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_png_and_webp_are_accepted_and_stored_as_jpeg(app):
    for fmt in ("PNG", "WEBP"):
        [prepared] = storage.prepare_uploads([jpeg_bytes(fmt=fmt)])
        assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_thumbnails_are_made(app):
    [prepared] = storage.prepare_uploads([jpeg_bytes(size=(2000, 1000))])
    thumb = Image.open(io.BytesIO(prepared.thumb))
    assert max(thumb.size) == storage.limits().thumb_edge


@pytest.mark.parametrize(
    "payload",
    [b"hello, I am a text file", b"GIF89a" + b"\0" * 40, jpeg_bytes()[:60]],
    ids=["text", "gif-header", "truncated-jpeg"],
)
def test_what_is_not_a_picture_is_refused_in_chinese(app, payload):
    upload = FileStorage(io.BytesIO(payload), filename="现场.jpg")
    with pytest.raises(services.ValidationFailed) as failed:
        storage.prepare_uploads([upload])
    assert failed.value.errors["photos"][0].startswith("现场.jpg 不是 JPEG、PNG")


def test_a_photo_over_the_limit_is_refused_and_nothing_is_written(app, db):
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], max_mb=1)
    area = make_area()
    big = Image.effect_noise((1400, 1400), 100).convert("RGB")
    out = io.BytesIO()
    big.save(out, "PNG")
    assert out.tell() > 1024 * 1024
    with pytest.raises(services.ValidationFailed) as failed:
        _report(make_user(), area, [jpeg_bytes(), out.getvalue()])
    db.session.rollback()
    assert "超过 1 MB" in failed.value.errors["photos"][0]
    assert db.session.scalar(select(func.count(Hazard.id))) == 0
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_the_same_picture_is_stored_once(app, db):
    area = make_area()
    user = make_user()
    picture = jpeg_bytes(colour="blue")
    _report(user, area, [picture])
    _report(user, area, [picture])
    db.session.commit()
    rows = db.session.scalars(select(Photo)).all()
    assert len(rows) == 2 and rows[0].sha256 == rows[1].sha256
    stored = list(storage.backend().root.glob("*/*.jpg"))
    assert len(stored) == 1
    assert stored[0].name == f"{rows[0].sha256}.jpg"


def test_photos_are_served_only_to_who_may_see_the_hazard(app, db, client, auth):
    area = make_area()
    reporter, stranger = make_user(), make_user()
    inspector = make_user(Role.INSPECTOR)
    hazard, _ = _report(reporter, area, [jpeg_bytes(size=(800, 600))])
    db.session.commit()
    photo = db.session.scalar(select(Photo).where(Photo.hazard_id == hazard.id))
    url = f"/safety/photos/{photo.id}"

    assert client.get(url).status_code in (302, 401)  # not logged in
    auth.login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(url + "/thumb").status_code == 404
    auth.logout()
    for person in (reporter, inspector):
        auth.login(person)
        with client.get(url) as full, client.get(url + "/thumb") as thumb:
            assert full.status_code == 200 and full.mimetype == "image/jpeg"
            assert "private" in full.headers["Cache-Control"]
            assert len(thumb.data) < len(full.data)
        auth.logout()


def test_a_30_mb_upload_is_refused_with_413_and_nothing_is_saved(app, db, client, auth):
    from werkzeug.test import encode_multipart

    area = make_area()
    auth.login(make_user())
    fields = {
        "title": "大照片",
        "area_id": str(area.id),
        "category": "other",
        "severity": "general",
    }
    huge = FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (30 * 1024 * 1024)), "huge.jpg")
    boundary, body = encode_multipart(MultiDict({**fields, "photos": huge}))
    response = client.post(
        "/safety/hazards/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    said = "发送的内容过大：一次最多发送 12 MB，每张照片或每个文件最多 10 MB。"
    assert said in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Hazard.id))) == 0


def test_a_text_file_named_jpg_comes_back_as_a_form_error(app, db, client, auth):
    area = make_area()
    auth.login(make_user())
    response = client.post(
        "/safety/hazards/new",
        data={
            "title": "假照片",
            "area_id": area.id,
            "category": "other",
            "severity": "general",
            "photos": (io.BytesIO(b"just text"), "photo.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "photo.jpg 不是 JPEG、PNG" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Hazard.id))) == 0


def test_answer_and_violation_photos_stay_inside_the_network(app, db, client, auth):
    from tests.safety.factories import make_checklist

    make_checklist()
    area = make_area(kind="production")
    inspector, member = make_user(Role.INSPECTOR), make_user()
    patrol, _ = services.start_patrol(inspector, {"area_id": area.id})
    item = patrol.checklist_version.items[0]
    services.answer_item(inspector, patrol, {"item_id": item.id, "answer": "no"}, [jpeg_bytes()])
    services.report_violation(
        inspector, {"area_id": area.id, "rule": "未戴安全帽"}, [jpeg_bytes(colour="green")]
    )
    db.session.commit()
    ids = [p.id for p in db.session.scalars(select(Photo).order_by(Photo.id))]
    auth.login(member)
    assert [client.get(f"/safety/photos/{i}").status_code for i in ids] == [404, 404]
    auth.logout()
    auth.login(make_user(Role.SAFETY_OFFICER))
    for photo_id in ids:
        with client.get(f"/safety/photos/{photo_id}") as response:
            assert response.status_code == 200
