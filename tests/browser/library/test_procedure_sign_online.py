"""On a phone with network: the worker signs the new version of a procedure (学习签名); the
record goes through the outbox, and as soon as it has synced the page shows the confirmation
in place of the prompt and the button — without a reload."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.library.conftest import TITLE
from tests.browser.test_field_kit import query

WORKER = "G0004"  # 周车工, 车工班: holds the gate's demo post 车工, whose procedure is this one


def test_the_signed_procedure_shows_the_confirmation_once_synced(
    demo, server_up, browser, browser_context_args
):
    [document_id] = query(demo, "SELECT id FROM library_documents WHERE title = ?", TITLE)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    try:
        log_in(page, demo.url, WORKER, "demo1234")
        page.goto(f"{demo.url}/library/documents/{document_id}")
        part = page.locator("#read-confirmation")
        expect(part).to_contain_text("请学习本版本")
        assert page.evaluate("() => (window.__notReloaded = true)")
        part.get_by_role("button", name="我已学习并将遵照执行").click()
        expect(page.locator("#confirmed")).to_be_visible(timeout=20_000)
        expect(page.locator("#read-confirmation")).not_to_contain_text("请学习本版本")
        expect(page.get_by_role("button", name="我已学习并将遵照执行")).to_have_count(0)
        assert page.evaluate("() => window.__notReloaded === true")  # the same page, no reload
    finally:
        context.close()
