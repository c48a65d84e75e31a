"""Signing a procedure offline, once: after one log-in, from a cold start with the server
killed, the worker signs the new version (学习签名); the form gives way to "已签名，待发送" —
also on the page opened again from the kit, and the home card asking for it is gone — so a
second tap cannot queue a second signature. Back online, the one signature arrives."""

from playwright.sync_api import expect

from tests.browser.library.conftest import TITLE, assert_signed_once
from tests.browser.sync.conftest import outbox, wait_outbox_empty
from tests.browser.test_field_kit import assert_from_kit, query, ready_phone

WORKER = "G0001"  # 王叉车, 车工班: holds the gate's demo post 车工, as its other tests' workers
SIGN = "我已学习并将遵照执行"


def test_a_procedure_signed_offline_asks_for_no_second_signature(
    demo, server_up, browser, browser_context_args
):
    [(document_id, version_id)] = query(
        demo, "SELECT id, current_version_id FROM library_documents WHERE title = ?", TITLE
    )
    [worker_id] = query(demo, "SELECT id FROM users WHERE employee_no = ?", WORKER)
    context = ready_phone(browser, browser_context_args, demo, WORKER)  # one log-in
    try:
        context.grant_permissions(["notifications", "background-sync"])
        demo.stop()  # the server is gone: navigator.onLine still says true
        page = context.new_page()
        url = f"{demo.url}/library/documents/{document_id}"
        page.goto(url)
        assert_from_kit(page)
        part = page.locator("#read-confirmation")
        expect(part).to_contain_text("请学习本版本")
        expect(page.locator("#signed-here")).to_be_hidden()
        part.get_by_role("button", name=SIGN).click()
        expect(page.locator("#toast")).to_contain_text("已保存在本机")

        # Signed here: the prompt and its button give way; nothing more to tap.
        expect(page.locator("#signed-here")).to_be_visible()
        expect(page.locator("#signed-here")).to_contain_text("已签名，待发送")
        expect(part.get_by_role("button", name=SIGN)).to_be_hidden()
        [record] = outbox(page)
        assert record["kind"] == "procedure_read"
        assert record["data"]["version_id"] == str(version_id)

        # Opened again from the kit (the copy still holds the form): the same, from the outbox.
        page.goto(url)
        assert_from_kit(page)
        expect(page.locator("#signed-here")).to_be_visible()
        expect(part.get_by_role("button", name=SIGN)).to_be_hidden()
        # The home card that asked for it is gone on this phone.
        page.goto(demo.url + "/")
        assert_from_kit(page)
        card = page.locator("#home-cards .card", has_text="待学习确认的操作规程")
        expect(card).to_have_count(1)
        expect(card).to_be_hidden()
        assert len(outbox(page)) == 1

        demo.start()  # back: the one signature goes
        page.goto(url)
        wait_outbox_empty(page, timeout_ms=30_000)
        assert_signed_once(demo, worker_id, version_id)
        page.goto(url)
        expect(page.locator("#confirmed")).to_be_visible()
        expect(page.locator("#signed-here")).to_have_count(0)
    finally:
        context.close()
