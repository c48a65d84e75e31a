"""Offline capture in a real Chromium: nothing lost, nothing doubled."""

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    FORM,
    capture,
    image_size,
    kept_photo,
    notes,
    outbox,
    pending_rows,
    photo_file,
    resend_after_restart,
    sha256,
    stored_photos,
    synced_rows,
    wait_outbox_empty,
)
from tests.browser.test_shell import wait_until


def tag() -> str:
    return uuid.uuid4().hex[:8]


def assert_photos_arrived_intact(server, page_bytes: dict, record: dict):
    rows = stored_photos(server, record["id"])
    assert len(rows) == len(record["photos"])
    for (photo_id, path, received_at), ref in zip(rows, record["photos"], strict=True):
        assert photo_id == ref["id"].replace("-", "")
        assert received_at is not None
        stored = (server.root / "instance" / "uploads" / path).read_bytes()
        assert stored == page_bytes[ref["id"]], "the server's file differs from the page's copy"
        assert sha256(stored) == ref["sha256"]


def test_offline_capture_survives_a_reload_and_syncs_once(form_page, sync_server, tmp_path):
    page, t = form_page, tag()
    page.context.set_offline(True)
    capture(page, f"{t} 巡检：三项检查")
    capture(
        page,
        f"{t} 隐患：护栏松动",
        photos=[photo_file(tmp_path, "a.jpg"), photo_file(tmp_path, "b.jpg", (900, 1800))],
    )
    expect(pending_rows(page)).to_have_count(2)
    expect(page.locator("[data-outbox-count] .badge")).to_have_text("2")

    page.reload()  # offline: the worker serves the page, IndexedDB still has the records
    expect(pending_rows(page)).to_have_count(2)
    expect(pending_rows(page).first).to_contain_text("待发送")
    records = outbox(page)
    hazard = next(r for r in records if "隐患" in r["label"])
    page_bytes = {ref["id"]: kept_photo(page, ref["id"]) for ref in hazard["photos"]}
    assert sorted(image_size(b) for b in page_bytes.values()) == [(800, 1600), (1600, 800)]
    assert notes(sync_server, t) == []

    page.context.set_offline(False)
    wait_outbox_empty(page)
    expect(pending_rows(page)).to_have_count(0)
    expect(synced_rows(page)).to_have_count(2)
    expect(synced_rows(page).first).to_contain_text("已同步")
    link = synced_rows(page).first.locator("a").get_attribute("href")
    assert link.startswith("/sync/outbox#note-")
    texts = [row[1] for row in notes(sync_server, t)]
    assert texts == [f"{t} 巡检：三项检查", f"{t} 隐患：护栏松动"]
    assert_photos_arrived_intact(sync_server, page_bytes, hazard)


def test_server_down_counts_as_offline(form_page, sync_server, tmp_path):
    page, t = form_page, tag()
    sync_server.stop()  # the network is up (navigator.onLine stays true); the server is not
    capture(page, f"{t} 服务器停了", photos=[photo_file(tmp_path, "c.jpg")])
    page.wait_for_timeout(500)
    assert page.evaluate("navigator.onLine") is True
    page.reload()
    expect(pending_rows(page)).to_have_count(1)
    [record] = outbox(page)
    page_bytes = {ref["id"]: kept_photo(page, ref["id"]) for ref in record["photos"]}

    sync_server.start()
    page.reload()  # a page load flushes
    wait_outbox_empty(page)
    assert len(notes(sync_server, t)) == 1
    assert_photos_arrived_intact(sync_server, page_bytes, record)


def test_a_retry_after_the_server_died_past_its_commit_is_a_duplicate(
    form_page, sync_server, crash_after_commit
):
    page, t = form_page, tag()
    crash_after_commit()
    capture(page, f"{t} 提交后宕机")
    # The server committed the note and exited before answering: the phone still has it.
    assert sync_server.process.wait(timeout=15) == 3
    assert len(outbox(page)) == 1
    assert len(notes(sync_server, t)) == 1

    [result] = resend_after_restart(page, sync_server)
    assert result["status"] == "duplicate"
    wait_outbox_empty(page)
    assert len(notes(sync_server, t)) == 1


def test_an_invalid_record_stays_with_the_servers_message(form_page, sync_server):
    page, t = form_page, tag()
    page.context.set_offline(True)
    capture(page, f"{t} 第一条")
    capture(page, "")
    capture(page, f"{t} 第三条")
    page.context.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    [left] = outbox(page)
    assert left["state"] == "invalid"
    assert left["errors"] == {"text": ["Write the note."]}
    row = pending_rows(page)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("需修改")
    expect(row).to_contain_text("Write the note.")
    assert [r[1] for r in notes(sync_server, t)] == [f"{t} 第一条", f"{t} 第三条"]

    # The outbox page opens without a network, never visited: once the phone holds its copy
    # (taken in the background when the outbox first shows a record).
    wait_until(page, "async () => !!(await caches.match('/sync/outbox', {ignoreVary: true}))")
    page.context.set_offline(True)
    page.goto(sync_server.url + "/sync/outbox")
    expect(page.locator("h1")).to_have_text("待发送")
    listed = page.locator("[data-outbox-pending='*'] > li:not([data-state=synced])")
    expect(listed).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    listed.get_by_role("button", name="丢弃").click()
    expect(listed).to_have_count(0)
    expect(page.get_by_text("没有待发送的记录。")).to_be_visible()


