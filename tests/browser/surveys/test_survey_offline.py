"""On phones: an organizer builds a named survey, members answer it in under a minute, one of
them offline on the floor; the answer waits on the phone, arrives once when the network is
back, and the results move."""

import re
import uuid
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import column, open_for_offline, wait_outbox_empty
from tests.browser.test_shell import wait_until


def _phone(browser, context_args, base, employee_no):
    context = browser.new_context(**context_args)
    page = context.new_page()
    log_in(page, base, employee_no, "demo1234")
    return page


def _answer(page, survey_url, overall, score):
    page.goto(survey_url)
    page.get_by_label(overall, exact=True).check()
    page.locator(".scale label", has_text=str(score)).click()
    page.get_by_role("button", name="提交答卷").click()


def test_a_member_answers_offline_it_syncs_once_and_the_results_move(
    browser, browser_context_args, live_server
):
    base = live_server.url
    live_server.flask("demo")
    title = f"班组满意度{uuid.uuid4().hex[:6]}"
    pages = []
    try:
        boss = _phone(browser, browser_context_args, base, "O0001")
        pages.append(boss)
        boss.goto(base + "/surveys/new")
        boss.fill("input[name=title]", title)
        boss.uncheck("input[name=anonymous]")
        now = datetime.now()
        boss.fill("input[name=opens_at]", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        boss.fill("input[name=closes_at]", (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
        boss.fill("input[name=min_responses]", "3")
        boss.fill("input[name=questions-0-text]", "总体满意吗？")
        boss.select_option("select[name=questions-0-kind]", "single")
        boss.check("input[name=questions-0-required]")
        boss.fill("textarea[name=questions-0-options]", "满意\n不满意")
        boss.fill("input[name=questions-1-text]", "食堂打几分？")
        boss.select_option("select[name=questions-1-kind]", "scale")
        boss.get_by_role("button", name="保存问卷").click()
        boss.wait_for_url(re.compile(r"/surveys/\d+$"))
        survey_url = boss.url
        survey_id = int(survey_url.rsplit("/", 1)[1])

        for employee_no in ("P0001", "P0002", "P0003"):
            member = _phone(browser, browser_context_args, base, employee_no)
            pages.append(member)
            _answer(member, survey_url, "满意", 4)
            wait_outbox_empty(member)  # outbox-first, online too: sent at once
            member.reload()
            expect(member.locator(".alert-success")).to_contain_text("您已填写这份问卷")

        boss.goto(f"{survey_url}/results")
        expect(boss.locator(".card").first).to_contain_text("3 份答卷")
        expect(boss.locator("[data-mean]")).to_have_text("4.0")

        # On the floor, offline: the page comes from the phone, the answer waits there.
        worker = _phone(browser, browser_context_args, base, "M0001")
        pages.append(worker)
        open_for_offline(worker, live_server, f"/surveys/{survey_id}")
        worker.context.set_offline(True)
        worker.goto(survey_url)
        _answer_offline = worker.get_by_label("不满意", exact=True)
        _answer_offline.check()
        worker.locator(".scale label", has_text="1").click()
        worker.get_by_role("button", name="提交答卷").click()
        wait_until(worker, "async () => (await WHOutbox.list()).length === 1")
        [record] = worker.evaluate("WHOutbox.list()")
        assert record["kind"] == "survey_response"
        assert len(record["data"]["salt"]) == 32  # the digest cannot be matched to answers
        boss.reload()
        expect(boss.locator(".card").first).to_contain_text("3 份答卷")

        # Back online it arrives once; the results move.
        worker.context.set_offline(False)
        wait_outbox_empty(worker, timeout_ms=30_000)
        assert column(
            live_server,
            "SELECT count(*) FROM sync_records JOIN users ON users.id = sync_records.user_id "
            "WHERE employee_no = 'M0001' AND kind = 'survey_response' AND target_id = ?",
            survey_id,
        ) == [1]
        assert column(
            live_server, "SELECT count(*) FROM survey_responses WHERE survey_id = ?", survey_id
        ) == [4]
        boss.reload()
        expect(boss.locator(".card").first).to_contain_text("4 份答卷")
        expect(boss.locator("[data-mean]")).to_have_text("3.25")
        expect(boss.locator("main, body").first).to_contain_text("25.0%")
        worker.goto(survey_url)
        expect(worker.locator(".alert-success")).to_contain_text("您已填写这份问卷")
    finally:
        for page in pages:
            page.context.close()


def test_a_question_shows_only_after_its_answer(browser, browser_context_args, live_server):
    live_server.flask("demo")
    page = _phone(browser, browser_context_args, live_server.url, "M0001")
    try:
        page.goto(live_server.url + "/surveys/")
        page.get_by_role("link", name=re.compile("本期")).click()
        why = page.locator("fieldset", has_text="您不满意的主要原因是？")
        expect(why).to_be_hidden()
        page.get_by_label("不满意", exact=True).check()
        expect(why).to_be_visible()
        page.get_by_label("满意", exact=True).check()
        expect(why).to_be_hidden()
    finally:
        page.context.close()
