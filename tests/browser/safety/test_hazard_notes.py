"""Offline on a hazard's page, a follow-up whose note is required (rectified, comment,
reject) is not kept with the note empty, or of spaces only, to be refused after the sync when
the hazard has moved on: the phone says so at the field at once, in Chinese."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until
from tests.browser.sync.conftest import open_for_offline, outbox, wait_outbox_empty


def test_an_empty_required_note_is_refused_at_once_offline(page, live_server):
    live_server.flask("demo")  # areas
    employee_no = f"HN{uuid.uuid4().hex[:6].upper()}"
    live_server.make_user(employee_no, "safety_officer", name="备注安全员")
    log_in(page, live_server.url, employee_no)
    page.goto(live_server.url + "/safety/hazards/new")
    page.fill("input[name=title]", f"消防通道堆物{uuid.uuid4().hex[:4]}")
    page.select_option("select[name=area_id]", index=1)
    page.select_option("select[name=category]", index=1)
    page.get_by_role("button", name="上报", exact=True).click()
    page.locator("[data-outbox-pending=hazard] li[data-state=synced] a").first.click()
    page.wait_for_url(re.compile(r".*/safety/hazards/\d+$"))
    open_for_offline(page, live_server, page.url.removeprefix(live_server.url))

    page.context.set_offline(True)
    try:
        for action, button, note in [("comment", "添加备注", ""), ("reject", "驳回", "   ")]:
            form = page.locator(f"#action-{action}")
            form.locator("summary").click()
            form.locator("textarea[name=note]").fill(note)
            form.get_by_role("button", name=button).click()
            field = form.locator(".field", has=page.locator("textarea[name=note]"))
            expect(field).to_contain_text("该字段是必填字段。")
            expect(form.locator("textarea[name=note]")).to_be_focused()
            expect(form.locator("textarea[name=note]")).to_have_attribute("aria-invalid", "true")
            assert outbox(page) == []

        # Written, the note is kept, and the field no longer says it is missing.
        form = page.locator("#action-comment")
        form.locator("textarea[name=note]").fill("已通知车间清理")
        expect(form.locator(".field ul.errors")).to_be_hidden()
        form.get_by_role("button", name="添加备注").click()
        wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    finally:
        page.context.set_offline(False)
    wait_outbox_empty(page)
    expect(page.locator("#timeline")).to_contain_text("已通知车间清理")
