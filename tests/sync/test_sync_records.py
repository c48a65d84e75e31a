"""POST /sync: one result per record, in order; idempotent by record id."""

import uuid

from sqlalchemy import func, select

from app.models import AuditLog, SyncRecord, SyncStatus
from tests.sync.conftest import jpeg, note, photo_ref, post_sync


def note_rows(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "sync.note")
    )


def test_a_new_record_is_created_with_its_url_and_times(client, db, logged_in):
    record = note("二号线 护栏松动")
    response = post_sync(client, record)
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["id"] == record["id"]
    assert result["status"] == "created"
    assert result["url"].startswith("/sync/outbox#note-")
    assert result["missing_photos"] == []
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "sync.note"))
    assert entry.summary == "二号线 护栏松动"
    assert entry.actor_id == logged_in.id
    stored = db.session.get(SyncRecord, record["id"])
    assert stored.status == SyncStatus.CREATED
    assert stored.kind == "note" and stored.device == "phone-1"
    assert stored.target_type == "audit_logs" and stored.target_id == entry.id
    assert stored.captured_at.isoformat() == "2026-11-23T09:12:00+00:00"
    assert stored.received_at > stored.captured_at


def test_the_same_record_again_is_a_duplicate_with_the_same_url(client, db, logged_in):
    record = note()
    first = post_sync(client, record).json["results"][0]
    again = post_sync(client, record).json["results"][0]
    assert again == {
        "id": record["id"],
        "status": "duplicate",
        "url": first["url"],
        "missing_photos": [],
    }
    assert note_rows(db) == 1


def test_a_repeat_inside_one_batch_is_a_duplicate(client, db, logged_in):
    record = note()
    results = post_sync(client, record, record).json["results"]
    assert [r["status"] for r in results] == ["created", "duplicate"]
    assert note_rows(db) == 1


def test_the_same_id_with_other_content_is_a_conflict(client, db, logged_in):
    record = note("原文")
    post_sync(client, record)
    changed = {**record, "data": {"text": "改过的"}}
    [result] = post_sync(client, changed).json["results"]
    assert result["status"] == "conflict"
    assert result["errors"]["id"] == ["已收到一条编号相同但内容不同的记录。"]
    assert note_rows(db) == 1


def test_another_users_id_is_a_conflict_and_reveals_nothing(client, auth, db, logged_in):
    from tests.factories import make_user

    record = note()
    post_sync(client, record)
    auth.logout()
    auth.login(make_user(employee_no="S002"))
    [result] = post_sync(client, record).json["results"]
    assert result["status"] == "conflict"
    assert "url" not in result
    assert note_rows(db) == 1


def test_an_invalid_record_does_not_block_the_others(client, db, logged_in):
    good1, bad, good2 = note("第一条"), note(""), note("第三条")
    results = post_sync(client, good1, bad, good2).json["results"]
    assert [(r["id"], r["status"]) for r in results] == [
        (good1["id"], "created"),
        (bad["id"], "invalid"),
        (good2["id"], "created"),
    ]
    assert results[1]["errors"] == {"text": ["Write the note."]}
    assert note_rows(db) == 2
    refused = db.session.get(SyncRecord, bad["id"])
    assert refused.status == SyncStatus.INVALID
    assert refused.errors == {"text": ["Write the note."]}


def test_a_refused_record_corrected_under_the_same_id_is_created(client, db, logged_in):
    record = note("")
    assert post_sync(client, record).json["results"][0]["status"] == "invalid"
    record["data"]["text"] = "补上内容"
    assert post_sync(client, record).json["results"][0]["status"] == "created"
    assert db.session.get(SyncRecord, record["id"]).status == SyncStatus.CREATED
    assert note_rows(db) == 1


def test_envelope_errors_are_reported_per_record(client, db, logged_in):
    records = [
        "not an object",
        {"id": "not-a-uuid", "kind": "note", "captured_at": "2026-11-23T09:12:00+08:00"},
        {**note(), "kind": "rocket"},
        {**note(), "captured_at": "2026-11-23T09:12:00"},
        {**note(), "data": ["a", "list"]},
        {**note(), "photos": [{"id": "x"}]},
    ]
    results = post_sync(client, *records).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 6
    assert results[0]["id"] is None and "record" in results[0]["errors"]
    assert results[1]["id"] == "not-a-uuid"
    assert results[1]["errors"]["id"] == ["每条记录都需要一个 uuid 作为编号。"]
    assert results[2]["errors"]["kind"] == ["本应用不认识这种记录。"]
    assert results[3]["errors"]["captured_at"] == ["采集时间必须带时区。"]
    assert "data" in results[4]["errors"]
    assert "photos" in results[5]["errors"]
    assert note_rows(db) == 0


