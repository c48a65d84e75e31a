"""On phones: a proposal written offline as a draft, sent in, recommended, scored, adopted,
implemented and awarded — its proposer reading each decision and its reason as it comes."""

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    open_for_offline,
    outbox,
    photo_file,
    rows,
    wait_outbox_empty,
)
from tests.browser.test_shell import wait_until


class Phones:
    def __init__(self, browser, context_args, base_url):
        self.browser, self.context_args, self.base_url = browser, context_args, base_url
        self.contexts = []

    def of(self, employee_no):
        context = self.browser.new_context(**self.context_args)
        self.contexts.append(context)
        page = context.new_page()
        log_in(page, self.base_url, employee_no, "demo1234")
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def _step(page, url, name, fields, button=None):
    """Fill a step's form on the proposal page and send it: the step waits for this person,
    so its form is open when they arrive."""
    page.goto(url)
    expect(page.locator(f"#action-{name}")).to_have_attribute("open", "")
    for selector, value in fields.items():
        target = page.locator(f"#action-{name} {selector}")
        if target.evaluate("e => e.tagName") == "SELECT":
            if value.startswith("~"):  # the option whose label starts so
                value = target.evaluate(
                    "(e, start) => [...e.options].find(o => o.text.startsWith(start)).value",
                    value[1:],
                )
            target.select_option(value)
        elif target.get_attribute("type") == "radio":
            target.check()
        else:
            target.fill(value)
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(url) + r"#timeline$"))


def _sees(page, url, status, *texts):
    page.goto(url)
    expect(page.locator("#proposal-status")).to_have_text(status)
    for text in texts:
        expect(page.locator("main, body").first).to_contain_text(text)


def test_a_proposal_from_an_offline_draft_to_its_award(
    browser, browser_context_args, live_server, tmp_path
):
    base = live_server.url
    live_server.flask("demo")
    phones = Phones(browser, browser_context_args, base)
    title = f"切削液再生{uuid.uuid4().hex[:6]}"
    try:
        # The proposer writes it on the floor, offline, with a co-proposer and a photo.
        mine = phones.of("P0001")
        open_for_offline(mine, live_server, "/proposals/new")
        mine.context.set_offline(True)
        mine.fill("input[name=title]", title)
        mine.select_option("select[name=category]", value="reuse")
        mine.fill("textarea[name=current_state]", "切削液三个月整桶报废")
        mine.fill("textarea[name=proposed_change]", "增设过滤再生装置")
        mine.fill("textarea[name=expected_effect]", "每年少买40桶切削液")
        mine.fill("input[name=share]", "60")
        mine.fill("input[name='coauthors[0][employee_no]']", "P0007")
        mine.fill("input[name='coauthors[0][share]']", "40")
        mine.set_input_files("input[name=photos]", photo_file(tmp_path, "现场.jpg"))
        mine.get_by_role("button", name="存草稿").click()
        # The phone says it keeps it; a network back before that would send it "at once",
        # and the form would then go to the proposal by itself (proposal-form.js).
        expect(mine.locator("#toast")).to_contain_text("已保存在本机")
        wait_until(mine, "async () => (await WHOutbox.list()).length === 1")
        [record] = outbox(mine)
        assert record["kind"] == "proposal" and record["data"]["action"] == "draft"
        assert record["data"]["coauthors"][0] == {"employee_no": "P0007", "share": "40"}

        # Back online it arrives as a draft that only the proposer sees; it is sent in.
        mine.context.set_offline(False)
        wait_outbox_empty(mine, timeout_ms=30_000)
        link = mine.locator("[data-outbox-pending=proposal] li[data-state=synced] a").first
        link.click()
        mine.wait_for_url(re.compile(r"/proposals/\d+$"))
        url = mine.url
        expect(mine.locator("#proposal-status")).to_have_text("草稿")
        expect(mine.locator("#proposers")).to_have_text("孙车工 60 %、褚车工 40 %")
        expect(mine.locator(".photos img")).to_have_count(1)
        mine.get_by_role("button", name="提交").click()
        mine.wait_for_url(url)
        expect(mine.locator("#proposal-status")).to_have_text("待部门意见")

        # The workshop head recommends it; the proposer reads the opinion.
        head = phones.of("H0001")
        _step(
            head,
            url,
            "opinion",
            {"input[value=yes]": "", "textarea[name=note]": "车间推荐，可在全车间推广"},
        )
        _sees(mine, url, "评审中", "部门推荐", "车间推荐，可在全车间推广")

        # The committee scores and adopts, naming the head as owner.
        committee = phones.of("O0001")
        _step(
            committee,
            url,
            "score",
            {
                "input[name=technical]": "26",
                "input[name=economic]": "27",
                "input[name=scope]": "16",
                "input[name=practicality]": "18",
            },
        )
        _sees(mine, url, "评审中", "87 / 100")
        # The committee reads each reviewer's scores on a phone without scrolling sideways.
        committee.goto(url)
        reviews = committee.locator("#reviews")
        expect(reviews).to_contain_text("总分 87")
        assert reviews.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert reviews.evaluate("e => e.getBoundingClientRect().right <= innerWidth")
        due = (date.today() + timedelta(days=30)).isoformat()
        _step(
            committee,
            url,
            "decision",
            {
                "select[name=decision]": "adopt",
                "textarea[name=reason]": "投入小、见效快，同意采纳",
                "select[name=owner_id]": "~钱主任",
                "textarea[name=plan]": "设备科一个月内装好过滤装置",
                "input[name=due_on]": due,
            },
        )
        _sees(mine, url, "已采纳，实施中", "投入小、见效快，同意采纳", "钱主任", due)

        # The owner reports it done with the measured benefit and how it was computed.
        _step(
            head,
            url,
            "completion",
            {
                "input[name=benefit]": "48000",
                "textarea[name=benefit_method]": "对比实施前后三个月的采购台账",
            },
        )
        _sees(mine, url, "已实施", "48,000.00", "对比实施前后三个月的采购台账")

        # The award.
        _step(
            committee, url, "award", {"select[name=grade]": "second", "input[name=amount]": "2000"}
        )
        _sees(mine, url, "已获奖")
        expect(mine.locator("#award h2")).to_have_text("奖励")  # its own heading, not 实测效益
        expect(mine.locator("#award-grade")).to_have_text("二等奖")
        expect(mine.locator("#award-amount")).to_have_text("2,000.00")

        # Every step reached the proposer's inbox.
        mine.goto(base + "/notifications/")
        for words in ("已提交", "部门推荐了您的建议", "打分", "评审决定：采纳", "已实施", "获奖了"):
            expect(mine.locator("body")).to_contain_text(words)
    finally:
        phones.close()


