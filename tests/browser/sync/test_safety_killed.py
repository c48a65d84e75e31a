"""The real safety forms with the server killed ("network up, server down"), not the browser
cut off: a patrol round and a hazard wait on the phone and arrive once, photos byte for byte;
and a server that dies after committing a batch, before it answers, gets a `duplicate` retry.
"""

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    column,
    fill_hazard,
    fill_round,
    kept_photo,
    open_round,
    outbox,
    photo_file,
    resend_after_restart,
    rows,
    stored_upload,
    two_photos,
    wait_outbox_empty,
    wait_outbox_holds,
)
from tests.browser.test_shell import wait_for_service_worker, wait_until_page_cached

NEW_HAZARD = "/safety/hazards/new"


@pytest.fixture(scope="module")
def demo_data(live_server):
    live_server.flask("demo")  # areas and checklists


@pytest.fixture
def worker(sync_server, demo_data):
    """A fresh inspector on a server with the demo areas and checklists."""
    employee_no = f"KL{uuid.uuid4().hex[:6].upper()}"
    sync_server.make_user(employee_no, "inspector", name="断电巡检员")
    return employee_no


def kept_photos(page, record: dict) -> list[bytes]:
    """The bytes the page holds in IndexedDB for the record's photos, in its order."""
    return [kept_photo(page, ref["id"]) for ref in record["photos"]]


def patrols_of(server, employee_no: str) -> list[int]:
    return column(
        server,
        "SELECT p.id FROM patrols p JOIN users u ON u.id = p.inspector_id WHERE u.employee_no = ?",
        employee_no,
    )


def patrol_photos(server, patrol_id: int) -> list[str]:
    return column(
        server,
        "SELECT ph.sha256 FROM photos ph JOIN patrol_answers a ON a.id = ph.patrol_answer_id "
        "WHERE a.patrol_id = ? ORDER BY ph.id",
        patrol_id,
    )


def hazards_titled(server, title: str) -> list[int]:
    return column(server, "SELECT id FROM hazards WHERE title = ?", title)


def hazard_photos(server, hazard_id: int) -> list[str]:
    return column(server, "SELECT sha256 FROM photos WHERE hazard_id = ? ORDER BY id", hazard_id)


def answer_count(server, patrol_id: int) -> int:
    [(n,)] = rows(server, "SELECT count(*) FROM patrol_answers WHERE patrol_id = ?", patrol_id)
    return n


def test_a_round_and_a_hazard_captured_with_the_server_down_arrive_once(
    page, sync_server, worker, tmp_path
):
    title = f"{uuid.uuid4().hex[:8]} 护栏松动"
    log_in(page, sync_server.url, worker)
    round_path = open_round(page, sync_server)
    wait_for_service_worker(page)
    wait_until_page_cached(page, round_path)
    page.goto(sync_server.url + NEW_HAZARD)
    wait_until_page_cached(page, NEW_HAZARD)

    sync_server.stop()  # the network is up (navigator.onLine stays true); the server is not
    page.goto(sync_server.url + round_path)  # from the worker's copy
    answers = fill_round(page, photo_file(tmp_path, "p.jpg"))
    wait_outbox_holds(page, 1)
    page.goto(sync_server.url + NEW_HAZARD)
    fill_hazard(page, title, two_photos(tmp_path))
    wait_outbox_holds(page, 2)
    assert page.evaluate("navigator.onLine") is True

    page.reload()  # the worker serves the page, IndexedDB still has both records
    expect(page.locator("[data-outbox-count] .badge")).to_have_text("2")
    hazard_rows = page.locator("[data-outbox-pending=hazard] > li")
    expect(hazard_rows).to_have_count(1)
    expect(hazard_rows).to_contain_text(title)
    expect(hazard_rows).to_contain_text("待发送")
    page.goto(sync_server.url + round_path)
    expect(page.locator("[data-outbox-pending=patrol] > li")).to_contain_text("待发送")
    patrol, hazard = outbox(page)
    assert (patrol["kind"], hazard["kind"]) == ("patrol", "hazard")
    assert len(patrol["data"]["answers"]) == answers
    kept = {"patrol": kept_photos(page, patrol), "hazard": kept_photos(page, hazard)}
    assert len(kept["patrol"]) == 1 and len(kept["hazard"]) == 2

    sync_server.start()
    page.reload()  # a page load flushes
    wait_outbox_empty(page, timeout_ms=30_000)
    [patrol_id] = patrols_of(sync_server, worker)
    assert answer_count(sync_server, patrol_id) == answers
    assert [stored_upload(sync_server, d) for d in patrol_photos(sync_server, patrol_id)] == kept[
        "patrol"
    ]
    [hazard_id] = hazards_titled(sync_server, title)
    assert [stored_upload(sync_server, d) for d in hazard_photos(sync_server, hazard_id)] == kept[
        "hazard"
    ]


def capture_hazard(page, server, worker, tmp_path):
    """Report a hazard with two photos; returns what the server holds for it."""
    title = f"{uuid.uuid4().hex[:8]} 配电箱未锁"
    page.goto(server.url + NEW_HAZARD)
    fill_hazard(page, title, two_photos(tmp_path))
    return lambda: [(h, hazard_photos(server, h)) for h in hazards_titled(server, title)]


def capture_round(page, server, worker, tmp_path):
    """Save a whole round, one answer with a photo; returns what the server holds for it."""
    open_round(page, server)
    fill_round(page, photo_file(tmp_path, "p.jpg"))
    return lambda: [(p, patrol_photos(server, p)) for p in patrols_of(server, worker)]


@pytest.mark.parametrize("capture", [capture_hazard, capture_round], ids=["hazard", "patrol"])
def test_a_retry_after_the_server_died_past_its_commit_is_a_duplicate(
    capture, page, sync_server, worker, crash_after_commit, tmp_path
):
    log_in(page, sync_server.url, worker)
    crash_after_commit()
    on_server = capture(page, sync_server, worker, tmp_path)  # online: sent at once

    # The server committed the record and exited before answering: the phone still has it,
    # and its photos, which the server asks for only in its answer.
    assert sync_server.process.wait(timeout=15) == 3
    [record] = outbox(page)
    kept = kept_photos(page, record)
    [(row_id, photos)] = on_server()
    assert photos == []

    [result] = resend_after_restart(page, sync_server)
    assert (result["id"], result["status"]) == (record["id"], "duplicate")
    wait_outbox_empty(page, timeout_ms=30_000)
    [(same_row, digests)] = on_server()
    assert same_row == row_id
    assert [stored_upload(sync_server, d) for d in digests] == kept
