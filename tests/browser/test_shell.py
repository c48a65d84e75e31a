def test_login_on_phone(live_server, page):
    from tests.browser.conftest import log_in

    live_server.make_user("B0001", name="测试员")
    log_in(page, live_server.url, "B0001")
    assert page.locator(".greeting-name").inner_text().endswith("测试员")
