"""PUT /sync/photos/<uuid>: declared first, checked by digest and content, stored once."""

import dataclasses
import hashlib
import io
import random
from pathlib import Path

from PIL import Image

from app.models import SyncPhoto
from tests.factories import make_user
from tests.sync.conftest import jpeg, note, photo_ref, post_sync


def declare(client, data: bytes) -> dict:
    ref = photo_ref(data)
    post_sync(client, note(photos=[ref]))
    return ref


def stored_file(app, photo: SyncPhoto) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / photo.path


def test_a_declared_photo_is_stored_byte_for_byte(app, client, db, logged_in, attached):
    data = jpeg()
    ref = declare(client, data)
    response = client.put(f"/sync/photos/{ref['id']}", data=data, content_type="image/jpeg")
    assert response.status_code == 201
    assert response.json == {"id": ref["id"], "status": "stored"}
    photo = db.session.get(SyncPhoto, ref["id"])
    assert photo.received_at is not None
    assert stored_file(app, photo).read_bytes() == data
    assert photo.stored_sha256 == ref["sha256"]
    assert photo.path == f"{ref['sha256'][:2]}/{ref['sha256']}.jpg"
    assert [photo_id for _, photo_id in attached] == [ref["id"]]


def test_the_same_bytes_again_are_200_and_other_bytes_409(client, logged_in, attached):
    data = jpeg()
    ref = declare(client, data)
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 200
    other = client.put(f"/sync/photos/{ref['id']}", data=jpeg(color=(0, 90, 0)))
    assert other.status_code == 409
    assert other.json["error"] == "此编号下已收到另一张照片。"
    assert len(attached) == 1


def test_truncated_bytes_are_refused_and_can_be_sent_again(client, db, logged_in):
    data = jpeg(200, 150)
    ref = declare(client, data)
    cut = client.put(f"/sync/photos/{ref['id']}", data=data[: len(data) // 2])
    assert cut.status_code == 409
    assert db.session.get(SyncPhoto, ref["id"]).received_at is None
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201


def test_an_undeclared_photo_is_404(client, logged_in):
    response = client.put("/sync/photos/8a3d6f0e-3f43-4c1e-9b7a-0d1c2e3f4a5b", data=jpeg())
    assert response.status_code == 404
    assert response.json["error"] == "您的记录里没有声明这张照片；请先发送记录，再发送照片。"
    assert client.put("/sync/photos/not-a-uuid", data=jpeg()).status_code == 404


def test_another_users_photo_is_404(client, auth, logged_in):
    data = jpeg()
    ref = declare(client, data)
    auth.logout()
    auth.login(make_user(employee_no="S009"))
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 404


def test_bytes_that_are_not_a_jpeg_are_415(client, logged_in):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    for data in (out.getvalue(), b"%PDF-1.4 not a photo"):
        ref = declare(client, data)
        response = client.put(f"/sync/photos/{ref['id']}", data=data)
        assert response.status_code == 415
        assert response.json["error"] in {"只接受 JPEG 照片。", "这个文件不是可读取的 JPEG 照片。"}


def test_a_photo_over_the_cap_is_413_with_the_reason(app, client, logged_in):
    data = jpeg()
    ref = declare(client, data)
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], max_mb=1)
    response = client.put(f"/sync/photos/{ref['id']}", data=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json["error"] == "照片最大 1 MB。"


def test_exif_orientation_is_applied_and_exif_removed(app, client, db, logged_in):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    data = jpeg(60, 20, exif=exif.tobytes())
    ref = declare(client, data)
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201
    photo = db.session.get(SyncPhoto, ref["id"])
    stored = stored_file(app, photo).read_bytes()
    assert photo.stored_sha256 == hashlib.sha256(stored).hexdigest() != ref["sha256"]
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (20, 60)
        assert "exif" not in image.info
        assert not image.getexif()


def test_a_photo_declared_truncated_is_refused_by_its_content(client, db, logged_in):
    data = jpeg(300, 200)[:-300]  # the phone kept a cut file and declared its digest
    ref = declare(client, data)
    response = client.put(f"/sync/photos/{ref['id']}", data=data)
    assert response.status_code == 415
    assert response.json["error"] == "这个文件不是可读取的 JPEG 照片。"
    assert db.session.get(SyncPhoto, ref["id"]).received_at is None


def noisy_jpeg(**options) -> bytes:
    """A picture whose scan is long and full of 0xFF bytes, as a real photo's is."""
    out = io.BytesIO()
    Image.frombytes("RGB", (96, 64), random.Random(7).randbytes(96 * 64 * 3)).save(
        out, "JPEG", **options
    )
    return out.getvalue()


def test_a_photo_cut_anywhere_is_refused_by_its_content(client, db, logged_in):
    data = noisy_jpeg(progressive=True)
    for cut in (2, 20, 200, len(data) // 3, len(data) // 2, len(data) - 100, len(data) - 1):
        ref = declare(client, data[:cut])
        response = client.put(f"/sync/photos/{ref['id']}", data=data[:cut])
        assert response.status_code == 415, cut
        assert response.json["error"] == "这个文件不是可读取的 JPEG 照片。", cut
        assert db.session.get(SyncPhoto, ref["id"]).received_at is None


def test_progressive_and_restart_marker_photos_are_stored_byte_for_byte(app, client, db, logged_in):
    for options in ({"progressive": True}, {"restart_marker_blocks": 2}, {"optimize": True}):
        data = noisy_jpeg(**options)
        ref = declare(client, data)
        assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201, options
        assert stored_file(app, db.session.get(SyncPhoto, ref["id"])).read_bytes() == data


def test_the_same_picture_under_two_photo_ids_is_one_file(app, client, db, logged_in):
    data = noisy_jpeg()
    first, second = declare(client, data), declare(client, data)
    for ref in (first, second):
        assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201
    paths = {db.session.get(SyncPhoto, ref["id"]).path for ref in (first, second)}
    assert paths == {f"{first['sha256'][:2]}/{first['sha256']}.jpg"}
    assert stored_file(app, db.session.get(SyncPhoto, second["id"])).read_bytes() == data
