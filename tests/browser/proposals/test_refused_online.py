"""Online, a proposal the server refuses comes back as a form posted the ordinary way does:
each error at its field, what was typed in place, nothing kept in the outbox and no outbox
correction; once corrected, the saved draft opens with its confirmation."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import outbox, rows


def test_a_proposal_refused_online_shows_its_errors_and_the_corrected_draft_opens(
    page, live_server
):
    live_server.flask("demo")
    title = f"工具定置{uuid.uuid4().hex[:6]}"
    log_in(page, live_server.url, "P0001", "demo1234")
    page.goto(live_server.url + "/proposals/new")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=current_state]", "工具随手放，找工具费时")
    page.fill("input[name=share]", "60")
    page.fill("input[name='coauthors[0][employee_no]']", "NOBODY9")  # no such person
    page.fill("input[name='coauthors[0][share]']", "40")
    page.get_by_role("button", name="提交").click()

    row = page.locator(".coauthor .field").first
    expect(row).to_contain_text("没有工号为“NOBODY9”的会员。")
    expect(page.locator("input[name='coauthors[0][employee_no]']")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("input[name=title]")).to_have_value(title)
    expect(page.locator("textarea[name=current_state]")).to_have_value("工具随手放，找工具费时")
    expect(page.locator("[data-outbox-edit]")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("修改待发送的记录")
    assert "#outbox-edit" not in page.url
    assert outbox(page) == []

    page.fill("input[name='coauthors[0][employee_no]']", "P0007")
    page.get_by_role("button", name="存草稿").click()
    page.wait_for_url(re.compile(r".*/proposals/\d+$"))
    expect(page.locator("#toast")).to_have_text("草稿已保存。")
    expect(page.locator("#proposal-status")).to_have_text("草稿")
    expect(page.locator("#proposers")).to_have_text("孙车工 60 %、褚车工 40 %")
    assert outbox(page) == []
    assert rows(live_server, "SELECT status FROM proposals WHERE title = ?", title) == [("draft",)]
