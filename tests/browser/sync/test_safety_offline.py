"""The real hazard form offline in Chromium: one hazard, its photos byte for byte, and a
follow-up captured offline for that same offline hazard, synced after it."""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    fill_hazard,
    fill_round,
    kept_photo,
    open_for_offline,
    open_round,
    outbox,
    photo_file,
    rows,
    sha256,
    two_photos,
    wait_outbox_empty,
)
from tests.browser.test_shell import wait_for_service_worker, wait_until, wait_until_page_cached

NEW = "/safety/hazards/new"


def test_a_hazard_with_two_photos_and_its_follow_up_captured_offline_sync_once_in_order(
    page, live_server, tmp_path
):
    live_server.flask("demo")  # areas and checklists
    employee_no = f"HZ{uuid.uuid4().hex[:6].upper()}"
    live_server.make_user(employee_no, "inspector", name="离线巡检员")
    title = f"{uuid.uuid4().hex[:8]} 护栏松动"
    log_in(page, live_server.url, employee_no)
    open_for_offline(page, live_server, NEW)

    page.context.set_offline(True)
    fill_hazard(page, title, two_photos(tmp_path))
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    [hazard] = outbox(page)
    assert hazard["kind"] == "hazard" and hazard["label"] == title and len(hazard["photos"]) == 2

    # A follow-up of that hazard, also offline. The hazard has no page yet (it is not on the
    # server), so the record is put in the outbox as the follow-up form would make it, naming
    # the hazard by its record's uuid.
    page.evaluate(
        """async (hazardId) => {
            await WHOutbox.add({
                id: crypto.randomUUID(), owner: document.body.dataset.userId,
                kind: "hazard_event", name: "评论", label: "已设置警示带",
                captured_at: new Date().toISOString(),
                data: {hazard_id: hazardId, action: "comment", note: "已设置警示带"},
                photos: [], state: "pending", errors: null, seq: Date.now() * 1000 + 999,
            }, []);
        }""",
        hazard["id"],
    )

    page.reload()  # offline: the worker serves the form, IndexedDB still has both records
    pending = page.locator("[data-outbox-pending=hazard] > li:not([data-state=synced])")
    expect(pending).to_have_count(1)
    # A pending row says what it is and that it waits; nothing more (no empty error list).
    expect(pending).to_contain_text(title)
    expect(pending.locator(".row-title")).to_contain_text("待发送")
    assert "null" not in pending.inner_text()
    expect(pending.locator(".errors")).to_have_count(0)
    records = outbox(page)
    assert [r["kind"] for r in records] == ["hazard", "hazard_event"]
    page_bytes = {ref["id"]: kept_photo(page, ref["id"]) for ref in hazard["photos"]}
    assert rows(live_server, "SELECT id FROM hazards WHERE title = ?", title) == []

    page.context.set_offline(False)
    wait_outbox_empty(page, timeout_ms=30_000)
    [(hazard_id, client_id)] = rows(
        live_server, "SELECT id, client_id FROM hazards WHERE title = ?", title
    )
    assert client_id.replace("-", "") == hazard["id"].replace("-", "")
    photos = rows(
        live_server, "SELECT sha256 FROM photos WHERE hazard_id = ? ORDER BY id", hazard_id
    )
    stored = [(live_server.root / "instance" / "uploads" / s[:2] / f"{s}.jpg") for (s,) in photos]
    assert [p.read_bytes() for p in stored] == [page_bytes[ref["id"]] for ref in hazard["photos"]]
    assert [s for (s,) in photos] == [sha256(page_bytes[ref["id"]]) for ref in hazard["photos"]]
    events = rows(
        live_server,
        "SELECT action, note FROM hazard_events WHERE hazard_id = ? ORDER BY id",
        hazard_id,
    )
    assert [a.lower() for a, _ in events] == ["report", "comment"]
    assert events[1][1] == "已设置警示带"


def test_a_whole_patrol_round_captured_offline_arrives_once_with_every_answer(
    page, live_server, tmp_path
):
    live_server.flask("demo")
    employee_no = f"PR{uuid.uuid4().hex[:6].upper()}"
    live_server.make_user(employee_no, "inspector", name="整轮巡检员")
    log_in(page, live_server.url, employee_no)
    round_path = open_round(page, live_server)
    wait_for_service_worker(page)
    wait_until_page_cached(page, round_path)

    page.context.set_offline(True)
    n = fill_round(page, photo_file(tmp_path, "p.jpg"))
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    page.reload()
    [patrol] = outbox(page)
    assert patrol["kind"] == "patrol" and len(patrol["data"]["answers"]) == n
    assert patrol["photos"][0]["item_id"] == patrol["data"]["answers"][0]["item_id"]
    kept = kept_photo(page, patrol["photos"][0]["id"])

    page.context.set_offline(False)
    wait_outbox_empty(page, timeout_ms=30_000)
    [(patrol_id, status)] = rows(
        live_server,
        "SELECT p.id, p.status FROM patrols p JOIN users u ON u.id = p.inspector_id "
        "WHERE u.employee_no = ?",
        employee_no,
    )
    assert status.lower() == "finished"
    answers = rows(
        live_server, "SELECT answer, note FROM patrol_answers WHERE patrol_id = ?", patrol_id
    )
    assert len(answers) == n and ("no", "灭火器过期") in [(a.lower(), b) for a, b in answers]
    [(digest,)] = rows(
        live_server,
        "SELECT ph.sha256 FROM photos ph JOIN patrol_answers a ON a.id = ph.patrol_answer_id "
        "WHERE a.patrol_id = ?",
        patrol_id,
    )
    assert (
        live_server.root / "instance" / "uploads" / digest[:2] / f"{digest}.jpg"
    ).read_bytes() == kept
