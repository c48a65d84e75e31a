"""A field with a limit says how much room is left once it is nearly full, and says so when a
paste was cut at the limit (the browser cuts it without a word)."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_a_nearly_full_field_counts_down_and_a_cut_paste_is_said(live_server, browser):
    live_server.make_user("TL001", name="字数会员")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    log_in(page, live_server.url, "TL001")
    page.goto(live_server.url + "/appeals/new")
    subject = page.locator("input[name=title]")  # at most 120 characters
    room = page.locator("#title-room")

    subject.press_sequentially("宿舍热水" * 10)  # 40 of 120: nothing to say yet
    expect(room).to_have_count(0)

    subject.fill("")
    subject.press_sequentially("宿" * 100)
    expect(room).to_have_text("还可输入 20 字")
    expect(subject).to_have_attribute("aria-describedby", "title-room")

    subject.press_sequentially("舍" * 20)
    expect(room).to_have_text("已达 120 字的上限。")

    subject.fill("")
    page.evaluate("(text) => navigator.clipboard.writeText(text)", "热" * 150)
    subject.focus()
    page.keyboard.press("Control+V")
    expect(subject).to_have_value("热" * 120)
    expect(room).to_have_text("最多 120 字：粘贴内容的最后 30 字没有粘贴进来。")

    subject.fill("热" * 50)  # room again: the line goes
    expect(room).to_be_hidden()
    context.close()
