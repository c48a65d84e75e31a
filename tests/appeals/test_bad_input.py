"""Bad input is refused with a clear Chinese message and writes nothing: no appeal, no step,
no photo in the store, no notification."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.models import Notification
from app.models.appeals import Appeal, AppealEvent, AppealPhoto, AppealStatus
from tests.appeals.conftest import APPEAL, jpeg, raise_named, step
from tests.helpers import text


def _counts(db):
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Appeal, AppealPhoto, AppealEvent, Notification)
    )


def _stored_files(app) -> list:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_thirty_megabytes_of_photos_are_refused_in_chinese(app, client, auth, cast, db):
    auth.login(cast.member)
    before = _counts(db), _stored_files(app)
    photos = [
        FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (6 * 1024 * 1024)), f"p{i}.jpg")
        for i in range(5)
    ]
    fields = MultiDict({**APPEAL, "anonymous": "y"})
    for photo in photos:
        fields.add("photos", photo)
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/appeals/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "发送的内容过大：一次最多发送 12 MB，每张照片或每个文件最多 10 MB。" in text(response)
    assert (_counts(db), _stored_files(app)) == before


@pytest.mark.parametrize(
    "form, files, message",
    [
        ({"category": "perpetual-motion"}, [], "请从给出的类别中选择。"),
        ({"title": ""}, [], "请填写标题。"),
        ({"details": "  "}, [], "请填写详情。"),
        ({"title": "长" * 121}, [], "标题最多 120 个字。"),
        ({"anonymous": "y", "department_id": "999999"}, [], "请从给出的车间中选择。"),
        ({"anonymous": "y", "department_id": "１２"}, [], "请从给出的车间中选择。"),
        (
            {},
            [(b"not a picture at all", "fake.jpg")],
            "fake.jpg 不是 JPEG、PNG 或 WebP 格式的图片。",
        ),
        ({}, [(jpeg(), f"p{i}.jpg") for i in range(7)], "最多上传 6 张照片。"),
        ({"title": "加班\x00费"}, [], "文字中含有不允许的字符。"),
    ],
)
def test_a_bad_appeal_is_refused_and_nothing_is_written(
    app, client, auth, cast, db, form, files, message
):
    auth.login(cast.member)
    before = _counts(db), _stored_files(app)
    data = {**APPEAL, **form}
    if files:
        # A good photo first: it must not be stored when a later one is refused.
        data["photos"] = [(io.BytesIO(jpeg(colour="#123456")), "good.jpg")] + [
            (io.BytesIO(content), name) for content, name in files
        ]
    response = client.post("/appeals/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422), message
    assert message in text(response)
    assert (_counts(db), _stored_files(app)) == before


def test_a_nul_pasted_into_the_details_is_refused_there_and_the_complaint_kept(
    client, auth, cast, db
):
    """Pasted text can carry a NUL (U+0000): the member is told at the details, in Chinese,
    and gets the whole written complaint back to correct (it was a bare 400 page whose way
    back was an empty form)."""
    auth.login(cast.member)
    before = _counts(db)
    details = "11 月加班 20 小时\x00只算了 12 小时，请工会核实。"
    response = client.post(
        "/appeals/new", data={**APPEAL, "details": details}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="details-errors">\s*<li>文字中含有不允许的字符。</li>', page)
    assert "11 月加班 20 小时" in page and "只算了 12 小时，请工会核实。" in page
    assert "加班费少算" in page and 'selected value="wages"' in page
    assert _counts(db) == before
    # The box holds the text without the NUL: a browser would show it as �, and sent again
    # unchanged the complaint would be saved with that � in it.
    assert "11 月加班 20 小时只算了 12 小时，请工会核实。</textarea>" in page


def test_a_bad_step_is_refused_and_changes_nothing(client, auth, cast, db):
    appeal = raise_named(cast.member)
    auth.login(cast.officer)
    before = _counts(db)
    for data, status, message in (
        ({"action": "abolish"}, 422, "请从给出的步骤中选择。"),
        ({"action": "answer", "note": ""}, 422, "请写明给职工看的说明。"),
        ({"action": "escalate", "note": " "}, 422, "请写明给职工看的说明。"),
        ({"action": "answer", "note": "好"}, 409, "现在不能进行此步骤：诉求状态为“待受理”。"),
        ({"action": "acknowledge", "note": "x" * 5001}, 422, "说明最多 5000 个字。"),
    ):
        response = client.post(f"/appeals/{appeal.key}/steps", data=data)
        assert response.status_code == status, data
        assert message in text(response), data
    assert _counts(db) == before
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.RAISED


def test_a_bad_rating_is_refused(client, auth, cast, db):
    appeal = step(cast.officer, raise_named(cast.member), "acknowledge", "answer")
    auth.login(cast.member)
    response = client.post(f"/appeals/{appeal.key}/rate", data={"rating": "5 stars"})
    assert response.status_code == 422 and "请从给出的评价中选择。" in text(response)
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.ANSWERED and appeal.rating is None


def test_malformed_keys_and_photo_names_are_404(client, auth, cast):
    appeal = raise_named(cast.member)
    auth.login(cast.officer)
    for url in (
        "/appeals/x",
        "/appeals/" + "0" * 32,
        f"/appeals/{appeal.key}x",
        f"/appeals/{appeal.key}/photos/notahash",
        f"/appeals/{appeal.key}/photos/{'a' * 64}/thumb",
    ):
        assert client.get(url).status_code == 404, url


def test_in_english_each_refusal_is_a_sentence_of_its_own(client, auth, cast):
    """It read "the subject may be at most 120 characters.", a label dropped into a sentence."""
    auth.login(cast.member)
    client.post("/locale", data={"locale": "en"})
    too_long = text(client.post("/appeals/new", data={**APPEAL, "title": "长" * 121}))
    assert "The subject may be at most 120 characters." in too_long
    empty = text(client.post("/appeals/new", data={**APPEAL, "title": "", "details": ""}))
    assert "Please fill in the subject." in empty and "Please fill in the details." in empty
