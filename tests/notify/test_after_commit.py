"""Jobs are queued when the OUTERMOST transaction commits (issue 12, item 1).

SQLAlchemy fires `after_commit` when a savepoint is released too. `/sync` runs each record
in a savepoint and commits the batch once: a push job queued at a savepoint's release ran
before the batch committed, found no inbox rows and sent nothing.
"""

import threading
import uuid
from datetime import UTC, datetime

import pytest

from app.jobs import enqueue_after_commit, huey, init_jobs
from app.models import Role
from tests.factories import make_user
from tests.notify.push_service import Browser
from tests.notify.test_push import subscribe
from tests.safety.factories import make_area


@pytest.fixture
def real_queue(app, monkeypatch):
    """The queue as deployed (SqliteHuey in the instance folder), with a consumer that takes
    each job the moment it is queued, in its own thread and database connection."""
    app.config["HUEY_IMMEDIATE"] = False
    init_jobs(app)
    storage = huey.storage
    enqueue = storage.enqueue
    ran = []

    def consume_at_once(data, priority=None):
        enqueue(data, priority)
        task = huey.dequeue()
        worker = threading.Thread(target=lambda: ran.append(huey.execute(task)))
        worker.start()
        worker.join(30)

    monkeypatch.setattr(storage, "enqueue", consume_at_once)
    yield ran
    app.config["HUEY_IMMEDIATE"] = True
    init_jobs(app)


def hazard_record(area, title):
    return {
        "id": str(uuid.uuid4()),
        "kind": "hazard",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": {"title": title, "area_id": area.id, "severity": "general", "category": "fire"},
        "photos": [],
    }


def test_pushes_for_records_that_arrive_through_sync_are_sent(
    app, client, auth, push_service, real_queue
):
    officer = make_user(Role.SAFETY_OFFICER)
    subscribe(officer, push_service, "officer-phone", Browser())
    inspector = make_user(Role.INSPECTOR)
    area = make_area()
    auth.login(inspector)

    records = [hazard_record(area, f"漏油{n}") for n in range(3)]
    response = client.post("/sync", json={"device": "phone-1", "records": records})

    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * 3
    push_service.wait_for(3, timeout=10)
    assert len(push_service.for_endpoint("officer-phone")) == 3
    # The batch's three fan-outs went to the queue as one job (each job is a queue write),
    # which queued the three pushes as one sending job.
    assert sorted(map(str, real_queue)) == ["3", "{'sent': 3}"]


def test_merged_jobs_join_their_lists_and_keep_their_order(db):
    queued = []
    make_user()
    for items in (["a"], ["b", "c"]):
        with db.session.begin_nested():
            enqueue_after_commit(queued.append, items, merge=True)
            enqueue_after_commit(queued.append, f"after {items[0]}")
    savepoint = db.session.begin_nested()
    enqueue_after_commit(queued.append, ["dropped"], merge=True)
    savepoint.rollback()
    db.session.commit()
    assert queued == [["a", "b", "c"], "after a", "after b"]


def test_a_job_of_a_savepoint_that_rolled_back_is_never_queued(db):
    queued = []
    with db.session.begin_nested():
        enqueue_after_commit(queued.append, "kept")
    try:
        with db.session.begin_nested():
            enqueue_after_commit(queued.append, "dropped")
            raise RuntimeError
    except RuntimeError:
        pass
    assert queued == []  # nothing before the outermost commit
    db.session.commit()
    assert queued == ["kept"]


def test_a_rolled_back_transaction_queues_nothing(db):
    queued = []
    make_user()  # a transaction is open
    db.session.execute(db.select(1))
    enqueue_after_commit(queued.append, "never")
    db.session.rollback()
    db.session.commit()
    assert queued == []
