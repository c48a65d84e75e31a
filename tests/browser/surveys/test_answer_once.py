"""On the phone, a survey is answered once: after sending (online, or kept on the phone
offline) the page says so instead of showing the form again, the list and the home card stop
asking; and a required question left empty is said at the question, in Chinese, before
anything is kept."""

import itertools
import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import open_for_offline, wait_outbox_empty
from tests.browser.test_shell import wait_until, wait_until_page_cached

_numbers = itertools.count(1)


def _member(browser, context_args, live_server):
    """A fresh member (the demo survey asks everyone) on a phone of their own, logged in."""
    live_server.flask("demo")
    employee_no, password = live_server.make_user(f"SQ{next(_numbers):04d}")
    page = browser.new_context(**context_args).new_page()
    log_in(page, live_server.url, employee_no, password)
    return page


def _survey_path(page, base) -> str:
    page.goto(base + "/surveys/")
    return page.get_by_role("link", name=re.compile("本期")).get_attribute("href")


def _answer(page):
    page.get_by_label("满意", exact=True).check()
    for question in page.locator("fieldset").filter(has=page.locator(".scale")).all():
        question.locator(".scale label", has_text="4").click()
    page.get_by_role("button", name="提交答卷").click()


def test_once_sent_the_page_says_it_is_answered_not_the_form_again(
    browser, browser_context_args, live_server
):
    page = _member(browser, browser_context_args, live_server)
    try:
        page.goto(live_server.url + _survey_path(page, live_server.url))
        _answer(page)
        wait_outbox_empty(page)
        expect(page.get_by_text("您已填写这份问卷，谢谢。")).to_be_visible()
        expect(page.get_by_role("button", name="提交答卷")).to_have_count(0)
    finally:
        page.context.close()


def test_kept_offline_it_is_not_asked_for_again_on_this_phone(
    browser, browser_context_args, live_server
):
    page = _member(browser, browser_context_args, live_server)
    base = live_server.url
    try:
        path = _survey_path(page, base)
        open_for_offline(page, live_server, path)
        wait_until_page_cached(page, "/")
        wait_until_page_cached(page, "/surveys/")
        page.goto(base + "/")
        expect(page.get_by_text("份问卷等您填写")).to_be_visible()
        page.context.set_offline(True)
        page.goto(base + path)
        _answer(page)
        wait_until(page, "async () => (await WHOutbox.list()).length === 1")
        expect(page.get_by_role("button", name="提交答卷")).to_be_hidden()
        expect(page.get_by_text("您的答卷已保存在本机，有网络时自动发送。")).to_be_visible()

        page.goto(base + path)  # the phone's copy, the answer still waiting
        expect(page.get_by_role("button", name="提交答卷")).to_be_hidden()
        page.goto(base + "/surveys/")
        survey = page.locator("li", has=page.get_by_role("link", name=re.compile("本期")))
        expect(survey).to_contain_text("已填写，待发送")
        expect(survey.get_by_text("截止")).to_be_hidden()
        page.goto(base + "/")
        expect(page.get_by_text("份问卷等您填写")).to_be_hidden()

        page.context.set_offline(False)
        wait_outbox_empty(page, timeout_ms=30_000)
        page.goto(base + path)
        expect(page.get_by_text("您已填写这份问卷，谢谢。")).to_be_visible()
    finally:
        page.context.close()


def test_a_required_question_left_empty_is_said_at_the_question_in_chinese(
    browser, browser_context_args, live_server
):
    page = _member(browser, browser_context_args, live_server)
    try:
        page.goto(live_server.url + _survey_path(page, live_server.url))
        first = page.locator("fieldset", has_text="您对职工之家建设的总体评价？")
        page.locator("fieldset", has_text="工会活动的丰富程度").locator(
            ".scale label", has_text="3"
        ).click()
        page.get_by_role("button", name="提交答卷").click()
        expect(first.locator(".errors")).to_have_text("第 1 题必须回答。")
        expect(
            page.locator("fieldset", has_text="职工诉求的办理效率").locator(".errors")
        ).to_have_text("第 3 题必须回答。")
        expect(
            page.locator("fieldset", has_text="工会活动的丰富程度").locator(".errors")
        ).to_be_hidden()
        assert page.evaluate("async () => (await WHOutbox.list()).length") == 0
        first.get_by_label("满意", exact=True).check()
        expect(first.locator(".errors")).to_be_hidden()
    finally:
        page.context.close()
