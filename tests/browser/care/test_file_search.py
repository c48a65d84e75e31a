"""The care files' search reacts to text however it arrives: a Chinese input method, a paste
or voice input put it in without a key press, and the list filtered only on the next key."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import rows


def test_a_name_put_in_without_a_key_press_filters_the_files(page, live_server):
    live_server.flask("demo")
    [(name,)] = rows(
        live_server,
        "SELECT u.name FROM care_files f JOIN users u ON u.id = f.worker_id "
        "WHERE f.status = 'active' ORDER BY f.id LIMIT 1",
    )
    [(total,)] = rows(live_server, "SELECT COUNT(*) FROM care_files WHERE status = 'active'")
    assert total > 1
    log_in(page, live_server.url, "C0001", "demo1234")
    page.goto(live_server.url + "/care/files")
    expect(page.locator("#file-results")).to_contain_text(f"共 {total} 份档案")
    page.locator("#q").fill(name)  # an input event, no key
    expect(page.locator("#file-results")).to_contain_text("共 1 份档案")
    expect(page.locator("#file-results")).to_contain_text(name)
    assert f"q={name}" in page.url or "q=%" in page.url
