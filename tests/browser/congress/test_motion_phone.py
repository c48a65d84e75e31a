"""On phones: a motion from draft to a rated answer — proposer, two co-signers, the
committee (an organizer), the department's contact — and the inbox entry each step sends."""

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import log_in


def _phone(browser, browser_context_args, base_url, employee_no):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, base_url, employee_no)
    return page


def _inbox_shows(page, base_url, words):
    page.goto(base_url + "/notifications/")
    page.get_by_text(words).first.wait_for()


@pytest.mark.heavy
def test_a_motion_from_draft_to_a_rated_answer(live_server, browser, browser_context_args):
    url = live_server.url
    live_server.make_user("CG-A1", "admin", name="王主席")
    live_server.make_user("CG-O1", "organizer", name="赵干事")
    for no, name in [
        ("CG-P1", "钱代表"),
        ("CG-C1", "孙代表"),
        ("CG-C2", "李代表"),
        ("CG-K1", "周主任"),
    ]:
        live_server.make_user(no, name=name)
    today = date.today()

    admin = _phone(browser, browser_context_args, url, "CG-A1")
    admin.goto(url + "/admin/departments")
    admin.fill("input[name=name]", "后勤保障部")
    admin.click("form.card button[type=submit]")
    admin.get_by_text("后勤保障部").first.wait_for()

    # The organizer sets up the session, its delegates and the department's contact.
    organizer = _phone(browser, browser_context_args, url, "CG-O1")
    organizer.goto(url + "/congress/sessions/new")
    organizer.fill("input[name=term_no]", "7")
    organizer.fill("input[name=session_no]", "1")
    organizer.fill("input[name=title]", "第七届职工代表大会第一次会议")
    organizer.fill("input[name=starts_on]", today.isoformat())
    organizer.fill("input[name=ends_on]", today.isoformat())
    organizer.fill("input[name=term_ends_on]", (today + timedelta(days=1000)).isoformat())
    organizer.click("button[type=submit]")
    organizer.wait_for_url(re.compile(r".*/congress/sessions/\d+$"))
    organizer.get_by_text("代表与部门联络人").click()
    for no in ("CG-P1", "CG-C1", "CG-C2"):
        organizer.fill("input[name=employee_no]", no)
        organizer.get_by_role("button", name="添加").first.click()
        organizer.locator("li", has_text=no).wait_for()
    organizer.fill("input[name=contact-employee_no]", "CG-K1")
    organizer.select_option("select[name=contact-department]", label="后勤保障部")
    organizer.get_by_role("button", name="添加").last.click()
    organizer.locator("li", has_text="CG-K1").wait_for()

    # The proposer drafts.
    proposer = _phone(browser, browser_context_args, url, "CG-P1")
    proposer.goto(url + "/me")
    proposer.get_by_text("民主管理").click()
    proposer.get_by_role("link", name="提出提案").click()
    proposer.fill("input[name=title]", "增设夜班职工热餐供应点")
    proposer.fill("textarea[name=reasons]", "夜班职工就餐不便。")
    proposer.fill("textarea[name=measures]", "在食堂增设夜间热餐窗口。")
    proposer.click("button[type=submit]")
    proposer.wait_for_url(re.compile(r".*/congress/motions/\d+$"))
    proposer.locator("article .tag", has_text="草稿").wait_for()
    motion_url = proposer.url
    proposer.get_by_role("button", name="提交提案委员会").click()
    proposer.get_by_text("提案须有 2 名代表附议后方可提交，目前只有 0 名。").first.wait_for()

    # Two delegates co-sign; the proposer hears of each.
    for no in ("CG-C1", "CG-C2"):
        cosigner = _phone(browser, browser_context_args, url, no)
        cosigner.goto(motion_url)
        cosigner.get_by_role("button", name="附议此提案").click()
        cosigner.get_by_text("您已附议此提案").first.wait_for()
        cosigner.context.close()
    _inbox_shows(proposer, url, "孙代表 附议了您的提案")
    _inbox_shows(proposer, url, "李代表 附议了您的提案")

    # Submitted: the committee is told.
    proposer.goto(motion_url)
    proposer.get_by_role("button", name="提交提案委员会").click()
    proposer.locator("article .tag", has_text="待审查").wait_for()
    _inbox_shows(organizer, url, "有新提案待审查：增设夜班职工热餐供应点")
    _inbox_shows(admin, url, "有新提案待审查：增设夜班职工热餐供应点")

    # The committee accepts it and hands it to the department.
    organizer.goto(motion_url)
    organizer.check("input[name=decision][value=accept]")
    organizer.select_option("select[name=lead_department]", label="后勤保障部")
    organizer.fill("input[name=deadline]", (today + timedelta(days=14)).isoformat())
    organizer.get_by_role("button", name="提交审查意见").click()
    organizer.locator("article .tag", has_text="办理中").wait_for()
    _inbox_shows(proposer, url, "您的提案已立案：增设夜班职工热餐供应点")

    # The department's contact answers.
    contact = _phone(browser, browser_context_args, url, "CG-K1")
    _inbox_shows(contact, url, "交由您部门办理的提案：增设夜班职工热餐供应点")
    contact.get_by_text("交由您部门办理的提案").first.click()
    contact.check("input[name=answer_class][value=B]")
    contact.fill("textarea[name=answer]", "已列入下月计划，食堂增设夜间窗口。")
    contact.get_by_role("button", name="提交答复").click()
    contact.locator("article .tag", has_text="已答复").wait_for()

    # The proposer rates it; the contact hears the rating.
    _inbox_shows(proposer, url, "您的提案已答复：增设夜班职工热餐供应点")
    proposer.goto(motion_url)
    proposer.check("input[name=rating][value=satisfied]")
    proposer.get_by_role("button", name="提交评价").click()
    proposer.locator("article .tag", has_text="已办结").wait_for()
    assert proposer.locator("article .tag").first.inner_text() == "已办结"
    assert "B 类 · 正在解决或列入计划" in proposer.locator("article").inner_text()
    _inbox_shows(contact, url, "您的答复获评：满意")

    # Every member sees it, and its state, in the public list.
    proposer.goto(url + "/congress/motions")
    row = proposer.locator("li", has_text="增设夜班职工热餐供应点")
    assert "已办结" in row.inner_text()
