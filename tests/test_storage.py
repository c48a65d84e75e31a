"""app/storage.py: one pipeline and one budget for every upload, in a folder or a bucket."""

import base64
import dataclasses
import io
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import storage
from app.jobs import run_all_daily_jobs
from app.models import Role, SyncPhoto
from app.models.activities import Activity
from app.models.columns import PICTURE
from app.models.hazards import Hazard, Photo
from tests.activities.factories import make_activity
from tests.activities.test_manage import _form as activity_form
from tests.factories import make_user
from tests.helpers import text
from tests.safety.factories import jpeg_bytes, make_area
from tests.sync.conftest import photo_ref, post_sync
from tests.sync.test_sync_kinds import hazard_record, put_photo

# --- pictures that claim more than they weigh ---------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def blank_png(width: int, height: int) -> bytes:
    """A real, decodable 1-bit PNG: all white, so a few KB hold many megapixels."""
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims width × height (as a crafted file does)."""
    data = bytearray(jpeg_bytes(size=(64, 48)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _hazard_form(area, *photos):
    return {
        "title": "大图",
        "area_id": str(area.id),
        "category": "other",
        "severity": "general",
        "photos": [(io.BytesIO(data), name) for name, data in photos],
    }


def _limits(app, **changes):
    app.config["UPLOAD_LIMITS"] = dataclasses.replace(app.config["UPLOAD_LIMITS"], **changes)


def _stored_files(app) -> list:
    root = storage.FolderStore(__import__("pathlib").Path(app.config["UPLOAD_FOLDER"])).root
    return sorted(p for p in root.rglob("*.jpg")) if root.exists() else []


def test_a_6_kb_49_megapixel_png_is_refused_in_chinese_before_it_is_decoded(app, client, db, auth):
    bomb = blank_png(7000, 7000)
    assert len(bomb) < 20_000  # about 14 KB
    area = make_area()
    auth.login(make_user())
    response = client.post(
        "/safety/hazards/new",
        data=_hazard_form(area, ("图纸.png", bomb)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "图纸.png 有 49 百万像素，最多接受 25 百万像素。" in text(response)
    assert db.session.scalar(select(func.count(Hazard.id))) == 0 and _stored_files(app) == []


def test_a_40_megapixel_jpeg_through_sync_is_refused(app, client, db, auth):
    inspector = make_user(employee_no="S001")
    auth.login(inspector)
    area = make_area()
    data = jpeg_claiming(8000, 5000)
    ref = photo_ref(data)
    assert post_sync(client, hazard_record(area, [ref])).json["results"][0]["status"] == "created"
    response = put_photo(client, ref, data)
    assert response.status_code == 413
    assert response.json["error"] == (
        "照片有 40 百万像素，最多接受 25 百万像素。请用相机的默认设置拍摄，或缩小后再上传。"
    )
    assert db.session.get(SyncPhoto, ref["id"]).received_at is None
    assert db.session.scalar(select(func.count(Photo.id))) == 0 and _stored_files(app) == []


def test_a_144_megapixel_activity_cover_is_refused(app, client, db, auth):
    auth.login(make_user(Role.ORGANIZER))
    cover = blank_png(12000, 12000)
    response = client.post(
        "/activities/new",
        data=activity_form(cover=(io.BytesIO(cover), "海报.png")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "海报.png 有 144 百万像素，最多接受 25 百万像素。" in text(response)
    assert db.session.scalar(select(func.count(Activity.id))) == 0 and _stored_files(app) == []


def test_the_photo_cap_holds_for_a_chunked_upload_without_content_length(app, client, auth):
    auth.login(make_user(employee_no="S001"))
    area = make_area()
    data = jpeg_bytes(size=(640, 480))
    ref = photo_ref(data)
    post_sync(client, hazard_record(area, [ref]))
    _limits(app, max_mb=1)
    oversized = data + b"\0" * (2 * 1024 * 1024)
    response = client.put(
        f"/sync/photos/{ref['id']}",
        input_stream=io.BytesIO(oversized),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "image/jpeg"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413
    assert response.json["error"] == "照片最大 1 MB。"
    assert _stored_files(app) == []


def test_two_7_mb_photos_are_told_both_limits_as_the_forms_hint_says_them(app, client, auth, db):
    """A send past the request limit names that limit and each photo's, from the one table,
    whichever form it came from; the forms' hints say the same figures."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from app.models.proposals import Proposal

    _limits(app, max_mb=9)
    app.config["MAX_CONTENT_LENGTH"] = 13 * 1024 * 1024
    auth.login(make_user(Role.INSPECTOR))
    said = "一次最多发送 13 MB，每张照片或每个文件最多 9 MB。"
    hint = "每张不超过 9 MB，最多 6 张；合计不超过 13 MB。"
    area = make_area()
    for url in ("/proposals/new", "/safety/hazards/new"):
        assert hint in text(client.get(url))
        fields = MultiDict({"title": "两张照片", "area_id": str(area.id), "action": "draft"})
        for i in range(2):
            fields.add(
                "photos", FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * 7 * 2**20), f"{i}.jpg")
            )
        boundary, body = encode_multipart(fields)
        response = client.post(
            url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert response.status_code == 413 and said in text(response)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0
    assert db.session.scalar(select(func.count(Hazard.id))) == 0 and _stored_files(app) == []


def test_a_text_past_the_form_memory_is_told_so_not_the_photo_limits(client, auth):
    auth.login(make_user())
    from werkzeug.test import encode_multipart

    data = {"title": "t", "current_state": "长" * 300_000, "action": "draft"}  # 900 KB
    boundary, body = encode_multipart(data)
    response = client.post(
        "/proposals/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413 and "您填写的文字太长，请删减后再提交。" in text(response)


def test_a_form_photo_is_turned_resized_and_stored_once_with_its_thumbnail(app, db):
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # where it was taken
    data = jpeg_bytes(size=(4000, 1000), exif=exif)
    [prepared] = storage.prepare_uploads([data])
    stored = storage.save(prepared)
    assert (stored.width, stored.height) == (400, 1600)  # upright, long edge 1600
    picture = Image.open(io.BytesIO(storage.backend().get(stored.key)))
    assert picture.size == (400, 1600) and not picture.getexif()
    thumb = Image.open(io.BytesIO(storage.backend().get(storage.key_for(stored.sha256, True))))
    assert thumb.size == (90, 360)
    storage.save(prepared)
    assert len(_stored_files(app)) == 2  # the picture and its thumbnail, once


def test_a_synced_photo_is_written_once_and_never_read_back(app, client, db, auth, monkeypatch):
    auth.login(make_user(employee_no="S001"))
    area = make_area()
    data = jpeg_bytes(size=(1200, 900))
    ref = photo_ref(data)
    post_sync(client, hazard_record(area, [ref]))
    writes, reads = [], []
    monkeypatch.setattr(storage.FolderStore, "get", lambda self, key: reads.append(key))
    original_put = storage.FolderStore.put
    monkeypatch.setattr(
        storage.FolderStore,
        "put",
        lambda self, key, body: writes.append(key) or original_put(self, key, body),
    )
    assert put_photo(client, ref, data).status_code == 201
    photo = db.session.scalar(select(Photo))
    assert (photo.width, photo.height, photo.size) == (1200, 900, len(data))
    assert sorted(writes) == sorted(
        [storage.key_for(ref["sha256"]), f"thumbs/{storage.key_for(ref['sha256'])}"]
    )
    assert reads == []


def test_the_limits_table_is_what_the_form_says_and_the_page_downsizes_to(app, client, auth):
    _limits(app, max_mb=7, photos_per_record=4, long_edge=1280)
    auth.login(make_user())
    page = text(client.get("/safety/hazards/new"))
    assert "每张不超过 7 MB，最多 4 张；合计不超过 12 MB。" in page
    assert '{"long_edge": 1280, "photos_per_record": 4}' in page


def test_more_photos_than_the_table_allows_are_refused_on_the_form(app, client, auth):
    _limits(app, photos_per_record=2)
    area = make_area()
    auth.login(make_user())
    photos = [(f"{i}.jpg", jpeg_bytes(colour=(i, 0, 0))) for i in range(3)]
    response = client.post(
        "/safety/hazards/new",
        data=_hazard_form(area, *photos),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "最多上传 2 张照片。" in text(response)


# --- an S3-compatible bucket ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """A local S3-compatible server (moto's standalone server) on a free loopback port."""
    pytest.importorskip(
        "moto.server", reason="moto[server] is not installed (pip install -e '.[test]')"
    )
    boto3 = pytest.importorskip("boto3")
    port = _free_port()
    log = open(tmp_path_factory.mktemp("s3") / "moto.log", "wb")  # noqa: SIM115
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.skip("the local S3 server (moto) did not start")
            time.sleep(0.1)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="workers-home-test")
    yield client, f"http://test:test@127.0.0.1:{port}/workers-home-test/uploads"
    process.terminate()
    process.wait(timeout=10)
    log.close()


def test_photos_go_to_the_bucket_and_are_served_from_it(app, client, db, auth, s3_server):
    bucket, url = s3_server
    app.config["UPLOAD_S3_URL"] = url
    area = make_area()
    reporter = make_user(employee_no="S001")
    auth.login(reporter)
    picture = jpeg_bytes(size=(800, 600), colour="navy")
    response = client.post(
        "/safety/hazards/new",
        data=_hazard_form(area, ("现场.jpg", picture)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    # A synced photo lands in the same bucket.
    synced = jpeg_bytes(size=(400, 300), colour="olive")
    ref = photo_ref(synced)
    post_sync(client, hazard_record(area, [ref]))
    assert put_photo(client, ref, synced).status_code == 201

    photos = db.session.scalars(select(Photo).order_by(Photo.id)).all()
    keys = {o["Key"] for o in bucket.list_objects_v2(Bucket="workers-home-test")["Contents"]}
    for photo in photos:
        assert f"uploads/{storage.key_for(photo.sha256)}" in keys
        assert f"uploads/thumbs/{storage.key_for(photo.sha256)}" in keys
    assert _stored_files(app) == []  # nothing in the folder

    with client.get(f"/safety/photos/{photos[1].id}") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert served.data == synced
        assert "private" in served.headers["Cache-Control"]
        etag = served.headers["ETag"]
    again = client.get(f"/safety/photos/{photos[1].id}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with client.get(f"/safety/photos/{photos[0].id}/thumb") as thumb:
        assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).size == (360, 270)
    auth.logout()
    auth.login(make_user())  # a member who may not see the hazard
    assert client.get(f"/safety/photos/{photos[0].id}").status_code == 404


# --- documents ------------------------------------------------------------------------------


def _docx(marker: bytes) -> bytes:
    return b"PK\x03\x04" + marker + b"\x00" * 64


@pytest.mark.parametrize("bucket", [False, True], ids=["folder", "bucket"])
def test_documents_go_to_the_one_store_and_download_under_their_own_name(
    app, client, db, auth, request, bucket
):
    from app.models.congress import Notice
    from tests.congress import factories as f

    if bucket:
        s3, url = request.getfixturevalue("s3_server")
        app.config["UPLOAD_S3_URL"] = url
    publisher = f.organizer()
    auth.login(publisher)
    response = client.post(
        "/congress/notices/new",
        data={
            "title": "年度福利方案",
            "body": "详见附件。",
            "category": "welfare",
            "attachments": [(io.BytesIO(_docx(b"welfare")), "福利方案.docx")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text(response)
    notice = db.session.scalar(select(Notice))
    [attachment] = notice.attachments
    key = f"congress/{attachment.stored_name[:2]}/{attachment.stored_name}"
    if bucket:
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="workers-home-test")["Contents"]}
        assert f"uploads/{key}" in keys
    else:
        assert (storage.backend().root / key).read_bytes() == _docx(b"welfare")

    with client.get(f"/congress/attachments/{attachment.id}") as served:
        assert served.status_code == 200 and served.data == _docx(b"welfare")
        assert served.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E7%A6%8F%E5%88%A9" in served.headers["Content-Disposition"]
        assert "private" in served.headers["Cache-Control"]


def test_a_kept_photo_is_previewed_by_its_stored_thumbnail_as_it_is(app, client, auth, db):
    auth.login(make_user(Role.INSPECTOR))
    data = jpeg_bytes(size=(1200, 900))
    form = {**_hazard_form(make_area(), ("现场.jpg", data)), "title": ""}
    refused = client.post("/safety/hazards/new", data=form, content_type="multipart/form-data")
    assert refused.status_code == 422
    [preview] = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', text(refused))
    thumb = storage.backend().get(storage.key_for(storage.prepare(data).sha256, thumb=True))
    assert base64.b64decode(preview) == thumb


# --- uploads no record took -----------------------------------------------------------------


def _written_days_ago(app, key: str, days: float) -> None:
    when = time.time() - days * 86400
    os.utime(Path(app.config["UPLOAD_FOLDER"]) / key, (when, when))


def _picture_days_ago(app, sha256: str, days: float) -> None:
    for thumb in (False, True):
        _written_days_ago(app, storage.key_for(sha256, thumb=thumb), days)


def _stored(sha256: str) -> list[bool]:
    store = storage.backend()
    return [store.has(storage.key_for(sha256, thumb=thumb)) for thumb in (False, True)]


def test_the_daily_sweep_deletes_old_unattached_uploads_and_nothing_a_record_names(
    app, client, db, auth
):
    assert app.config["UPLOAD_LIMITS"].unattached_days == 2
    area = make_area()
    auth.login(make_user(Role.INSPECTOR))
    # A hazard's photo and an activity's cover: attached, both old.
    report = _hazard_form(area, ("现场.jpg", jpeg_bytes(colour="navy")))
    assert client.post("/safety/hazards/new", data=report).status_code == 303
    hazard_photo = db.session.scalar(select(Photo.sha256))
    cover = storage.save(storage.prepare(jpeg_bytes(colour="teal")))
    make_activity(cover_image=cover.name)
    # A photo kept for a form that was refused and never sent again: old, unattached.
    forgotten = jpeg_bytes(colour="navy", size=(60, 40))
    refused = _hazard_form(area, ("又一张.jpg", forgotten)) | {"title": ""}
    assert client.post("/safety/hazards/new", data=refused).status_code == 422
    kept = storage.prepare(forgotten).sha256
    assert _stored(kept) == [True, True]
    # Another one, stored an hour ago: unattached, but new.
    new = storage.save(storage.prepare(jpeg_bytes(colour="olive"))).sha256
    # A care certificate no row names: old, unattached.
    storage.save_file(b"%PDF-1.7 %%EOF", "care/ab/" + "ab" * 32 + ".pdf")
    for sha256 in (hazard_photo, cover.sha256, kept):
        _picture_days_ago(app, sha256, 2.1)
    _picture_days_ago(app, new, 1 / 24)
    _written_days_ago(app, "care/ab/" + "ab" * 32 + ".pdf", 30)

    assert run_all_daily_jobs()["uploads.unattached"] == "ok"
    assert _stored(hazard_photo) == [True, True] and _stored(cover.sha256) == [True, True]
    assert _stored(kept) == [False, False]
    assert _stored(new) == [True, True]
    assert not storage.backend().has("care/ab/" + "ab" * 32 + ".pdf")
    with client.get(f"/safety/photos/{db.session.scalar(select(Photo.id))}") as shown:
        assert shown.status_code == 200


def test_a_picture_stored_again_is_new_to_the_sweep(app, db):
    """The same photo chosen again days later (and kept for a refused form) is not deleted
    under the form that now names it by its token."""
    prepared = storage.prepare(jpeg_bytes(colour="purple"))
    storage.save(prepared)
    _picture_days_ago(app, prepared.sha256, 3)
    storage.save(prepared)
    assert storage.delete_unattached() == 0 and _stored(prepared.sha256) == [True, True]


def test_every_column_that_names_a_stored_picture_keeps_it_from_the_sweep(db):
    """A new table with a photo must mark its column (`picture_digest`, `picture_name`), or the
    sweep would delete its pictures: every column named like one is marked, or said not to be."""
    not_pictures = {
        "sync_photos.sha256",  # what the phone declared; the feature's row names the picture
        "sync_photos.stored_sha256",
    }
    named_like = re.compile(r"sha256|photo|image|cover")
    unmarked = [
        f"{table.name}.{column.name}"
        for table in db.metadata.tables.values()
        for column in table.columns
        if named_like.search(column.name)
        and not column.foreign_keys
        and PICTURE not in column.info
        and f"{table.name}.{column.name}" not in not_pictures
    ]
    assert unmarked == []


def test_the_sweep_deletes_from_the_bucket_too(app, client, db, auth, s3_server):
    _bucket, url = s3_server
    app.config["UPLOAD_S3_URL"] = url.replace("/uploads", "/swept")  # a prefix of its own
    auth.login(make_user(Role.INSPECTOR))
    report = _hazard_form(make_area(), ("现场.jpg", jpeg_bytes(colour="maroon")))
    assert client.post("/safety/hazards/new", data=report).status_code == 303
    attached = db.session.scalar(select(Photo.sha256))
    unattached = storage.save(storage.prepare(jpeg_bytes(colour="lime"))).sha256
    assert storage.delete_unattached() == 0  # both new
    later = datetime.now(UTC) + timedelta(days=2, hours=1)
    assert storage.delete_unattached(now=later) == 1
    assert _stored(attached) == [True, True] and _stored(unattached) == [False, False]


# --- documents and unfinished writes no record names -----------------------------------------

LATER = timedelta(days=2, hours=1)  # past the grace period (`unattached_days`)


def _keys() -> set[str]:
    return {key for key, _written in storage.backend().listing()}


def _pdf(marker: bytes) -> bytes:
    return b"%PDF-1.4\n" + marker + b"\n%%EOF\n"


def _care_attachments(officer, file, *pdfs: bytes) -> list[str]:
    """Attach PDFs to a needy worker's file as the officer's form does; their keys."""
    from app.blueprints.care.services import files
    from tests.care.conftest import Upload

    uploads = [Upload(pdf, f"证明{n}.pdf") for n, pdf in enumerate(pdfs)]
    return [row.path for row in files.add_attachments(officer, file, {"title": "证明"}, uploads)]


def _care_file(officer, worker):
    from app.blueprints.care.parse import local_today
    from app.blueprints.care.services import files

    data = {"worker": worker.employee_no, "level": "extreme", "cause": "illness"}
    return files.open_file(officer, data | {"opened_on": local_today().isoformat()}, [])


@pytest.mark.parametrize("bucket", [False, True], ids=["folder", "bucket"])
def test_a_care_document_no_row_names_is_swept_and_a_named_one_is_kept(app, db, request, bucket):
    """Care files are the most sensitive in the app: a certificate whose request failed after
    it was written (the transaction rolled back) must not stay in the store unnamed."""
    if bucket:
        _s3, url = request.getfixturevalue("s3_server")
        app.config["UPLOAD_S3_URL"] = url.replace("/uploads", f"/care-{os.getpid()}")
    officer = make_user(Role.CARE_OFFICER)
    file = _care_file(officer, make_user())
    [kept] = _care_attachments(officer, file, _pdf(b"diagnosis"))
    db.session.commit()
    [failed] = _care_attachments(officer, file, _pdf(b"income statement"))
    db.session.rollback()  # the request failed after the write: no row names the file
    assert {kept, failed} <= _keys() and failed.startswith("care/")

    assert storage.delete_unattached() == 0  # a file written now may be named any moment
    assert storage.delete_unattached(now=datetime.now(UTC) + LATER) == 1
    assert kept in _keys() and failed not in _keys()


def test_a_care_document_two_rows_name_stays_until_neither_does(app, db):
    """Stored by content: the same certificate attached to two files is one stored file."""
    from app.models.care import CareAttachment

    officer = make_user(Role.CARE_OFFICER)
    first, second = _care_file(officer, make_user()), _care_file(officer, make_user())
    [key] = _care_attachments(officer, first, _pdf(b"same"))
    assert _care_attachments(officer, second, _pdf(b"same")) == [key]
    db.session.commit()
    rows = db.session.scalars(select(CareAttachment).where(CareAttachment.path == key)).all()
    db.session.delete(rows[0])
    db.session.commit()
    assert storage.delete_unattached(now=datetime.now(UTC) + LATER) == 0
    assert key in _keys()
    db.session.delete(rows[1])
    db.session.commit()
    assert storage.delete_unattached(now=datetime.now(UTC) + LATER) == 1
    assert key not in _keys()


def test_a_notice_refused_for_its_second_attachment_leaves_no_first_one(app, client, db, auth):
    from tests.congress import factories as f

    auth.login(f.organizer())
    attachments = [(io.BytesIO(_docx(b"plan")), "方案.docx"), (io.BytesIO(b"MZ"), "病毒.docx")]
    refused = client.post(
        "/congress/notices/new",
        data={"title": "通知", "body": "详见附件。", "category": "welfare"}
        | {"attachments": attachments},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    [written] = [key for key in _keys() if key.startswith("congress/")]
    published = client.post(
        "/congress/notices/new",
        data={"title": "通知", "body": "详见附件。", "category": "welfare"}
        | {"attachments": [(io.BytesIO(_docx(b"named")), "方案.docx")]},
        content_type="multipart/form-data",
    )
    assert published.status_code == 303
    named = ({key for key in _keys() if key.startswith("congress/")} - {written}).pop()

    assert storage.delete_unattached(now=datetime.now(UTC) + LATER) == 1
    assert written not in _keys() and named in _keys()


def test_a_write_the_process_never_finished_is_swept_once_old(app, db):
    """A process that dies between writing a temporary file and renaming it into place
    leaves `.upload-…` behind; one being written now is left alone."""
    folder = Path(app.config["UPLOAD_FOLDER"]) / "care" / "ab"
    folder.mkdir(parents=True)
    for _n in range(2):
        fd, _tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
        os.close(fd)
    old, new = sorted(_keys())
    _written_days_ago(app, old, 2.1)
    assert storage.delete_unattached() == 1
    assert _keys() == {new}


def test_a_document_stored_again_is_new_to_the_sweep(app, db):
    """The same certificate attached again days after a failed attempt left it: while that
    request runs (its row not yet committed), the sweep must not take the file from under it."""
    officer = make_user(Role.CARE_OFFICER)
    file = _care_file(officer, make_user())
    db.session.commit()
    [key] = _care_attachments(officer, file, _pdf(b"again"))
    db.session.rollback()
    _written_days_ago(app, key, 3)
    assert _care_attachments(officer, file, _pdf(b"again")) == [key]
    db.session.rollback()  # not committed yet, as far as the sweep can tell
    assert storage.delete_unattached() == 0 and key in _keys()
    assert storage.delete_unattached(now=datetime.now(UTC) + LATER) == 1  # it never was


def test_a_file_renamed_away_while_the_sweep_lists_does_not_stop_the_sweep(app, db, monkeypatch):
    """A write finishing during the sweep renames its `.upload-…` file between the listing
    seeing it and reading its time: that file is passed over, the rest of the day's sweep runs."""
    folder = Path(app.config["UPLOAD_FOLDER"]) / "care" / "ab"
    folder.mkdir(parents=True)
    stale, moving = (folder / f".upload-{n}" for n in ("stale", "moving"))
    stale.write_bytes(b"x")
    moving.write_bytes(b"y")
    _written_days_ago(app, "care/ab/.upload-stale", 3)
    real_stat, asked = Path.stat, []

    def stat(path, *args, **kwargs):
        if path == moving:
            asked.append(path)
            if len(asked) > 1:  # is_file() saw it; by the time its time is read, it is gone
                raise FileNotFoundError(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    assert storage.delete_unattached() == 1
    assert not stale.exists() and len(asked) == 2


@pytest.mark.parametrize("bucket", [False, True], ids=["folder", "bucket"])
def test_a_document_stored_again_while_the_sweep_runs_stays(app, db, request, monkeypatch, bucket):
    """The sweep lists the store, then asks which files rows name. A certificate listed as
    old and unnamed, stored again by a request in between (its row not committed yet when the
    sweep asks), must not be deleted from under that request: its time is read again first."""
    if bucket:
        _s3, url = request.getfixturevalue("s3_server")
        app.config["UPLOAD_S3_URL"] = url.replace("/uploads", f"/again-{os.getpid()}")
    officer = make_user(Role.CARE_OFFICER)
    file = _care_file(officer, make_user())
    db.session.commit()
    [key] = _care_attachments(officer, file, _pdf(b"again"))
    db.session.rollback()  # an earlier request failed after the write
    store = storage.backend()
    listed = list(store.listing())
    long_ago = datetime.now(UTC) - timedelta(days=3)

    def listing():  # the listing saw it days old; the request then stores it again
        yield from ((k, long_ago if k == key else written) for k, written in listed)
        assert _care_attachments(officer, file, _pdf(b"again")) == [key]

    monkeypatch.setattr(type(store), "listing", lambda self: listing())
    monkeypatch.setattr(storage, "backend", lambda: store)
    assert storage.delete_unattached() == 0
    assert key in {k for k, _w in listed} and store.has(key)
