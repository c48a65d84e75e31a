"""At a door, on the organizer's phone: a mistyped code is said at once and the form is empty
for the next person, on the check-in page, with nothing kept; a repeat check-in says the
person had already checked in; and offline, a code before the check-in window opens is said
to be early by the phone's own clock, not kept to be refused after the person went in."""

import sqlite3
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.activities.test_activities_phone import (
    _at_the_door,
    _phone,
    _publish,
    _signed_up,
)
from tests.browser.conftest import wait_until
from tests.helpers import full_width

WRONG = "12-ZZZZZZ"
# i18n: offline, a code whose number is no one on the phone's list of the sign-ups
NOT_LISTED = (
    "本机保存的报名名单中没有这个签到码，可能是其他活动的签到码。"
    "刚报名或刚从候补转为报名的职工，请在联网后签到。"
)


def _activity(organizer, url, title, starts_in: timedelta) -> str:
    _at_the_door(organizer, url, title, "工会活动室", starts_in=starts_in)
    return _publish(organizer)


def _code_of(browser, browser_context_args, url, employee_no, activity_url) -> str:
    member = _phone(browser, browser_context_args, url, employee_no)
    code = _signed_up(member, activity_url)
    member.context.close()
    return code


def _door_and_codes(
    live_server, browser, browser_context_args, organizer, members, title, starts_in
):
    """The phone of `organizer` (employee no, name) at the door of a new activity `title`,
    starting in `starts_in`, its url, and the check-in codes of `members` (employee no, name),
    who signed up for it."""
    url = live_server.url
    live_server.make_user(organizer[0], "organizer", name=organizer[1])
    for employee_no, name in members:
        live_server.make_user(employee_no, name=name)
    phone = _phone(browser, browser_context_args, url, organizer[0])
    activity_url = _activity(phone, url, title, starts_in)
    codes = [_code_of(browser, browser_context_args, url, no, activity_url) for no, _ in members]
    return phone, activity_url, codes


def _check_in(organizer, code: str) -> None:
    organizer.fill("input[name=code]", code)
    organizer.get_by_role("button", name="签到", exact=True).click()


def test_a_wrong_code_at_the_door_is_said_and_the_next_person_checks_in(
    live_server, browser, browser_context_args
):
    organizer, activity_url, (first, second) = _door_and_codes(
        live_server,
        browser,
        browser_context_args,
        ("DOOR-O1", "郑干事"),
        [("DOOR-M1", "刘职工"), ("DOOR-M2", "陈职工")],
        "职工趣味运动会",
        timedelta(hours=1),
    )
    checkin_url = activity_url + "/checkin"
    organizer.goto(checkin_url)
    form = organizer.locator("form[data-checkin-form]")
    code_field = form.locator(".field", has=organizer.locator("input[name=code]"))
    pending = organizer.locator("[data-outbox-pending=checkin]")

    # A mistyped code: its error at the field and in the toast, in Chinese; the field empty
    # for the next person; no correction of a kept record, nothing kept, still at check-in.
    _check_in(organizer, WRONG)
    expect(code_field).to_contain_text("签到码无效，请检查是否输错。")
    expect(organizer.locator("#toast")).to_have_text("签到码无效，请检查是否输错。")
    expect(organizer.locator("input[name=code]")).to_have_value("")
    expect(organizer.locator("[data-outbox-edit]")).to_have_count(0)
    assert organizer.url == checkin_url
    assert organizer.evaluate("WHOutbox.list()") == []

    # The next person's code is a check-in of its own: they are checked in, by name, and the
    # page stays at the door; the stale error is gone.
    _check_in(organizer, first)
    pending.locator("li[data-state=synced]", has_text="刘职工").wait_for()
    expect(organizer.locator("#toast")).to_have_text("刘职工 签到成功")
    expect(code_field).not_to_contain_text("签到码无效")
    expect(organizer.locator("#checkin-count")).to_contain_text("已签到 1 / 2")

    # Two wrong codes in a row: each said, neither kept, neither replaces a check-in.
    _check_in(organizer, "99-ZZZZZZ")
    expect(code_field).to_contain_text("签到码无效")
    _check_in(organizer, "not a code")
    expect(code_field).to_contain_text("这不是签到码。签到码形如 12-ABCDEF。")
    expect(code_field.locator("ul.errors li")).to_have_count(1)
    assert organizer.evaluate("WHOutbox.list()") == []

    _check_in(organizer, second)
    pending.locator("li[data-state=synced]", has_text="陈职工").wait_for()
    expect(organizer.locator("#checkin-count")).to_contain_text("已签到 2 / 2")
    assert organizer.url == checkin_url

    # A repeat says the person had already checked in, not that they are checked in now.
    _check_in(organizer, first)
    expect(organizer.locator("#toast")).to_have_text("刘职工 已签到过")
    assert organizer.url == checkin_url
    with sqlite3.connect(live_server.root / "live.db") as conn:
        checked = conn.execute(
            "SELECT u.name FROM participations p JOIN users u ON u.id = p.user_id "
            "JOIN activities a ON a.id = p.activity_id "
            "WHERE a.title = ? AND p.checked_in_at IS NOT NULL ORDER BY u.name",
            ("职工趣味运动会",),
        ).fetchall()
    assert sorted(name for (name,) in checked) == sorted(["刘职工", "陈职工"])


