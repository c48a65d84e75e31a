"""A refused record corrected on the phone comes back under the same id, its photos changed:
the server asks for, and keeps, exactly the photos the correction declares."""

from sqlalchemy import select

from app.models import SyncPhoto, SyncRecord, SyncStatus
from tests.sync.conftest import jpeg, note, photo_ref, post_sync


def test_a_correction_that_drops_one_photo_and_adds_another_declares_only_those(
    client, db, logged_in, attached
):
    first, second, new = jpeg(), jpeg(color=(0, 90, 0)), jpeg(color=(0, 0, 160))
    kept, dropped, added = photo_ref(second), photo_ref(first), photo_ref(new)
    record = note("", photos=[dropped, kept])
    assert post_sync(client, record).json["results"][0]["status"] == "invalid"

    corrected = {**record, "data": {"text": "补上内容"}, "photos": [kept, added]}
    [result] = post_sync(client, corrected).json["results"]
    assert result["status"] == "created"
    assert result["missing_photos"] == [kept["id"], added["id"]]
    declared = db.session.scalars(
        select(SyncPhoto.id).where(SyncPhoto.record_id == record["id"]).order_by(SyncPhoto.position)
    ).all()
    assert declared == [kept["id"], added["id"]]
    assert db.session.get(SyncRecord, record["id"]).status == SyncStatus.CREATED

    for ref, data in ((kept, second), (added, new)):
        assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201
    dropped_put = client.put(f"/sync/photos/{dropped['id']}", data=first)
    assert dropped_put.status_code == 404
    assert [photo_id for _, photo_id in attached] == [kept["id"], added["id"]]
