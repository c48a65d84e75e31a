"""A whole round the server refused (整轮巡查, one outbox record) is corrected on the round page
it was captured on, offline from a cold start: 修改 opens that page with every answer, the note
and the round's own start time filled in, although the page stamped a new start time when it
opened; saved, it is sent once under the same record id, as the round that was walked then.

One logged-in inspector phone is shared by the tests of this module (they run in order).
"""

import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.safety.conftest import open_correction, outbox
from tests.browser.test_field_kit import SAVED, patrol_areas, query

OUTBOX = "/sync/outbox"
TOO_LONG = "消防通道畅通" * 400  # 2,400 characters: the server takes at most 2,000


def round_url(server) -> str:
    return f"{server.url}/safety/patrols/round/{patrol_areas(server)[0]}"


def stored_patrols(server, record_id: str) -> list[tuple]:
    """(status, note, started_at as aware UTC) of each patrol the record became."""
    rows = query(
        server, "SELECT status, note, started_at FROM patrols WHERE client_id = ?", record_id
    )
    return [
        (status, note, datetime.fromisoformat(started).replace(tzinfo=UTC))
        for status, note, started in rows
    ]


def test_a_refused_round_is_corrected_offline_on_its_round_page(phone, demo):
    phone.set_offline(True)
    page = phone.new_page()  # a cold start: a new page, offline
    try:
        page.goto(round_url(demo))
        page.get_by_role("button", name="其余各项全部正常").click()
        # Past the field's limit, as a script (or an older page) could send it.
        page.locator("textarea[name=note]").evaluate(
            "(area, value) => { area.value = value; }", TOO_LONG
        )
        page.get_by_role("button", name="保存本轮巡查").click()
        expect(page.locator("#toast")).to_contain_text(SAVED)
        [record] = outbox(page)
        assert record["kind"] == "patrol"
        answers = record["data"]["answers"]
        assert answers and all(a["answer"] == "yes" for a in answers)
    finally:
        phone.set_offline(False)
    wait_until(
        page,
        "async (id) => (await WHOutbox.list()).map((r) => `${r.id} ${r.state}`).join()"
        " === `${id} invalid`",
        record["id"],
        timeout_ms=15_000,
    )
    assert list(outbox(page)[0]["errors"]) == ["note"]
    page.close()

    phone.set_offline(True)
    page = phone.new_page()  # corrected on the floor, from a cold start
    try:
        # The round's form, although the page stamped its own start time when it opened.
        form = open_correction(page, demo, record["id"], "/safety/patrols/round/*")
        expect(form).to_have_attribute("data-outbox", "patrol")
        items = form.locator(".checklist-items > li")
        expect(items).to_have_count(len(answers))
        for index in range(len(answers)):
            expect(items.nth(index).locator("input[value=yes]")).to_be_checked()
        note = form.locator("textarea[name=note]")
        expect(note).to_have_value(TOO_LONG)
        expect(note).to_have_attribute("aria-invalid", "true")
        started = form.locator("input[name=started_at]")
        expect(started).to_have_value(record["data"]["started_at"])
        note.fill("消防通道畅通")
        form.get_by_role("button", name="保存本轮巡查").click()
        page.wait_for_url(demo.url + OUTBOX)
        [corrected] = outbox(page)
        assert corrected["id"] == record["id"] and corrected["state"] == "pending"
        # The round walked then: its start and end as first saved, not the correction's.
        assert corrected["data"]["started_at"] == record["data"]["started_at"]
        assert corrected["data"]["finished_at"] == record["data"]["finished_at"]
        assert corrected["data"]["answers"] == answers
        assert corrected["data"]["note"] == "消防通道畅通"
    finally:
        phone.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    [(status, stored_note, started_at)] = stored_patrols(demo, record["id"])  # one round
    assert (status, stored_note) == ("finished", "消防通道畅通")
    assert started_at == datetime.fromisoformat(record["data"]["started_at"])
    page.close()


def test_a_round_refused_at_once_comes_back_with_the_time_it_was_opened(phone, demo):
    """Online and refused at once, the round comes back on its form with its errors, as a
    posted form would; sent again, it is still the round opened then, not when it came back."""
    page = phone.new_page()
    page.goto(round_url(demo))
    opened = page.locator("input[name=started_at]").input_value()
    assert opened
    page.get_by_role("button", name="其余各项全部正常").click()
    note = page.locator("textarea[name=note]")
    note.evaluate("(area, value) => { area.value = value; }", TOO_LONG)
    page.wait_for_timeout(50)  # a later clock
    page.get_by_role("button", name="保存本轮巡查").click()
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=started_at]")).to_have_value(opened)
    for choice in page.locator(".answer-choices").all():
        expect(choice.locator("input[value=yes]")).to_be_checked()
    mark = f"{uuid.uuid4().hex[:6]} 通道畅通"
    note.fill(mark)
    page.get_by_role("button", name="保存本轮巡查").click()
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    [started_at] = query(demo, "SELECT started_at FROM patrols WHERE note = ?", mark)
    assert datetime.fromisoformat(started_at).replace(tzinfo=UTC) == datetime.fromisoformat(opened)
    # The form is ready for the next round, opened now.
    assert page.locator("input[name=started_at]").input_value() > opened
    assert page.locator("input[name=finished_at]").input_value() == ""
    page.close()


def test_an_item_s_note_refused_is_said_at_that_item(phone, demo):
    """An item's note past the limit comes back at that item's note, not at the round's."""
    page = phone.new_page()
    page.goto(round_url(demo))
    page.get_by_role("button", name="其余各项全部正常").click()
    second = page.locator(".checklist-items > li").nth(1)
    item_note = second.locator("input[type=text][name$='[note]']")
    item_note.evaluate("(input, value) => { input.value = value; }", TOO_LONG)
    page.get_by_role("button", name="保存本轮巡查").click()
    expect(item_note).to_have_attribute("aria-invalid", "true")
    expect(second.locator(".errors")).to_have_count(1)
    expect(page.locator("textarea[name=note]")).not_to_have_attribute("aria-invalid", "true")
    mark = f"{uuid.uuid4().hex[:6]} 灭火器在位"
    item_note.fill(mark)
    page.get_by_role("button", name="保存本轮巡查").click()
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    assert len(query(demo, "SELECT id FROM patrol_answers WHERE note = ?", mark)) == 1
    page.close()
