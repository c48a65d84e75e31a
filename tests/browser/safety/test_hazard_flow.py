"""On a phone: an inspector patrols and raises a hazard from a "no" answer with a photo; an
officer assigns it; the assignee rectifies with a photo; another officer verifies and closes.
Every step shows in the hazard's timeline and the dashboard counts the closing."""

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def _photo(colour: str) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "JPEG")
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _synced(page, kind: str):
    """The link of the record the outbox has just sent (it waits for the server's answer)."""
    link = page.locator(f"[data-outbox-pending={kind}] li[data-state=synced] a").first
    link.wait_for()
    return link


def _loaded(image) -> bool:
    """Whether the photo really loads (through the access-checked route); lazy images wait."""
    return image.evaluate(
        """img => img.complete && img.naturalWidth > 0 ? true : new Promise(done => {
             img.onload = () => done(img.naturalWidth > 0);
             img.onerror = () => done(false);
             img.loading = "eager";
           })"""
    )


class Phones:
    """Each person on their own phone: a fresh browser context, logged in."""

    def __init__(self, browser, context_args, base_url):
        self.browser, self.context_args, self.base_url = browser, context_args, base_url
        self.contexts = []

    def of(self, employee_no, password):
        context = self.browser.new_context(**self.context_args)
        self.contexts.append(context)
        page = context.new_page()
        log_in(page, self.base_url, employee_no, password)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def phones(browser, browser_context_args, live_server):
    phones = Phones(browser, browser_context_args, live_server.url)
    yield phones
    phones.close()


def _closed_this_month(page, base_url) -> int:
    page.goto(base_url + "/safety/dashboard")
    return int(page.locator("#stat-closed").inner_text())


@pytest.mark.heavy
def test_patrol_to_closed_hazard_on_a_phone(live_server, phones):
    base = live_server.url
    live_server.flask("demo")
    live_server.make_user("BH001", name="王维修", department="机加工车间/车工班")
    live_server.make_user("BH002", "safety_officer", name="周验收")

    # The inspector patrols the lathe bay and answers "no" to the first item.
    page = phones.of("I0001", "demo1234")
    page.goto(base + "/safety/patrols")
    page.select_option("select[name=area_id]", label="机加工车间 · 数控车床区")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_url(re.compile(r"/safety/patrols/\d+$"))
    patrol_url = page.url
    items = page.locator(".checklist-items > li")
    for index in range(items.count()):
        item = items.nth(index)
        item.locator("label", has_text="否" if index == 0 else "是").click()
        if index == 0:
            item.locator("input[name=note]").fill("1号车床防护罩缺失")
        item.get_by_role("button", name="保存").click()
        answered = "no" if index == 0 else "yes"
        page.locator(f".checklist-items > li.item-answered-{answered}").nth(
            0 if index == 0 else index - 1
        ).wait_for()
    page.locator(".raise-hazard").click()

    # The hazard form comes prefilled from the answer; a photo and the severity are added.
    page.wait_for_url(re.compile(r"/safety/hazards/new\?answer_id=\d+"))
    assert page.input_value("textarea[name=description]") == "1号车床防护罩缺失"
    page.select_option("select[name=category]", value="machinery")
    page.select_option("select[name=severity]", value="serious")
    page.set_input_files("input[name=photos]", files=[_photo("#aa2222")])
    page.get_by_role("button", name="上报", exact=True).click()
    # Outbox-first: saved on the phone, sent, and listed as synced with a link to the hazard.
    _synced(page, "hazard").click()
    page.wait_for_url(re.compile(r"/safety/hazards/\d+$"))
    hazard_url = page.url
    assert page.locator("#hazard-status").inner_text() == "已上报"
    assert _loaded(page.locator("section.card .photos img"))
    page.goto(patrol_url)
    page.get_by_role("button", name="完成巡查").click()
    page.wait_for_url(patrol_url)
    assert page.locator("#patrol-status").inner_text() == "已完成"

    # The officer assigns it.
    page = phones.of("S0001", "demo1234")
    page.goto(hazard_url)
    page.locator("#action-assign summary").click()
    page.select_option("#action-assign select[name=assignee_id]", label="王维修 · 车工班")
    page.fill("#action-assign input[name=due_on]", (date.today() + timedelta(days=7)).isoformat())
    page.locator("#action-assign button[type=submit]").click()
    page.wait_for_url(hazard_url)
    assert page.locator("#hazard-status").inner_text() == "已指派"

    # The assignee finds it under "my hazards", starts, and reports the work with a photo.
    page = phones.of("BH001", "secret123")
    page.goto(base + "/safety/hazards/mine")
    page.locator(".hazard-list a", has_text="防护罩").first.click()
    page.wait_for_url(hazard_url)
    page.locator("#action-start summary").click()
    page.locator("#action-start button[type=submit]").click()
    page.wait_for_url(hazard_url)
    page.locator("#action-rectify summary").click()
    page.fill("#action-rectify textarea[name=note]", "已加装防护罩")
    page.set_input_files("#action-rectify input[name=photos]", files=[_photo("#22aa22")])
    page.locator("#action-rectify button[type=submit]").click()
    # The page stays true on its own: once the follow-up is sent, the status moves on.
    expect(page.locator("#hazard-status")).to_have_text("待验收")
    _synced(page, "hazard_event").click()
    page.wait_for_url(re.compile(re.escape(hazard_url) + "#event-\\d+$"))
    page.reload()
    assert page.locator("#hazard-status").inner_text() == "待验收"

    # Someone other than the rectifier verifies and closes; the dashboard counts it.
    page = phones.of("BH002", "secret123")
    closed_before = _closed_this_month(page, base)
    page.goto(hazard_url)
    page.locator("#action-verify summary").click()
    page.locator("#action-verify button[type=submit]").click()
    expect(page.locator("#hazard-status")).to_have_text("已销号")
    _synced(page, "hazard_event").click()
    page.wait_for_url(re.compile(re.escape(hazard_url) + "#event-\\d+$"))
    page.reload()
    assert page.locator("#hazard-status").inner_text() == "已销号"
    timeline = page.locator("#timeline > li")
    steps = [timeline.nth(i).locator("strong").inner_text() for i in range(timeline.count())]
    assert steps == ["已上报", "已指派", "开始整改", "整改完成", "验收合格，已销号"]
    assert "王维修" in timeline.nth(1).inner_text()
    assert "已加装防护罩" in timeline.nth(3).inner_text()
    assert _loaded(timeline.nth(3).locator(".photos img"))
    assert _closed_this_month(page, base) == closed_before + 1
