"""Two requests with the same record at the same moment (two tabs, or a retry that overtakes
the first attempt): one row, one `created`, one `duplicate`."""

import threading

from tests.factories import DEFAULT_PASSWORD
from tests.sync.conftest import note, post_sync
from tests.sync.test_sync_records import note_rows


def test_racing_requests_with_the_same_record_make_one_row(app, db, inspector):
    record = note("两个标签页同时发送")
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        client.post(
            "/auth/login", data={"employee_no": inspector.employee_no, "password": DEFAULT_PASSWORD}
        )
    start = threading.Barrier(len(clients))
    answers = []

    def send(client):
        start.wait()
        response = post_sync(client, record)
        answers.append((response.status_code, response.json["results"][0]["status"]))

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [(200, "created"), (200, "duplicate")]
    assert note_rows(db) == 1


def test_a_request_that_read_before_the_winner_committed_answers_duplicate(
    client, db, logged_in, monkeypatch
):
    """The loser of a race read the batch before the winner's commit: its note is written,
    then undone with its savepoint when the sync row's primary key is found taken."""
    from app.blueprints.sync import services

    record = note("先到的一条")
    first = post_sync(client, record).json["results"][0]
    # The second request sees nothing of the first, as if it had read before that commit.
    db.session.expunge_all()
    monkeypatch.setattr(services, "_ids_named", lambda raw_records: (set(), set()))
    monkeypatch.setattr(services.Batch, "record", lambda self, record_id: None)
    [again] = post_sync(client, record, note("同批的另一条")).json["results"][:1]
    assert again == {**again, "status": "duplicate", "url": first["url"]}
    assert note_rows(db) == 2
