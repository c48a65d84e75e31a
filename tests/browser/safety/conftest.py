"""The round page's phone: demo areas and checklists, and one new inspector logged in once
per module (its tests run in order on it)."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_field_kit import READY


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.flask("demo")  # areas and checklists
    return live_server


@pytest.fixture(scope="module")
def phone(demo, browser, browser_context_args):
    """A fresh profile of a new inspector, logged in once, left until the kit is complete."""
    employee_no, password = demo.make_user(
        f"RH{uuid.uuid4().hex[:6].upper()}", "inspector", name="整轮巡检员"
    )
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, demo.url, employee_no, password)
    expect(page.locator("#kit-status")).to_contain_text(READY, timeout=90_000)
    page.close()
    yield context
    context.close()


def outbox(page) -> list[dict]:
    return page.evaluate("WHOutbox.list()")


def open_correction(page, server, record_id: str, at: str):
    """From the outbox, a refused record's 修改: the page `at` (a glob of its path), with the
    form the record was captured with open for correction. Returns that form."""
    page.goto(server.url + "/sync/outbox")
    row = page.locator(f"li[data-record-id='{record_id}']")
    expect(row).to_contain_text("需修改")
    row.get_by_role("link", name="修改").click()
    page.wait_for_url(f"**{at}#outbox-edit={record_id}")
    form = page.locator("form[data-outbox]", has=page.locator("[data-outbox-edit]"))
    expect(form.locator("[data-outbox-edit]")).to_contain_text("修改待发送的记录")
    return form