def test_offline_a_code_before_the_window_opens_is_said_to_be_early_and_not_kept(
    live_server, browser, browser_context_args
):
    organizer, activity_url, (code,) = _door_and_codes(
        live_server,
        browser,
        browser_context_args,
        ("DOOR-O2", "冯干事"),
        [("DOOR-M3", "褚职工")],
        "职工读书会",
        timedelta(days=2),
    )
    organizer.goto(activity_url + "/checkin")
    count = organizer.locator("#checkin-count").inner_text()
    organizer.context.set_offline(True)
    try:
        _check_in(organizer, code)
        toast = organizer.locator("#toast")
        expect(toast).to_contain_text("按本机时间")
        expect(toast).to_contain_text("签到尚未开始")
        expect(toast).to_contain_text("签到时间为活动开始前 2 小时至活动结束")
        expect(organizer.locator("input[name=code]")).to_have_value("")
        assert organizer.evaluate("WHOutbox.list()") == []
        assert organizer.locator("#checkin-count").inner_text() == count
    finally:
        organizer.context.set_offline(False)


def _other_letters(code: str) -> str:
    """The same number with letters that are not the code's: 34-ABCDEF → 34-BBCDEF."""
    number, letters = code.split("-")
    return f"{number}-{'B' if letters[0] == 'A' else 'A'}{letters[1:]}"