def test_a_session_that_expired_offline_asks_to_log_in_then_flushes(
    form_page, sync_server, inspector
):
    page, t = form_page, tag()
    page.context.set_offline(True)
    capture(page, f"{t} 会话过期")
    page.context.clear_cookies()
    page.context.set_offline(False)
    banner = page.locator("[data-outbox-login]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("登录后即可同步 1 条记录。")
    assert len(outbox(page)) == 1
    assert notes(sync_server, t) == []

    log_in(page, sync_server.url, inspector[0])
    wait_outbox_empty(page)
    assert len(notes(sync_server, t)) == 1


@pytest.mark.heavy
def test_twenty_records_from_two_tabs_make_exactly_twenty_rows(form_page, sync_server):
    first, t = form_page, tag()
    second = first.context.new_page()
    second.goto(sync_server.url + FORM)
    first.context.set_offline(True)
    for i in range(10):
        capture(first, f"{t} 甲{i}")
        capture(second, f"{t} 乙{i}")
    assert len(outbox(first)) == 20
    first.context.set_offline(False)
    wait_outbox_empty(first, timeout_ms=30_000)
    wait_outbox_empty(second)
    assert len(notes(sync_server, t)) == 20
    second.close()


def test_a_follow_up_of_an_offline_record_syncs_after_it(form_page, sync_server):
    page, t = form_page, tag()
    page.context.set_offline(True)
    capture(page, f"{t} 隐患")
    [hazard] = outbox(page)
    capture(page, f"{t} 整改", parent=hazard["id"])
    page.context.set_offline(False)
    wait_outbox_empty(page)
    (hazard_row, _, _), (_, text, after) = notes(sync_server, t)
    assert text == f"{t} 整改"
    assert json.loads(after)["parent"] == hazard_row


def test_records_of_another_account_are_not_sent(form_page, sync_server):
    page, t = form_page, tag()
    page.context.set_offline(True)
    capture(page, f"{t} 甲的记录")
    page.context.set_offline(False)
    wait_outbox_empty(page)
    page.context.set_offline(True)
    capture(page, f"{t} 甲离线的记录")
    page.context.clear_cookies()
    page.context.set_offline(False)
    other = sync_server.make_user(f"SX{t}", "inspector")
    log_in(page, sync_server.url, other[0])
    page.goto(sync_server.url + "/sync/outbox")
    expect(page.locator("[data-outbox-others]")).to_contain_text("1 条记录是用其他账号采集的")
    page.get_by_role("button", name="立即同步").click()
    page.wait_for_timeout(1000)
    assert len(outbox(page)) == 1
    assert len(notes(sync_server, t)) == 1


def test_the_worker_sends_the_outbox_when_no_page_is_open(form_page, sync_server):
    page, t = form_page, tag()
    page.context.grant_permissions(["notifications", "background-sync"])
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.context.set_offline(True)
    capture(page, f"{t} 后台同步")
    page.goto("about:blank")  # no page of the app is left to flush
    page.context.set_offline(False)
    wait_until(page, "async () => true")
    [registration] = [r for r in registrations if r["scopeURL"] == sync_server.url + "/"][:1]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": sync_server.url,
            "registrationId": registration["registrationId"],
            "tag": "outbox",
            "lastChance": False,
        },
    )
    for _ in range(100):
        if notes(sync_server, t):
            break
        page.wait_for_timeout(100)
    assert len(notes(sync_server, t)) == 1


def test_a_retry_of_a_refused_record_says_what_came_of_it_and_when(form_page, sync_server):
    page = form_page
    page.context.set_offline(True)
    capture(page, "")
    page.context.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list())[0]?.state === 'invalid'")
    page.goto(sync_server.url + "/sync/outbox")
    [record] = outbox(page)
    # Tried long ago: the row says so.
    page.evaluate("id => WHOutbox.update(id, {last_try: '2026-01-01T00:00:00Z'})", record["id"])
    page.reload()
    row = page.locator("[data-outbox-pending='*'] > li:not([data-state=synced])")
    expect(row.locator("[data-outbox-why]")).to_contain_text("上次尝试")
    before = row.locator("[data-outbox-why]").inner_text()
    # When it was captured, written as the app's pages write a time.
    captured = row.locator(".row-meta").first.inner_text()
    assert re.search(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", captured), captured

    row.get_by_role("button", name="重试").click()
    # Refused again: the person is told at once, and the row shows the new try.
    expect(page.locator("#toast")).to_contain_text("条记录需要修改")
    wait_until(page, "async () => (await WHOutbox.list())[0].last_try > '2026-01-02'")
    [again] = outbox(page)
    assert again["state"] == "invalid" and again["attempts"] == record["attempts"] + 1
    expect(row.locator("[data-outbox-why]")).not_to_have_text(before)
