"""How many photos a visit takes is the one upload table's `photos_per_record`, as for every
feature's record: the visit form says it, and holds to it with the outbox. A visit's photos
are pictures only: a PDF (a certificate) belongs to the file, not to a visit."""

import dataclasses
import hashlib
import io
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models.care import CareAttachment, CareVisit
from tests.care.conftest import jpeg, visit_form
from tests.helpers import text


def _most(app, monkeypatch, n):
    limits = dataclasses.replace(app.config["UPLOAD_LIMITS"], photos_per_record=n)
    monkeypatch.setitem(app.config, "UPLOAD_LIMITS", limits)


def _visits(db) -> int:
    return db.session.scalar(select(func.count(CareVisit.id)))


def _rows(db) -> tuple[int, int]:
    return _visits(db), db.session.scalar(select(func.count(CareAttachment.id)))


def _post(client, world, n):
    """The visit form with `n` photos."""
    photos = [(io.BytesIO(jpeg(color=(i, 0, 0))), f"{i}.jpg") for i in range(n)]
    return client.post(
        "/care/visits",
        data={**visit_form(world), "photos": photos},
        content_type="multipart/form-data",
    )


def test_the_visit_form_takes_as_many_photos_as_the_table_says(
    app, client, auth, world, db, monkeypatch
):
    _most(app, monkeypatch, 2)
    auth.login(world.people["care_officer"])
    form = text(client.get(f"/care/plans/{world.plan.id}/visit/{world.file.id}"))
    assert "最多 2 张。" in form
    before = _visits(db)
    response = _post(client, world, 3)
    assert response.status_code == 422
    assert "最多上传 2 张照片。" in text(response)
    assert _visits(db) == before
    assert _post(client, world, 2).status_code == 303
    assert _visits(db) == before + 1


def _record(world, n) -> dict:
    photos = []
    for i in range(n):
        data = jpeg(color=(i, 0, 0))
        photos.append(
            {"id": str(uuid.uuid4()), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        )
    return {
        "id": str(uuid.uuid4()),
        "kind": "care_visit",
        "captured_at": datetime.now(UTC).isoformat(),
        "data": visit_form(world),
        "photos": photos,
    }


@pytest.mark.parametrize(("most", "photos", "status"), [(2, 3, "invalid"), (8, 7, "created")])
def test_a_visit_sent_from_the_outbox_takes_as_many_photos_as_the_table_says(
    app, client, auth, world, db, monkeypatch, most, photos, status
):
    _most(app, monkeypatch, most)
    auth.login(world.people["care_officer"])
    [result] = client.post(
        "/sync", json={"device": "p1", "records": [_record(world, photos)]}
    ).get_json()["results"]
    assert result["status"] == status
    if status == "invalid":
        assert result["errors"] == {"photos": [f"最多上传 {most} 张照片。"]}
    else:
        assert len(result["missing_photos"]) == photos


def test_a_pdf_chosen_as_a_visit_photo_is_refused_at_the_photos_field(app, client, auth, world, db):
    auth.login(world.people["care_officer"])
    uploads = Path(app.config["UPLOAD_FOLDER"])
    stored = set(uploads.rglob("*"))
    rows = _rows(db)
    photos = [
        (io.BytesIO(jpeg()), "家访.jpg"),
        (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), "诊断证明.pdf"),
    ]
    response = client.post(
        "/care/visits",
        data={**visit_form(world, needs="孩子学费"), "photos": photos},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text(response)
    [errors] = re.findall(r'<ul class="errors" id="photos-errors">(.*?)</ul>', page, re.S)
    assert "诊断证明.pdf 不是 JPEG、PNG" in errors
    assert "家中老人住院，收入减少" in page and "孩子学费" in page  # the form as typed
    assert _rows(db) == rows
    assert set(uploads.rglob("*")) == stored
