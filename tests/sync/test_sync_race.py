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
