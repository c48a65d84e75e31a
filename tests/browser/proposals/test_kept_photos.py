"""Without JavaScript the proposal form (an outbox form with it) posts to the server: refused
for another field, it shows the photo chosen with a ticked 保留 box, and the corrected form
saves the proposal with that photo, without choosing it again."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import photo_file


def test_a_refused_proposal_without_javascript_keeps_its_photo(live_server, browser, tmp_path):
    employee_no = f"KP{uuid.uuid4().hex[:6].upper()}"
    live_server.make_user(employee_no, name="保留照片")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, live_server.url, employee_no)
    page.goto(live_server.url + "/proposals/new")
    title = f"照明改造 {uuid.uuid4().hex[:6]}"
    page.fill("#title", title)
    page.fill("#share", "150")
    page.set_input_files("input[name=photos]", photo_file(tmp_path, "现场.jpg"))
    page.click("button[value=draft]")
    expect(page.locator("#share-errors")).to_contain_text("份额不能超过 100 %")
    kept = page.locator("#kept-photos input[name=kept_photos]")
    expect(kept).to_have_count(1)
    expect(kept).to_be_checked()
    expect(page.locator("#kept-photos")).to_contain_text("保留")
    page.fill("#share", "100")
    page.click("button[value=draft]")
    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    expect(page.locator("h1, h2").filter(has_text=title).first).to_be_visible()
    expect(page.locator("ul.photos img")).to_have_count(1)
    context.close()
