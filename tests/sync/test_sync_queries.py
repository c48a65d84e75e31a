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


def _hazards(areas, n, start=0):
    import uuid

    return [
        {
            "id": str(uuid.uuid4()),
            "kind": "hazard",
            "captured_at": "2026-11-23T09:12:00+08:00",
            "data": {
                "title": f"护栏松动{i}",
                "area_id": areas[i % len(areas)].id,
                "category": "height",
                "severity": "general",
            },
            "photos": [],
        }
        for i in range(start, start + n)
    ]


def _officers_and_areas(db):
    from app.models import Role
    from tests.safety.factories import make_area

    officers = [make_user(Role.SAFETY_OFFICER) for _ in range(2)]
    areas = [make_area() for _ in range(3)]
    db.session.commit()
    return officers, areas


def test_a_batch_of_hazards_writes_one_insert_a_table_whatever_its_size(client, db, logged_in):
    """New hazard records go in together: one INSERT for all the hazards, one for their report
    events, the audit entries, the officers' inbox rows and the sync rows. The safety officers,
    their languages and the areas are looked up once for the batch; no SELECT asks whether a
    new id exists."""
    import collections

    officers, areas = _officers_and_areas(db)
    post_sync(client, *_hazards(areas, 1))
    counts = []
    for size in (2, 12):
        records = _hazards(areas, size)
        with statements(db.engine) as seen:
            results = post_sync(client, *records).json["results"]
        assert [r["status"] for r in results] == ["created"] * size
        # (Left out: the push job's own queries, which the tests' immediate job queue runs.)
        ours = [s for s in seen if "push_subscriptions" not in s]
        inserts = collections.Counter(
            s.split()[2] for s in ours if s.lstrip().upper().startswith("INSERT")
        )
        assert inserts == dict.fromkeys(
            ["hazards", "hazard_events", "audit_logs", "notifications", "sync_records"], 1
        )
        selects_ = [s for s in ours if s.lstrip().upper().startswith("SELECT")]
        assert not any(
            "FROM hazards" in s and "client_id" in s.split("WHERE")[-1] for s in selects_
        )
        assert sum("FROM user_roles" in s and "safety_officer" in s.lower() for s in ours) <= 1
        counts.append([s[:70] for s in ours])
    assert counts[0] == counts[1], "a batch of 12 runs the statements of a batch of 2"
    inbox = db.session.scalars(
        select(Notification).where(Notification.user_id.in_([o.id for o in officers]))
    ).all()
    assert len(inbox) == 2 * (1 + 2 + 12)


def test_a_hazard_a_form_saved_under_a_batch_id_is_found_and_the_others_are_saved(
    client, db, logged_in
):
    """A hazard already carries one of the batch's ids, but no sync row does (the online form
    was sent with it). The batch's one INSERT fails at the unique client id; every record is
    then taken on its own, and that one is answered with the hazard the form made, as a retry
    is: nothing doubled, nothing left to fail again."""
    from app.models import SyncRecord
    from app.models.hazards import Hazard
    from tests.safety.factories import make_hazard

    _officers, areas = _officers_and_areas(db)
    records = _hazards(areas, 3)
    first = make_hazard(reporter=logged_in, title="表单先存的")
    first.client_id = records[1]["id"]
    db.session.commit()
    with statements(db.engine) as seen:
        results = post_sync(client, *records).json["results"]
    # The batch's one INSERT, then one for each record taken on its own.
    assert sum(s.startswith("INSERT INTO hazards") for s in seen) == 1 + 3
    assert [r["status"] for r in results] == ["created"] * 3
    assert results[1]["url"] == f"/safety/hazards/{first.id}"
    titles = db.session.scalars(
        select(Hazard.title).where(Hazard.client_id.in_([r["id"] for r in records]))
    ).all()
    assert sorted(titles) == sorted(["护栏松动0", "护栏松动2", "表单先存的"])
    assert db.session.get(SyncRecord, records[1]["id"]).target_id == first.id
    assert [r["status"] for r in post_sync(client, *records).json["results"]] == ["duplicate"] * 3


def test_an_id_another_person_used_in_a_form_is_refused_and_the_others_are_saved(
    client, db, logged_in
):
    """The same, but someone else's form used the id: that record is refused with the reason
    (ids are the phone's; a reused one must not hand over another person's hazard)."""
    from tests.safety.factories import make_hazard

    _officers, areas = _officers_and_areas(db)
    records = _hazards(areas, 3)
    someone_elses = make_hazard(title="别人表单存的")
    someone_elses.client_id = records[1]["id"]
    db.session.commit()
    results = post_sync(client, *records).json["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert results[1]["errors"] == {"id": ["这个编号已属于另一条记录。"]}


def test_a_batch_of_hazards_tells_each_officer_in_their_own_language(client, db, logged_in):
    """The inbox rows of a whole batch go in together; each is still in its reader's language,
    and a text two hazards share (their severity's line) says the right severity for each."""
    officers, areas = _officers_and_areas(db)
    officers[1].locale = "en"
    db.session.commit()
    records = _hazards(areas, 3)
    records[2]["data"]["severity"] = "major"
    assert [r["status"] for r in post_sync(client, *records).json["results"]] == ["created"] * 3

    def inbox(officer):
        rows = db.session.scalars(
            select(Notification).where(Notification.user_id == officer.id).order_by(Notification.id)
        )
        return [(row.title, row.body) for row in rows]

    assert inbox(officers[0]) == [
        ("新上报隐患：护栏松动0", "等级：一般。请指派人员整改。"),
        ("新上报隐患：护栏松动1", "等级：一般。请指派人员整改。"),
        ("新上报隐患：护栏松动2", "等级：重大。请指派人员整改。"),
    ]
    assert inbox(officers[1]) == [
        (
            "New hazard reported: 护栏松动0",
            "Severity: General. Please assign someone to rectify it.",
        ),
        (
            "New hazard reported: 护栏松动1",
            "Severity: General. Please assign someone to rectify it.",
        ),
        ("New hazard reported: 护栏松动2", "Severity: Major. Please assign someone to rectify it."),
    ]
