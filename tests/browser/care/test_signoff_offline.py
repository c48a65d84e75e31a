"""A care officer hands over a campaign's gift with no network: the sign-off waits in the
outbox under the recipient's name, and once it syncs the page moves the recipient to the
signed list by itself, so there is no second 已领取，签收 button to press."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import outbox, rows, wait_outbox_empty
from tests.browser.test_shell import wait_for_service_worker, wait_until, wait_until_page_cached


def test_an_offline_sign_off_is_named_for_the_recipient_and_leaves_the_list_once_synced(
    page, live_server
):
    live_server.flask("demo")
    [(campaign_id, recipient_id, name, number, signed)] = rows(
        live_server,
        "SELECT r.campaign_id, r.id, u.name, u.employee_no, "
        "(SELECT COUNT(*) FROM care_campaign_recipients s "
        "WHERE s.campaign_id = r.campaign_id AND s.signed_at IS NOT NULL) "
        "FROM care_campaign_recipients r JOIN users u ON u.id = r.user_id "
        "JOIN care_campaigns c ON c.id = r.campaign_id "
        "WHERE r.signed_at IS NULL AND NOT c.closed ORDER BY r.id LIMIT 1",
    )
    path = f"/care/campaigns/{campaign_id}/signoff"
    log_in(page, live_server.url, "C0001", "demo1234")
    wait_for_service_worker(page)
    wait_until_page_cached(page, path)

    page.context.set_offline(True)
    page.goto(live_server.url + path)
    card = page.locator(f"#recipient-{recipient_id}")
    # The recipient writes the last 4 digits of their number; the outbox still says who.
    card.locator("input[name=confirmation]").fill(number[-4:])
    card.get_by_role("button").click()
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    [record] = outbox(page)
    assert record["kind"] == "care_signoff" and record["label"] == name

    page.context.set_offline(False)
    wait_outbox_empty(page, timeout_ms=30_000)
    # No reload: the synced record's part of the page is fetched again.
    expect(page.locator(f"#recipient-{recipient_id}")).to_have_count(0, timeout=15_000)
    expect(page.locator("#signoff-recipients details summary")).to_contain_text(
        f"已签收（{signed + 1}）"
    )
