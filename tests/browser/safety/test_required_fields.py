"""Offline on the inspector's forms, a required part left empty, or a text of spaces only, is
not kept to be refused after the sync, once the inspector has left the spot: the phone says so
at the field at once, in Chinese (not the browser's English bubble)."""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until
from tests.browser.sync.conftest import open_for_offline, open_round, outbox

REQUIRED = "该字段是必填字段。"


def inspector(page, server) -> None:
    server.flask("demo")  # areas and checklists
    employee_no = f"RQ{uuid.uuid4().hex[:6].upper()}"
    server.make_user(employee_no, "inspector", name="必填巡检员")
    log_in(page, server.url, employee_no)


def test_a_hazard_titled_with_spaces_is_not_kept_offline(page, live_server):
    inspector(page, live_server)
    open_for_offline(page, live_server, "/safety/hazards/new")
    page.context.set_offline(True)
    try:
        page.fill("input[name=title]", "   ")
        page.select_option("select[name=area_id]", index=1)
        page.select_option("select[name=category]", index=1)
        page.get_by_role("button", name="上报", exact=True).click()
        title = page.locator("input[name=title]")
        expect(page.locator(".field", has=title)).to_contain_text(REQUIRED)
        expect(title).to_be_focused()
        assert outbox(page) == []

        label = f"配电箱门未关{uuid.uuid4().hex[:4]}"
        page.fill("input[name=title]", label)
        page.get_by_role("button", name="上报", exact=True).click()
        wait_until(page, "async () => (await WHOutbox.list()).length === 1")
        assert outbox(page)[0]["label"] == label
    finally:
        page.context.set_offline(False)


def test_a_violation_and_a_round_left_unanswered_are_not_kept_offline(page, live_server):
    inspector(page, live_server)
    open_for_offline(page, live_server, "/safety/violations/new")
    path = open_round(page, live_server)
    open_for_offline(page, live_server, path)
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/safety/violations/new")
        page.select_option("select[name=area_id]", index=1)
        page.fill("input[name=rule]", "  ")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".field", has=page.locator("input[name=rule]"))).to_contain_text(
            REQUIRED
        )
        assert outbox(page) == []

        # The round: every item but the last answered; the last says so, the others do not.
        page.goto(live_server.url + path)
        items = page.locator(".checklist-items > li")
        for index in range(items.count() - 1):
            items.nth(index).locator("label", has_text="是").click()
        page.get_by_role("button", name="保存本轮巡查").click()
        expect(items.last).to_contain_text("请选择一项。")
        expect(page.locator(".checklist-items .has-errors")).to_have_count(1)
        assert outbox(page) == []
    finally:
        page.context.set_offline(False)
