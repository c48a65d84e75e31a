"""Correcting a record the server refused, in place: the form it came from opens filled with
it (offline too), shows the server's errors and the kept photos, and saving sends the same
record id again — one row on the server, the photos the person kept, byte for byte."""

import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    FORM,
    capture,
    fill_hazard,
    kept_photo,
    open_for_offline,
    open_round,
    outbox,
    rows,
    two_photos,
    wait_outbox_empty,
)
from tests.browser.test_shell import wait_until, wait_until_page_cached

NEW_HAZARD = "/safety/hazards/new"
OUTBOX = "/sync/outbox"


def sync_record(server, record_id: str) -> tuple[str, datetime]:
    """(status, captured_at) of the server's sync_records row for this record id (SQLite
    keeps the time as naive UTC)."""
    [(status, captured_at)] = rows(
        server,
        "SELECT status, captured_at FROM sync_records WHERE id = ?",
        record_id.replace("-", ""),
    )
    return status.lower(), datetime.fromisoformat(captured_at).replace(tzinfo=UTC)


def wait_refused(page):
    wait_until(
        page,
        """async () => (await WHOutbox.list()).some((r) => r.state === "invalid")""",
        timeout_ms=15_000,
    )


def refused_note(page) -> dict:
    """An empty note captured offline and refused by the server once the phone is back."""
    page.context.set_offline(True)
    capture(page, "")
    [refused] = outbox(page)
    page.context.set_offline(False)
    wait_refused(page)
    return refused


def open_edit_from_outbox(page, server, record_id: str):
    """Follow the "修改" link of the refused record on the outbox page."""
    row = page.locator(f"[data-outbox-pending='*'] > li[data-record-id='{record_id}']")
    expect(row).to_contain_text("需修改")
    row.get_by_role("link", name="修改").click()
    page.wait_for_url(f"**#outbox-edit={record_id}")


def test_a_refused_note_is_corrected_and_sent_again_under_its_id(form_page, sync_server):
    page, t = form_page, uuid.uuid4().hex[:8]
    page.context.set_offline(True)
    capture(page, "")
    [refused] = outbox(page)
    assert refused["form_url"] == FORM
    page.context.set_offline(False)
    wait_refused(page)
    assert sync_record(sync_server, refused["id"])[0] == "invalid"

    page.goto(sync_server.url + OUTBOX)
    open_edit_from_outbox(page, sync_server, refused["id"])
    form = page.locator("form[data-outbox=note]")
    expect(form.locator("[data-outbox-edit]")).to_contain_text("修改待发送的记录")
    text = form.locator("#text")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field.has-errors")).to_contain_text("Write the note.")

    text.fill(f"{t} 补上内容")
    form.get_by_role("button", name="Save").click()
    # Online, it is sent from its form and lands on what it became (a note's place).
    page.wait_for_url(f"**{OUTBOX}#note-*")
    expect(page.locator("#toast")).to_contain_text("已发送")
    wait_outbox_empty(page)

    notes = rows(
        sync_server,
        "SELECT summary FROM audit_logs WHERE action = 'sync.note' AND after LIKE ?",
        f"%{refused['id']}%",
    )
    assert notes == [(f"{t} 补上内容",)]
    status, captured_at = sync_record(sync_server, refused["id"])
    assert status == "created"
    assert captured_at == datetime.fromisoformat(refused["captured_at"])


