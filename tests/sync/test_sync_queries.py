"""What a batch costs the database: its lookups are one query each, whatever its size."""

from sqlalchemy import select

from app.models import Notification
from tests.factories import make_user
from tests.helpers import statements
from tests.sync.conftest import jpeg, note, photo_ref, post_sync


def selects(db):
    """The SELECT statements run inside the block."""
    return statements(db.engine, selects_only=True)


def batch(size: int, offset: int = 0) -> list[dict]:
    """Notes, every other one with a photo of its own."""
    records = []
    for i in range(offset, offset + size):
        photos = [photo_ref(jpeg(color=(i % 256, 0, 0)))] if i % 2 else []
        records.append(note(f"第{i}条", photos=photos))
    return records


def test_a_batch_of_new_records_reads_as_much_as_a_batch_of_two(client, db, logged_in):
    post_sync(client, note("先发一条"))  # both measured batches come after a commit
    with selects(db) as small:
        assert post_sync(client, *batch(2)).status_code == 200
    with selects(db) as large:
        results = post_sync(client, *batch(40, offset=2)).json["results"]
    assert [r["status"] for r in results] == ["created"] * 40
    assert len(large) == len(small)


def test_a_batch_sent_again_reads_as_much_as_a_batch_of_two(client, db, logged_in):
    small, large = batch(2), batch(40, offset=2)
    post_sync(client, *small, *large)
    with selects(db) as small_again:
        post_sync(client, *small)
    with selects(db) as large_again:
        results = post_sync(client, *large).json["results"]
    assert [r["status"] for r in results] == ["duplicate"] * 40
    assert len(large_again) == len(small_again)


def test_hazard_records_write_in_few_statements_and_look_officers_up_once(client, db, logged_in):
    """Per hazard record: the area, the hazard, its event, the audit entry, the officers' inbox
    rows (one INSERT), the sync row, and the record's savepoint. The safety officers and
    their languages are looked up once for the batch; no SELECT asks whether a new id exists."""
    import uuid

    from app.models import Role
    from tests.safety.factories import make_area

    officers = [make_user(Role.SAFETY_OFFICER) for _ in range(2)]
    areas = [make_area() for _ in range(3)]
    db.session.commit()

    def hazards(n):
        return [
            {
                "id": str(uuid.uuid4()),
                "kind": "hazard",
                "captured_at": "2026-11-23T09:12:00+08:00",
                "data": {
                    "title": f"护栏松动{i}",
                    "area_id": areas[i % 3].id,
                    "category": "height",
                    "severity": "general",
                },
                "photos": [],
            }
            for i in range(n)
        ]

    post_sync(client, *hazards(1))
    with statements(db.engine) as seen:
        results = post_sync(client, *hazards(12)).json["results"]
    assert [r["status"] for r in results] == ["created"] * 12
    # The shell of the request: the user, their roles, the batch's sync rows (and on SQLite
    # BEGIN IMMEDIATE); then officers and their languages once, areas once each.
    per_record = {"hazards", "hazard_events", "audit_logs", "notifications", "sync_records"}
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    import collections

    assert len(inserts) == 12 * len(per_record), collections.Counter(s[:30] for s in inserts)
    # (Left out: the push job's own query, which the tests' immediate job queue runs inline.)
    selects_ = [
        s
        for s in seen
        if s.lstrip().upper().startswith("SELECT") and "JOIN push_subscriptions" not in s
    ]
    assert not any("FROM hazards" in s and "client_id" in s.split("WHERE")[-1] for s in selects_)
    assert sum("FROM user_roles" in s and "safety_officer" in s.lower() for s in seen) <= 1
    assert len(selects_) <= 3 + 2 + len(areas), collections.Counter(s[:60] for s in selects_)
    ours = [s for s in seen if "JOIN push_subscriptions" not in s]
    assert len(ours) <= 12 * (len(per_record) + 2) + 10, collections.Counter(s[:40] for s in ours)
    inbox = db.session.scalars(
        select(Notification).where(Notification.user_id.in_([o.id for o in officers]))
    ).all()
    assert len(inbox) == 2 * 13