def test_a_checked_in_person_s_number_with_other_letters_is_said_to_be_invalid_offline_too(
    live_server, browser, browser_context_args
):
    """After 郑师傅 checked in, his number with wrong letters is not 郑师傅 已签到过: it is an
    invalid code, at once, online and offline (the page carries a digest of his code, which
    the phone compares), at the field and in the toast, and nothing is kept."""
    organizer, activity_url, (code,) = _door_and_codes(
        live_server,
        browser,
        browser_context_args,
        ("DOOR-O3", "卫干事"),
        [("DOOR-M4", "郑师傅")],
        "职工书画展",
        timedelta(hours=1),
    )
    checkin_url = activity_url + "/checkin"
    organizer.goto(checkin_url)
    code_field = organizer.locator(
        "form[data-checkin-form] .field", has=organizer.locator("input[name=code]")
    )
    toast = organizer.locator("#toast")
    _check_in(organizer, code)
    organizer.locator(
        "[data-outbox-pending=checkin] li[data-state=synced]", has_text="郑师傅"
    ).wait_for()
    expect(toast).to_have_text("郑师傅 签到成功")

    def wrong_then_right(wrong: str, right: str) -> None:
        _check_in(organizer, wrong)
        expect(toast).to_have_text("签到码无效，请检查是否输错。")
        expect(code_field.locator("ul.errors li")).to_have_text(["签到码无效，请检查是否输错。"])
        expect(organizer.locator("input[name=code]")).to_have_value("")
        assert organizer.evaluate("WHOutbox.list()") == []
        # His own code is still his: already in, and the stale error is gone.
        _check_in(organizer, right)
        expect(toast).to_have_text("郑师傅 已签到过")
        expect(code_field.locator("ul.errors")).to_have_count(0)

    wrong_then_right(_other_letters(code), code)
    # Typed in lower case, with a space: the phone reads a code as the server does.
    wrong_then_right(_other_letters(code).lower(), " " + code.lower())

    # Offline, from the phone's copy of the page (kept when it was opened after the check-in).
    organizer.goto(checkin_url)
    organizer.context.set_offline(True)
    try:
        organizer.reload()
        expect(organizer.locator("#offline-copy")).to_be_visible()
        wrong_then_right(_other_letters(code), code)
        # A Chinese keyboard's dash and full width: the phone reads it as the server does.
        wrong_then_right(_other_letters(code), full_width(code).replace("－", "——"))
    finally:
        organizer.context.set_offline(False)


def test_offline_what_is_no_code_of_this_activity_is_refused_at_once_and_not_kept(
    live_server, browser, browser_context_args
):
    """Offline, the phone says at once what it knows without the server: no code at all, and
    a code whose number is no one on this activity's list (another activity's). Neither is
    kept to be refused after the person went in. A code of someone on the list is kept; the
    count has each person once, never more in than signed up."""
    organizer, activity_url, (code,) = _door_and_codes(
        live_server,
        browser,
        browser_context_args,
        ("DOOR-O4", "蒋干事"),
        [("DOOR-M5", "沈师傅")],
        "职工合唱排练",
        timedelta(hours=1),
    )
    url = live_server.url
    live_server.make_user("DOOR-M6", name="韩师傅")
    other_url = _activity(organizer, url, "职工拔河赛", timedelta(hours=1))
    other = _code_of(browser, browser_context_args, url, "DOOR-M6", other_url)
    organizer.goto(activity_url + "/checkin")
    code_field = organizer.locator(
        "form[data-checkin-form] .field", has=organizer.locator("input[name=code]")
    )
    toast = organizer.locator("#toast")
    count = organizer.locator("#checkin-count")
    expect(count).to_have_text("已签到 0 / 1 人")
    organizer.context.set_offline(True)
    try:
        for wrong, said in [
            ("ZZ-ZZZZZZ", "这不是签到码。签到码形如 12-ABCDEF。"),
            (other, NOT_LISTED),
            # Full width and a Chinese dash: read as the server reads it, still a code.
            (full_width(other).replace("－", "——"), NOT_LISTED),
        ]:
            _check_in(organizer, wrong)
            expect(toast).to_have_text(said)
            expect(code_field.locator("ul.errors li")).to_have_text([said])
            expect(organizer.locator("input[name=code]")).to_have_value("")
            assert organizer.evaluate("WHOutbox.list()") == []
            expect(count).to_have_text("已签到 0 / 1 人")

        # His code is kept (its letters only the server can check), and so is his number
        # with other letters: he is counted once.
        _check_in(organizer, code)
        pending = organizer.locator("[data-outbox-pending=checkin]")
        pending.locator("li[data-state=pending]", has_text="沈师傅").wait_for()
        expect(code_field.locator("ul.errors")).to_have_count(0)
        _check_in(organizer, _other_letters(code))
        wait_until(organizer, "async () => (await WHOutbox.list()).length === 2")
        expect(count).to_have_text("已签到 1 / 1 人，其中 1 人尚未发送")
    finally:
        organizer.context.set_offline(False)
    pending.locator("li[data-state=synced]", has_text="沈师傅").wait_for()
    expect(count).to_have_text("已签到 1 / 1 人")