def test_a_follow_up_refers_to_an_earlier_record_of_the_same_batch(client, db, logged_in):
    first = note("发现隐患")
    follow = note("已整改", parent=first["id"])
    results = post_sync(client, first, follow).json["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    parent_id = int(results[0]["url"].rsplit("-", 1)[1])
    child = db.session.scalar(select(AuditLog).where(AuditLog.summary == "已整改"))
    assert child.after["parent"] == parent_id


def test_a_follow_up_before_its_parent_is_invalid(client, logged_in):
    first = note("发现隐患")
    follow = note("已整改", parent=first["id"])
    results = post_sync(client, follow, first).json["results"]
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert results[0]["errors"] == {"parent": ["No such note has been received."]}


def test_photo_ids_declared_by_another_record_are_refused(client, logged_in):
    ref = photo_ref(jpeg())
    post_sync(client, note(photos=[ref]))
    [result] = post_sync(client, note(photos=[ref])).json["results"]
    assert result["status"] == "invalid"
    assert result["errors"]["photos"] == ["这条记录的一张照片已随另一条记录发送过。"]


def test_a_record_lists_the_photos_still_missing(client, logged_in):
    a, b = photo_ref(jpeg()), photo_ref(jpeg(color=(0, 0, 200)))
    record = note(photos=[a, b])
    [result] = post_sync(client, record).json["results"]
    assert result["missing_photos"] == [a["id"], b["id"]]
    assert client.put(f"/sync/photos/{a['id']}", data=jpeg()).status_code == 201
    [again] = post_sync(client, record).json["results"]
    assert again["status"] == "duplicate"
    assert again["missing_photos"] == [b["id"]]


def test_uppercase_and_lowercase_ids_are_the_same_record(client, db, logged_in):
    record = note()
    post_sync(client, record)
    upper = {**record, "id": record["id"].upper()}
    [result] = post_sync(client, upper).json["results"]
    assert result == {**result, "id": upper["id"], "status": "duplicate"}
    assert note_rows(db) == 1


def test_an_unknown_uuid_parent_is_invalid(client, logged_in):
    [result] = post_sync(client, note(parent=str(uuid.uuid4()))).json["results"]
    assert result["status"] == "invalid"


def test_a_record_refused_twice_in_one_batch_is_invalid_both_times(client, db, logged_in):
    record = note("")
    results = post_sync(client, record, record).json["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid"]
    assert db.session.get(SyncRecord, record["id"]).status == SyncStatus.INVALID
    assert note_rows(db) == 0


def test_a_refused_record_corrected_later_in_the_same_batch_is_created(client, db, logged_in):
    record = note("")
    corrected = {**record, "data": {"text": "补上内容"}}
    results = post_sync(client, record, corrected).json["results"]
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert db.session.get(SyncRecord, record["id"]).status == SyncStatus.CREATED
    assert note_rows(db) == 1


def test_a_repeat_inside_one_batch_lists_the_photos_still_missing(client, logged_in):
    ref = photo_ref(jpeg())
    record = note(photos=[ref])
    results = post_sync(client, record, record).json["results"]
    assert [r["status"] for r in results] == ["created", "duplicate"]
    assert results[1]["missing_photos"] == [ref["id"]]


def test_a_photo_id_of_an_earlier_record_in_the_same_batch_is_refused(client, db, logged_in):
    ref = photo_ref(jpeg())
    first, second = note("第一条", photos=[ref]), note("第二条", photos=[ref])
    results = post_sync(client, first, second).json["results"]
    assert [r["status"] for r in results] == ["created", "invalid"]
    assert results[1]["errors"]["photos"] == ["这条记录的一张照片已随另一条记录发送过。"]
    assert note_rows(db) == 1


def test_a_refused_record_with_a_photo_corrected_takes_the_photo(client, db, logged_in):
    data = jpeg()
    ref = photo_ref(data)
    record = note("", photos=[ref])
    assert post_sync(client, record).json["results"][0]["status"] == "invalid"
    record["data"]["text"] = "补上内容"
    [result] = post_sync(client, record).json["results"]
    assert result["status"] == "created"
    assert result["missing_photos"] == [ref["id"]]
    assert client.put(f"/sync/photos/{ref['id']}", data=data).status_code == 201
    [again] = post_sync(client, record).json["results"]
    assert again == {**again, "status": "duplicate", "missing_photos": []}


def test_a_character_no_database_keeps_is_named_at_its_field(client, db, logged_in):
    """The correction form shows the message beside the field to correct; a key that is
    itself unstorable has no field to name, so the record's data is named."""
    records = [
        {**note(), "data": {"text": "a\x00b", "area": "车间"}},
        {**note(), "data": {"text": "好", "answers": [{"note": "\ud800"}]}},
        {**note(), "data": {"te\x00xt": "好"}},
        # A field named like the envelope's own keys is not told apart from them.
        {**note(), "data": {"text": "好", "photos": "a\x00"}},
    ]
    results = post_sync(client, *records).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 4
    assert results[3]["errors"] == {"data": ["记录的数据里有无法保存的字符。"]}
    assert results[0]["errors"] == {"text": ["此处含有无法保存的字符。"]}
    assert results[1]["errors"] == {"answers": ["此处含有无法保存的字符。"]}
    assert results[2]["errors"] == {"data": ["记录的数据里有无法保存的字符。"]}
    assert note_rows(db) == 0


def test_a_nul_a_kind_writes_itself_makes_the_record_invalid_not_sent_forever(
    app, client, db, logged_in
):
    """The envelope refuses a NUL it sees in the data; one a kind makes itself (here: joins
    two fields with one) is stopped before the statement, and the record is the phone's to
    correct ("invalid"), not one the server failed to take ("error"), which it would send
    again and again."""
    from app.blueprints.sync.registry import HandlerResult
    from app.features import registry
    from app.models import AuditLog as Entry

    def handle(user, record):
        entry = Entry(action="test.nul", actor_id=user.id, summary="a\x00" + record.data["text"])
        db.session.add(entry)
        db.session.flush()
        return HandlerResult(url="/", obj=entry)

    registry(app).sync_kind("nul_maker", handle)
    made = {**note("第一条"), "kind": "nul_maker"}
    [result] = post_sync(client, made).json["results"]
    assert result["status"] == "invalid"
    assert result["errors"] == {"data": ["记录的数据里有无法保存的字符。"]}
    assert db.session.get(SyncRecord, made["id"]).status == SyncStatus.INVALID