def test_a_refused_proposal_corrected_in_the_outbox_arrives_sent_in(
    browser, browser_context_args, live_server
):
    from tests.browser.sync.test_outbox_edit import open_edit_from_outbox, wait_refused

    base = live_server.url
    live_server.flask("demo")
    phones = Phones(browser, browser_context_args, base)
    title = f"废料分拣{uuid.uuid4().hex[:6]}"
    try:
        mine = phones.of("P0001")
        open_for_offline(mine, live_server, "/proposals/new")
        mine.context.set_offline(True)
        mine.fill("input[name=title]", title)
        mine.select_option("select[name=category]", value="reuse")
        mine.fill("textarea[name=current_state]", "废铁屑与废铝屑混装")
        mine.fill("textarea[name=proposed_change]", "分两个料斗收集")
        mine.fill("textarea[name=expected_effect]", "废铝单独回收")
        mine.fill("input[name=share]", "60")
        mine.fill("input[name='coauthors[0][employee_no]']", "NOBODY9")  # no such person
        mine.fill("input[name='coauthors[0][share]']", "40")
        mine.get_by_role("button", name="提交").click()
        expect(mine.locator("#toast")).to_contain_text("已保存在本机")
        wait_until(mine, "async () => (await WHOutbox.list()).length === 1")
        [record] = outbox(mine)
        assert record["data"]["action"] == "submit"

        mine.context.set_offline(False)
        wait_refused(mine)
        mine.goto(base + "/sync/outbox")
        open_edit_from_outbox(mine, live_server, record["id"])
        # The refusal stands beside the row it is about, without the server's key, and the
        # row's inputs are as tall as the form's other inputs.
        # (The correction fills the form from the phone's store: it is waited for.)
        row = mine.locator(".coauthor .field").first
        expect(row).to_contain_text("共同建议人 1：没有工号为“NOBODY9”的会员。")
        expect(mine.locator("[data-outbox-edit]")).not_to_contain_text("coauthors")
        heights = mine.evaluate(
            """() => [document.querySelector("input[name='coauthors[0][share]']"),
                      document.querySelector("input[name=share]")]
                .map((input) => input.getBoundingClientRect().height)"""
        )
        assert heights[0] == heights[1] > 40
        mine.fill("input[name='coauthors[0][employee_no]']", "P0007")
        mine.get_by_role("button", name="提交").click()
        # Online, the correction is sent from its form: it lands on the proposal it became.
        mine.wait_for_url(re.compile(r".*/proposals/\d+$"))
        wait_outbox_empty(mine, timeout_ms=30_000)
        # One proposal, sent in as the button pressed said — not left a draft.
        assert rows(live_server, "SELECT status FROM proposals WHERE title = ?", title) == [
            ("submitted",)
        ]
    finally:
        phones.close()


def test_a_draft_saved_online_says_it_was_saved_not_sent(page, live_server):
    """存草稿 online: the toast says the draft is saved; 已发送 read as if it had been sent in."""
    live_server.make_user("PD-1", name="草稿人")
    log_in(page, live_server.url, "PD-1")
    page.goto(live_server.url + "/proposals/new")
    page.fill("input[name=title]", f"草稿{uuid.uuid4().hex[:6]}")
    page.get_by_role("button", name="存草稿").click()
    expect(page.locator("#toast")).to_contain_text("草稿已保存。")
    expect(page.locator("#toast")).not_to_contain_text("已发送")
