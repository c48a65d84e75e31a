"""A hazard raised from a round's "no" (同时上报隐患), on a fresh phone offline from a cold
start: a title emptied is the one the page offered (不符合：…), not a refusal; a hazard the
server refuses for something else is corrected on the hazard form, offline, under its own
record id, and still points at its round's answer; the refusal names the field as the round
page did (标题), not by its key.

One logged-in inspector phone is shared by the tests of this module (they run in order).
"""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.safety.conftest import open_correction, outbox
from tests.browser.test_field_kit import SAVED, patrol_areas, query

OUTBOX = "/sync/outbox"
NEW_HAZARD = "/safety/hazards/new"
TOO_LONG = "灭火器压力表指针在红区" * 12  # 132 characters: the server takes at most 120


def round_with_a_hazard(
    page, server, title: str | None, note: str, round_note: str = ""
) -> tuple[dict, dict, str]:
    """On the round page of the first area: every item OK but the first, 否 with 同时上报隐患
    ticked, its title made `title` (None: set past the field's limit, as a script could), the
    severity 较大, the round's own note `round_note` (set as a script could); saved. Returns the
    round's record, the hazard's and the item's wording."""
    page.goto(f"{server.url}/safety/patrols/round/{patrol_areas(server)[0]}")
    page.get_by_role("button", name="其余各项全部正常").click()
    first = page.locator(".checklist-items > li").first
    first.locator("label", has_text="否").click()
    first.get_by_text("同时上报隐患").click()
    field = first.locator("[data-hazard-field=title]")
    if title is None:
        field.evaluate("(input, value) => { input.value = value; }", TOO_LONG)
    else:
        field.fill(title)
    first.locator("[data-hazard-field=severity]").select_option("serious")
    first.locator("input[type=text][name$='[note]']").fill(note)
    page.locator("textarea[name=note]").evaluate(
        "(area, value) => { area.value = value; }", round_note
    )
    page.get_by_role("button", name="保存本轮巡查").click()
    expect(page.locator("#toast")).to_contain_text(SAVED)
    wait_until(page, "async () => (await WHOutbox.list()).length === 2")
    patrol, hazard = outbox(page)
    assert patrol["kind"] == "patrol" and hazard["kind"] == "hazard"
    return patrol, hazard, first.locator(".answer-choices").get_attribute("aria-label")


def stored_hazard(server, record_id: str) -> tuple:
    """(title, description, the round's record id, the item of the answer it was raised from)
    of the hazard the record became."""
    [row] = query(
        server,
        "SELECT h.title, h.description, p.client_id, a.item_id FROM hazards h "
        "JOIN patrols p ON p.id = h.patrol_id JOIN patrol_answers a ON a.id = h.patrol_answer_id "
        "WHERE h.client_id = ?",
        record_id,
    )
    return row


def refused(page, record_id: str) -> dict:
    """Back online, the round went in and the hazard came back refused: its record."""
    wait_until(
        page,
        """async (id) => (await WHOutbox.list()).map((r) => `${r.id} ${r.state}`).join()
             === `${id} invalid`""",
        record_id,
        timeout_ms=15_000,
    )
    [record] = outbox(page)
    return record


def test_a_round_s_hazard_with_its_title_emptied_arrives_as_what_was_not_met(phone, demo):
    phone.set_offline(True)
    page = phone.new_page()  # a cold start: a new page, offline
    try:
        patrol, hazard, wording = round_with_a_hazard(page, demo, "   ", "灭火器压力不足")
        assert hazard["data"]["title"] == "   "  # sent as typed: the server decides
        # The outbox names it by what it will be called.
        assert hazard["label"] == f"不符合：{wording}"  # i18n
        page.goto(demo.url + OUTBOX)
        expect(page.locator(f"li[data-record-id='{hazard['id']}'] .row-title")).to_contain_text(
            f"不符合：{wording}"
        )
    finally:
        phone.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    title, description, round_id, item_id = stored_hazard(demo, hazard["id"])
    assert title == f"不符合：{wording}"  # i18n
    assert description == "灭火器压力不足"
    assert round_id == patrol["id"]
    assert str(item_id) == hazard["data"]["item_id"]
    page.close()


def correct_from_outbox(page, server, record: dict, note: str) -> None:
    """Offline, from a cold start: the outbox's 修改 opens the hazard form filled with the
    refused record and its error; a title that fits is saved back under the record's id."""
    form = open_correction(page, server, record["id"], NEW_HAZARD)
    expect(form).to_have_id("hazard-form")
    title = form.locator("input[name=title]")
    expect(title).to_have_value(TOO_LONG)
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(form.locator("textarea[name=description]")).to_have_value(note)
    expect(form.locator("select[name=severity]")).to_have_value("serious")
    expect(form.locator("select[name=area_id]")).to_have_value(str(record["data"]["area_id"]))
    title.fill("灭火器压力表指针在红区")
    form.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_url(server.url + OUTBOX)
    [corrected] = outbox(page)
    assert corrected["id"] == record["id"] and corrected["state"] == "pending"
    assert corrected["captured_at"] == record["captured_at"]
    assert corrected["data"]["patrol_id"] == record["data"]["patrol_id"]
    assert corrected["data"]["item_id"] == record["data"]["item_id"]