def test_a_refused_hazard_is_corrected_offline_keeping_one_of_its_two_photos(
    page, sync_server, tmp_path
):
    sync_server.flask("demo")  # areas
    employee_no = f"ED{uuid.uuid4().hex[:6].upper()}"
    sync_server.make_user(employee_no, "inspector", name="修改巡检员")
    description = f"{uuid.uuid4().hex[:8]} 二号线旁的护栏"
    log_in(page, sync_server.url, employee_no)
    open_for_offline(page, sync_server, NEW_HAZARD)

    # A title of spaces, kept by a page from before the phone said a required field at once
    # (no data-required: the browser's own check takes spaces); the server, which trims what
    # is typed, refuses it. Such records still wait in phones' outboxes.
    page.context.set_offline(True)
    page.locator("[data-required]", has=page.locator("input[name=title]")).evaluate(
        "(part) => part.removeAttribute('data-required')"
    )
    fill_hazard(page, "   ", two_photos(tmp_path), description=description)
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    [hazard] = outbox(page)
    first, second = hazard["photos"]
    kept = kept_photo(page, second["id"])
    page.context.set_offline(False)
    wait_refused(page)
    [refused] = outbox(page)
    assert list(refused["errors"]) == ["title"]

    page.goto(sync_server.url + OUTBOX)
    # A title of spaces names nothing: the row is named by what the record is.
    expect(page.locator(f"li[data-record-id='{hazard['id']}'] .row-title")).to_contain_text(
        hazard["name"]
    )
    assert hazard["label"] == "" and hazard["name"].strip()
    # The error names the field as the form calls it, not by its key.
    errors = page.locator(f"li[data-record-id='{hazard['id']}'] .errors")
    expect(errors).to_have_text(f"隐患描述：{refused['errors']['title'][0]}")
    page.context.set_offline(True)  # the correction is made without a network
    open_edit_from_outbox(page, sync_server, hazard["id"])
    form = page.locator("#hazard-form")
    expect(form.locator("[data-outbox-edit]")).to_contain_text("修改待发送的记录")
    expect(form.locator("textarea[name=description]")).to_have_value(description)
    expect(form.locator("select[name=severity]")).to_have_value("serious")
    expect(form.locator("input[name=title]")).to_have_attribute("aria-invalid", "true")
    photos = form.locator(".outbox-kept-photos > li")
    expect(photos).to_have_count(2)
    expect(photos.locator("img").first).to_have_js_property("naturalWidth", 1600)

    photos.first.get_by_role("button", name="移除").click()
    expect(photos.first.get_by_role("button", name="保留")).to_be_visible()
    form.locator("input[name=title]").fill("护栏松动")
    form.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_url(sync_server.url + OUTBOX)

    [corrected] = outbox(page)
    assert corrected["id"] == hazard["id"]
    assert corrected["state"] == "pending" and corrected["errors"] is None
    assert corrected["captured_at"] == hazard["captured_at"]
    assert corrected["data"]["title"] == "护栏松动"
    assert corrected["label"] == "护栏松动"
    assert corrected["photos"] == [second]
    assert page.evaluate("(id) => WHOutbox.getPhoto(id)", first["id"]) is None

    page.context.set_offline(False)
    wait_outbox_empty(page, timeout_ms=30_000)
    [(hazard_id, title)] = rows(
        sync_server, "SELECT id, title FROM hazards WHERE description = ?", description
    )
    assert title == "护栏松动"
    [(digest,)] = rows(sync_server, "SELECT sha256 FROM photos WHERE hazard_id = ?", hazard_id)
    stored = sync_server.root / "instance" / "uploads" / digest[:2] / f"{digest}.jpg"
    assert stored.read_bytes() == kept
    assert sync_record(sync_server, hazard["id"])[0] == "created"


def test_a_record_discarded_meanwhile_is_not_made_again(form_page, sync_server):
    page = form_page
    refused = refused_note(page)
    page.goto(f"{sync_server.url}{FORM}#outbox-edit={refused['id']}")
    form = page.locator("form[data-outbox=note]")
    expect(form.locator("[data-outbox-edit]")).to_be_visible()

    page.evaluate("(id) => WHOutbox.remove(id)", refused["id"])  # as another tab would
    form.locator("#text").fill("晚了一步")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("[data-outbox-edit]")).to_contain_text("这条记录已不在待发送列表中")
    assert outbox(page) == []
    assert page.url.endswith(f"#outbox-edit={refused['id']}")


# The phone's copy of the outbox page as a deploy before its correction texts left it: the
# copy, wherever the phone keeps it, without the table outbox-edit.js reads.
WITHOUT_EDIT_STRINGS = """async (path) => {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const copy = await cache.match(path, { ignoreVary: true });
    if (!copy) continue;
    const html = (await copy.text()).replace(
      /<script[^>]*id="outbox-edit-strings"[^>]*>[\\s\\S]*?<\\/script>/, "");
    await cache.delete(path, { ignoreVary: true });
    await cache.put(path, new Response(html, { headers: copy.headers }));
  }
  return (await (await caches.match(path, { ignoreVary: true })).text())
    .includes("outbox-edit-strings");
}"""


