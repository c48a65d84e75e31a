"""On a phone: a member raises an anonymous appeal with a photo, keeps the receipt code shown
once, and follows the union's steps by typing that code; a wrong code is refused plainly."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.appeals.conftest import member_and_officer, raise_anonymously
from tests.browser.conftest import wait_for_service_worker
from tests.browser.sync.conftest import photo_file


def test_an_anonymous_appeal_followed_by_its_receipt_code(
    live_server, browser, browser_context_args, tmp_path
):
    url = live_server.url
    # The live server is shared: another test may have loaded the demo, whose appeals include
    # one with this title. The tag makes this appeal the one the officer opens.
    title = f"班长分配工作不公 {uuid.uuid4().hex[:6]}"
    member, officer = member_and_officer(live_server, browser, browser_context_args, "1")
    try:
        # From 我的 to the form, as a member finds it.
        member.goto(url + "/me")
        member.get_by_role("link", name="职工诉求 · 维权").click()
        member.get_by_role("link", name="提出诉求").click()
        expect(member.locator("input[name=title]")).to_be_visible()
        code = raise_anonymously(
            member,
            url,
            "treatment",
            title,
            "班长长期把重活分给同几个人，提意见后被扣绩效。",
            photo_file(tmp_path, "排班表.jpg"),
        )
        expect(member.locator("h1, .heading").first).to_contain_text("匿名诉求已提交")
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
        expect(member.get_by_text("点“我已记下”后，回执码就不再显示", exact=False)).to_be_visible()
        # The member's own list does not hold it: it is tied to no one.
        member.goto(url + "/appeals/")
        expect(member.locator("#no-appeals")).to_be_visible()

        # The rights officer acknowledges it, not knowing who raised it.
        officer.goto(url + "/appeals/?tab=all")
        officer.get_by_role("link", name=re.compile(re.escape(title))).click()
        expect(officer.locator("#appellant")).to_contain_text("匿名——工会不知道是谁")
        expect(officer.locator(".photos img")).to_have_count(1)
        officer.select_option("select[name=action]", value="acknowledge")
        officer.fill("textarea[name=note]", "已受理，会保护反映人。")
        officer.get_by_role("button", name="记录此步骤").click()
        expect(officer.locator("#appeal-status")).to_contain_text("已受理")

        # A wrong code is refused plainly.
        member.goto(url + "/appeals/")
        member.get_by_role("link", name="凭回执码查询匿名诉求").click()
        member.fill("input[name=code]", "2222-3333-4444")
        member.get_by_role("button", name="查看诉求").click()
        expect(member.locator(".alert-error")).to_contain_text("没有与此回执码对应的诉求")

        # The right one, typed as a person might (lower case, spaces), shows the step.
        member.fill("input[name=code]", code.lower().replace("-", " "))
        member.get_by_role("button", name="查看诉求").click()
        expect(member.locator("#appeal")).to_contain_text(title)
        expect(member.locator("#appeal-status")).to_contain_text("已受理")
        expect(member.locator("#timeline")).to_contain_text("已受理，会保护反映人。")
        expect(member.locator("#timeline")).not_to_contain_text("维权干事")
    finally:
        member.context.close()
        officer.context.close()


def test_an_anonymous_appeal_is_kept_nowhere_on_the_phones(
    live_server, browser, browser_context_args
):
    """The receipt page promises the code is kept nowhere once noted: the service worker's
    copies of pages for offline reading must not hold it, nor the officer's anonymous page."""
    url = live_server.url
    title = f"夜班补贴少发 {uuid.uuid4().hex[:6]}"
    member, officer = member_and_officer(live_server, browser, browser_context_args, "2")
    try:
        for page in (member, officer):
            wait_for_service_worker(page)
        code = raise_anonymously(member, url, "wages", title, "十一月夜班补贴少发两天。")
        member.reload()  # the receipt opened again, by the page's own address
        expect(member.locator("#receipt-code")).to_have_text(code)
        member.get_by_role("button", name="我已记下，返回诉求").click()

        officer.goto(url + "/appeals/?tab=all")
        officer.get_by_role("link", name=re.compile(re.escape(title))).click()
        expect(officer.locator("#appellant")).to_contain_text("匿名")
        anonymous_page = officer.url

        # No network: neither phone has a copy to show.
        for page, address in ((member, url + "/appeals/receipt"), (officer, anonymous_page)):
            page.context.set_offline(True)
            page.goto(address)
            expect(page.locator(".offline-card h2")).to_have_text("没有网络连接")  # i18n
            expect(page.locator("body")).not_to_contain_text(code)
            expect(page.locator("body")).not_to_contain_text(title)
    finally:
        member.context.close()
        officer.context.close()
