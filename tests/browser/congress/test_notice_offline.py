"""厂务公开 on the floor: a notice opened from the phone's copy, with no network, still leaves
its read receipt — through the outbox, once, when the phone is back."""

import re
import sqlite3

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until

READY = "已可离线使用"  # i18n


def query(server, sql, *args) -> list:
    with sqlite3.connect(server.root / "live.db") as conn:
        return [row[0] for row in conn.execute(sql, args).fetchall()]


def test_a_notice_read_offline_counts_once_it_syncs(live_server, browser, browser_context_args):
    url = live_server.url
    live_server.make_user("NR-O1", "organizer", name="赵干事")
    live_server.make_user("NR-M1", name="钱工")

    context = browser.new_context(**browser_context_args)
    organizer = context.new_page()
    log_in(organizer, url, "NR-O1")
    organizer.goto(url + "/congress/notices/new")
    organizer.fill("input[name=title]", "食堂承包招标结果公示")
    organizer.fill("textarea[name=body]", "经职工代表评议，确定新的承包方。")
    organizer.get_by_role("button", name="发布").click()
    organizer.wait_for_url(re.compile(r".*/congress/notices/\d+$"))
    notice_id = int(organizer.url.rsplit("/", 1)[1])
    context.close()

    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, url, "NR-M1")
    expect(page.locator("#kit-status")).to_contain_text(READY, timeout=90_000)
    member_id = query(live_server, "SELECT id FROM users WHERE employee_no = 'NR-M1'")[0]
    reads = "SELECT count(*) FROM congress_notice_reads WHERE notice_id = ? AND user_id = ?"
    assert query(live_server, reads, notice_id, member_id) == [0]  # the kit's copy is no reading

    context.set_offline(True)
    page.goto(url + f"/congress/notices/{notice_id}")
    expect(page.get_by_role("heading", name="食堂承包招标结果公示")).to_be_visible()
    expect(page.locator("#offline-copy")).to_be_visible()
    wait_until(page, "() => Object.keys(localStorage).some((k) => k.startsWith('receipt:'))")
    page.reload()  # read again offline: still one receipt waiting
    expect(page.get_by_role("heading", name="食堂承包招标结果公示")).to_be_visible()
    assert query(live_server, reads, notice_id, member_id) == [0]

    context.set_offline(False)  # the page's outbox sends what waits as the network returns
    for _ in range(200):
        if query(live_server, reads, notice_id, member_id) == [1]:
            break
        page.wait_for_timeout(100)
    assert query(live_server, reads, notice_id, member_id) == [1]
    page.goto(url + f"/congress/notices/{notice_id}")  # read again online: still one
    # this member, once; the publisher's own look at it is no reading
    expect(page.get_by_text("已读 1 人")).to_be_visible()
    assert query(live_server, reads, notice_id, member_id) == [1]
    kinds = "SELECT count(*) FROM sync_records WHERE kind = 'notice_read' AND user_id = ?"
    assert query(live_server, kinds, member_id) == [1]
    context.close()