def test_a_refused_round_hazard_is_corrected_offline_on_the_hazard_form(phone, demo):
    note = f"{uuid.uuid4().hex[:6]} 压力表"
    phone.set_offline(True)
    page = phone.new_page()
    try:
        patrol, hazard, _wording = round_with_a_hazard(page, demo, None, note)
    finally:
        phone.set_offline(False)
    record = refused(page, hazard["id"])
    # The refusal names the field as the round page does.
    assert record["labels"]["title"] == "标题"
    [message] = record["errors"]["title"]
    page.goto(demo.url + OUTBOX)
    errors = page.locator(f"li[data-record-id='{hazard['id']}'] .errors")
    expect(errors).to_have_text(f"标题：{message}")
    page.close()

    phone.set_offline(True)
    page = phone.new_page()  # corrected on the floor, from a cold start
    try:
        correct_from_outbox(page, demo, record, note)
    finally:
        phone.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    title, description, round_id, item_id = stored_hazard(demo, hazard["id"])
    assert (title, description) == ("灭火器压力表指针在红区", note)
    assert round_id == patrol["id"]  # the same round: no second patrol
    assert str(item_id) == hazard["data"]["item_id"]
    page.close()


def test_a_round_hazard_kept_before_it_named_its_form_is_corrected_there_too(phone, demo):
    """A record an older version kept says the round page is its form, and names no field:
    the round page sends it on to the hazard form, where it is corrected as any other."""
    note = f"{uuid.uuid4().hex[:6]} 安全出口"
    phone.set_offline(True)
    page = phone.new_page()
    try:
        _patrol, hazard, _wording = round_with_a_hazard(page, demo, None, note)
        round_page = page.evaluate("location.pathname")
        page.evaluate(
            "([id, url]) => WHOutbox.update(id, { form_url: url, labels: {} })",
            [hazard["id"], round_page],
        )
    finally:
        phone.set_offline(False)
    record = refused(page, hazard["id"])
    assert record["form_url"] == round_page
    page.close()

    phone.set_offline(True)
    page = phone.new_page()
    try:
        correct_from_outbox(page, demo, record, note)
        assert outbox(page)[0]["form_url"] == NEW_HAZARD  # straight there next time
    finally:
        phone.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    assert stored_hazard(demo, hazard["id"])[:2] == ("灭火器压力表指针在红区", note)
    page.close()


def test_a_refused_round_s_hazard_waits_for_it_and_goes_once_it_is_corrected(phone, demo):
    """The round refused, its hazard is not sent to be refused for want of it: it waits, saying
    so, and goes by itself after the round's correction, once, pointing at the round's answer."""
    note = f"{uuid.uuid4().hex[:6]} 压力不足"
    phone.set_offline(True)
    page = phone.new_page()
    try:
        patrol, hazard, _wording = round_with_a_hazard(
            page, demo, "灭火器压力不足", note, round_note="消防通道畅通" * 400
        )
    finally:
        phone.set_offline(False)
    wait_until(
        page,
        """async ([round, hazard]) => (await WHOutbox.list())
             .map((r) => `${r.state} ${r.reason}`).join() === "invalid fix,pending round"
             && (await WHOutbox.get(hazard)).errors === null""",
        [patrol["id"], hazard["id"]],
        timeout_ms=15_000,
    )
    page.goto(demo.url + OUTBOX)
    row = page.locator(f"li[data-record-id='{hazard['id']}']")
    expect(row).to_contain_text("待发送")
    expect(row).to_contain_text("等所属巡查改好后发送")  # i18n
    expect(row.locator(".errors")).to_have_count(0)
    page.close()

    phone.set_offline(True)
    page = phone.new_page()
    try:
        form = open_correction(page, demo, patrol["id"], "/safety/patrols/round/*")
        form.locator("textarea[name=note]").fill("消防通道畅通")
        form.get_by_role("button", name="保存本轮巡查").click()
        page.wait_for_url(demo.url + OUTBOX)
    finally:
        phone.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    # One hazard, on the round's answer to its item.
    title, description, round_id, item_id = stored_hazard(demo, hazard["id"])
    assert (title, description) == ("灭火器压力不足", note)
    assert round_id == patrol["id"]
    assert str(item_id) == hazard["data"]["item_id"]
    assert len(query(demo, "SELECT id FROM patrols WHERE client_id = ?", patrol["id"])) == 1
    page.close()
