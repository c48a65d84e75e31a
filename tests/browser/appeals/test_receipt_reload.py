"""On a phone: pulling to refresh the receipt of an anonymous appeal shows the same code
again and sends nothing twice; once the member has noted it, it is gone from the phone."""

import re

from playwright.sync_api import expect

from tests.browser.appeals.conftest import raise_anonymously
from tests.browser.conftest import log_in
from tests.browser.test_field_kit import query

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
TITLE = "更衣室漏雨无人修"


def test_reloading_the_receipt_keeps_the_code_and_files_one_appeal(
    live_server, browser, browser_context_args
):
    url = live_server.url
    live_server.make_user("AP-R1", name="刷新者")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    try:
        log_in(page, url, "AP-R1")
        code = raise_anonymously(page, url, "living", TITLE, "更衣室屋顶漏雨两个月了。")
        assert CODE.fullmatch(code)

        page.reload()  # pull-to-refresh
        expect(page.locator("#receipt-code")).to_have_text(code)
        assert query(live_server, "SELECT COUNT(*) FROM appeals WHERE title = ?", TITLE) == [1]

        page.get_by_role("button", name="我已记下，用回执码查看进展").click()
        page.wait_for_url(url + "/appeals/follow")
        page.goto(url + "/appeals/receipt")
        expect(page.locator("#receipt-gone")).to_be_visible()
        assert code not in page.content()
    finally:
        context.close()
