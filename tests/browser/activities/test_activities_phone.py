"""On a phone: sign-up, waitlist and promotion, check-in by typed code (a code shown twice is
kept once, offline too), training results and the qualification gate."""

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until

WHEN = "%Y-%m-%dT%H:%M"


def _phone(browser, browser_context_args, base_url, employee_no):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base_url, employee_no)
    return page


def _at_the_door(organizer, url, title, place, kind="event", starts_in=timedelta(hours=1)):
    """The new-activity form filled in for an activity starting within the hour (check-in
    opens 2 hours before the start), or `starts_in` from now, open for sign-up now: the caller
    adds what its kind asks and publishes."""
    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0)
    organizer.goto(url + "/activities/new")
    organizer.select_option("select[name=kind]", kind)
    organizer.fill("input[name=title]", title)
    organizer.fill("input[name=place]", place)
    for name, moment in [
        ("starts_at", now + starts_in),
        ("ends_at", now + starts_in + timedelta(hours=2)),
        ("signup_opens_at", now - timedelta(hours=1)),
        ("signup_closes_at", now + timedelta(minutes=30)),
        ("cancel_deadline", now + timedelta(minutes=30)),
    ]:
        organizer.fill(f"input[name={name}]", moment.strftime(WHEN))


def _publish(organizer) -> str:
    organizer.click("button[type=submit]")
    organizer.get_by_text("活动已发布").wait_for()
    return organizer.url


def _signed_up(member, activity_url) -> str:
    """The member signs up for the activity; returns the check-in code their page shows."""
    member.goto(activity_url)
    member.get_by_role("button", name="报名").click()
    member.get_by_text("您已报名成功").wait_for()
    return member.locator(".checkin-code").inner_text()