def test_a_correction_speaks_chinese_with_an_old_copy_of_the_outbox_and_no_server(
    form_page, sync_server
):
    """The texts of a correction come with the outbox page. A phone whose copy of it predates
    them asks the server; offline, or answered by the log-in page, it still says what the
    correction is, in Chinese, never a text's key (`edit_title`)."""
    page = form_page
    refused = refused_note(page)
    page.goto(sync_server.url + OUTBOX)
    wait_until_page_cached(page, OUTBOX)
    assert page.evaluate(WITHOUT_EDIT_STRINGS, OUTBOX) is False

    page.context.set_offline(True)
    page.goto(f"{sync_server.url}{FORM}#outbox-edit={refused['id']}")
    notice = page.locator("form[data-outbox=note] [data-outbox-edit]")
    expect(notice).to_contain_text("修改待发送的记录")
    expect(notice.get_by_role("link")).to_have_text("取消，返回待发送列表")
    expect(notice).not_to_contain_text("edit_")

    # Online, the outbox answered by the log-in page (as when a session has ended).
    asked = []

    def to_log_in(route):
        asked.append(route.request.url)
        route.fulfill(status=302, headers={"Location": f"{sync_server.url}/auth/login"})

    page.context.set_offline(False)
    page.route(f"**{OUTBOX}", to_log_in)
    page.reload()
    expect(notice).to_contain_text("修改待发送的记录")
    expect(notice).not_to_contain_text("edit_")
    assert asked == [sync_server.url + OUTBOX]

    # The server answering, its outbox page has them: its words, not the shorter fallback's.
    page.unroute(f"**{OUTBOX}")
    page.reload()
    expect(notice).to_contain_text("请您修改后保存，记录将重新发送。")


def test_a_hazard_refused_at_once_comes_back_on_its_form_with_the_errors(
    page, sync_server, tmp_path
):
    """Online, the server answers while the person is still on the form: the form comes back
    as a form posted to the server would, with what they typed, their photo and the error at
    its field — not the outbox's correction of a kept record, and nothing kept; sent again,
    it is a hazard with its photo."""
    sync_server.flask("demo")  # areas
    employee_no = f"EH{uuid.uuid4().hex[:6].upper()}"
    sync_server.make_user(employee_no, "inspector", name="当场修改巡检员")
    description = f"{uuid.uuid4().hex[:8]} 配电柜门未关"
    log_in(page, sync_server.url, employee_no)
    open_for_offline(page, sync_server, NEW_HAZARD)

    # A title past the server's limit (the phone's own limit taken away, as a script could):
    # what the phone cannot check, the server refuses.
    form = page.locator("#hazard-form")
    title = form.locator("input[name=title]")
    title.evaluate("(field) => field.removeAttribute('maxlength')")
    fill_hazard(page, "配电柜" * 41, two_photos(tmp_path)[:1], description=description)
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field.has-errors")).to_contain_text("最多使用 120 个字符。")
    expect(form.locator("textarea[name=description]")).to_have_value(description)
    expect(form.locator("select[name=severity]")).to_have_value("serious")
    expect(form.locator(".photo-tiles .photo-preview")).to_have_count(1)
    expect(form.locator("[data-outbox-edit]")).to_have_count(0)
    assert page.url == sync_server.url + NEW_HAZARD
    assert outbox(page) == []

    title.fill("配电柜门未关")
    form.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#toast")).to_contain_text("已发送")
    expect(form.locator(".field.has-errors")).to_have_count(0)
    wait_outbox_empty(page)
    [(hazard_id, hazard_title)] = rows(
        sync_server, "SELECT id, title FROM hazards WHERE description = ?", description
    )
    assert hazard_title == "配电柜门未关"
    assert len(rows(sync_server, "SELECT id FROM photos WHERE hazard_id = ?", hazard_id)) == 1


def test_what_the_phone_can_check_is_said_at_once_and_nothing_is_queued(page, sync_server):
    """Offline, an empty hazard form or a round with an item unanswered is not kept to be
    refused after the sync, when the inspector has left the spot: the phone points at the
    field, and the outbox stays empty."""
    sync_server.flask("demo")  # areas and checklists
    employee_no = f"EV{uuid.uuid4().hex[:6].upper()}"
    sync_server.make_user(employee_no, "inspector", name="当场检查巡检员")
    log_in(page, sync_server.url, employee_no)
    round_page = open_round(page, sync_server)
    open_for_offline(page, sync_server, round_page)
    open_for_offline(page, sync_server, NEW_HAZARD)
    page.context.set_offline(True)

    page.get_by_role("button", name="上报", exact=True).click()
    title = page.locator("#hazard-form input[name=title]")
    expect(title).to_be_focused()
    assert title.evaluate("(field) => field.validity.valueMissing")

    page.goto(sync_server.url + round_page)
    items = page.locator(".checklist-items > li")
    items.first.locator("input[value=yes]").check()  # the first answered, the second not
    page.get_by_role("button", name="保存本轮巡查").click()
    expect(items.nth(1).locator("input[type=radio]").first).to_be_focused()

    assert outbox(page) == []