def test_sign_up_waitlist_promotion_check_in_results_and_gate(
    live_server, browser, browser_context_args
):
    url = live_server.url
    live_server.make_user("ACT-O1", "organizer", name="赵干事")
    live_server.make_user("ACT-M1", name="钱先到")
    live_server.make_user("ACT-M2", name="孙候补")

    # The organizer publishes a training with one place.
    organizer = _phone(browser, browser_context_args, url, "ACT-O1")
    _at_the_door(organizer, url, "叉车安全操作培训", "三号库房", kind="training")
    organizer.fill("input[name=capacity]", "1")
    organizer.fill("input[name=pass_mark]", "60")
    organizer.fill("input[name=qualification_name]", "叉车安全合格证")
    organizer.check("input[name=qualification_is_safety]")
    organizer.fill("input[name=qualification_months]", "12")
    activity_url = _publish(organizer)

    # The first member takes the place.
    first = _phone(browser, browser_context_args, url, "ACT-M1")
    first.goto(activity_url)
    first.get_by_role("button", name="报名").click()
    first.get_by_text("您已报名成功").wait_for()
    assert first.locator("img.checkin-qr").is_visible()

    # The second is waitlisted.
    second = _phone(browser, browser_context_args, url, "ACT-M2")
    second.goto(activity_url)
    second.get_by_role("button", name="加入候补").click()
    second.get_by_text("候补第 1 位").wait_for()

    # The first cancels; the second is promoted.
    first.get_by_role("button", name="取消报名").click()
    first.get_by_text("您已取消报名").wait_for()
    second.reload()
    second.get_by_text("您已报名成功").wait_for()
    code = second.locator(".checkin-code").inner_text()

    # The organizer checks the second in by the typed code; a code shown again is said to be
    # checked in already, and nothing new is kept.
    organizer.goto(activity_url + "/checkin")
    organizer.fill("input[name=code]", code)
    # Outbox-first: the check-in is kept on the phone, sent, and shown as synced, by name.
    organizer.get_by_role("button", name="签到", exact=True).click()
    pending = organizer.locator("[data-outbox-pending=checkin]")
    pending.locator("li[data-state=synced]", has_text="孙候补").wait_for()
    # The count follows at once, without a reload.
    expect(organizer.locator("#checkin-count")).to_contain_text("已签到 1 /")
    organizer.fill("input[name=code]", code)
    organizer.get_by_role("button", name="签到", exact=True).click()
    expect(organizer.locator("#toast")).to_have_text("孙候补 已签到过")
    assert organizer.evaluate("WHOutbox.list()") == []
    assert pending.locator("li").count() == 1
    organizer.reload()
    assert "已签到 1 /" in organizer.locator("#checkin-count").inner_text()

    # Results are recorded once the training has started: time passes (the start is moved
    # into the past in the database rather than waited for).
    with sqlite3.connect(live_server.root / "live.db") as conn:
        conn.execute(
            "UPDATE activities SET starts_at = datetime('now', '-5 minutes') WHERE title = ?",
            ("叉车安全操作培训",),
        )
    # Results: a pass gives the safety qualification.
    organizer.goto(activity_url + "/results")
    organizer.get_by_label("孙候补").fill("85")
    organizer.get_by_role("button", name="保存成绩").click()
    organizer.get_by_text("成绩已保存：1 人合格").wait_for()

    # The pass gave a qualification of the type the training named: it is on the list.
    organizer.goto(url + "/gate/types")
    organizer.get_by_role("link", name="叉车安全合格证").wait_for()

    second.goto(url + "/activities/history")
    second.get_by_text("叉车安全合格证").wait_for()
    # Everything fits a 360 px wide screen.
    assert organizer.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_code_shown_twice_at_a_door_without_network_is_kept_once(
    live_server, browser, browser_context_args
):
    url = live_server.url
    live_server.make_user("ACT-O2", "organizer", name="周干事")
    live_server.make_user("ACT-M3", name="吴师傅")
    organizer = _phone(browser, browser_context_args, url, "ACT-O2")
    _at_the_door(organizer, url, "消防演练", "一号厂房")
    activity_url = _publish(organizer)
    code = _signed_up(_phone(browser, browser_context_args, url, "ACT-M3"), activity_url)

    organizer.goto(activity_url + "/checkin")
    organizer.context.set_offline(True)
    try:
        # The first scan is kept on the phone, named; the second says so and keeps nothing.
        organizer.fill("input[name=code]", code)
        organizer.get_by_role("button", name="签到", exact=True).click()
        pending = organizer.locator("[data-outbox-pending=checkin]")
        pending.locator("li[data-state=pending]", has_text="吴师傅").wait_for()
        # The count has them at once, said as waiting to be sent.
        expect(organizer.locator("#checkin-count")).to_have_text(
            "已签到 1 / 1 人，其中 1 人尚未发送"
        )
        organizer.fill("input[name=code]", code.replace("-", "").lower())
        organizer.get_by_role("button", name="签到", exact=True).click()
        expect(organizer.locator("#toast")).to_have_text("吴师傅 已在本机签到过（尚未发送）")
        expect(organizer.locator("input[name=code]")).to_have_value("")
        kept = organizer.evaluate("WHOutbox.list()")
        assert [(r["kind"], r["label"], r["data"]["code"]) for r in kept] == [
            ("checkin", "吴师傅", code)
        ]
    finally:
        organizer.context.set_offline(False)
    # Back online, the one check-in is sent; nothing waits to be corrected.
    pending.locator("li[data-state=synced]", has_text="吴师傅").wait_for()
    expect(organizer.locator("#checkin-count")).to_have_text("已签到 1 / 1 人")
    assert organizer.evaluate("WHOutbox.list()") == []


def test_a_sign_up_made_online_reaches_the_phone_s_offline_copy_at_once(
    live_server, browser, browser_context_args
):
    """The field kit is checked at most every few minutes; a change the person made online
    must not leave the phone's copy of their activities in the state before it."""
    url = live_server.url
    live_server.make_user("ACT-O4", "organizer", name="钱干事")
    live_server.make_user("ACT-M4", name="吴职工")
    organizer = _phone(browser, browser_context_args, url, "ACT-O4")
    member = _phone(browser, browser_context_args, url, "ACT-M4")
    try:
        _at_the_door(organizer, url, "乒乓球友谊赛", "职工活动中心", starts_in=timedelta(days=2))
        activity_url = _publish(organizer)
        # The member's phone has its kit, made before the sign-up.
        expect(member.locator("#kit-status")).to_contain_text("已可离线使用", timeout=90_000)
        _signed_up(member, activity_url)  # in place (htmx): the page is not loaded again
        mine = url + "/activities/?tab=mine"
        wait_until(
            member,
            """async (url) => {
                const copy = await caches.match(url, { ignoreVary: true });
                return Boolean(copy) && (await copy.text()).includes("乒乓球友谊赛");
            }""",
            mine,
            timeout_ms=20_000,
        )
    finally:
        organizer.context.close()
        member.context.close()
