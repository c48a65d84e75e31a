"""A care officer records a visit at a worker's home with no network: the visit form comes
from the offline kit kept at log-in, the visit and its two photos wait in the outbox, arrive
once when the network is back, and the plan's coverage moves."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.sync.conftest import (
    kept_photo,
    outbox,
    rows,
    sha256,
    two_photos,
    wait_outbox_empty,
)
from tests.browser.test_shell import wait_for_service_worker, wait_until, wait_until_page_cached


def _unvisited_target(server):
    """(plan id, file id, visited, total) of the demo's visit plan (its title is the season's,
    …走访慰问): a file not visited yet."""
    [(plan_id,)] = rows(server, "SELECT id FROM care_visit_plans WHERE title LIKE '%走访慰问'")
    targets = rows(
        server,
        "SELECT t.file_id, (SELECT COUNT(*) FROM care_visits v WHERE v.plan_id = t.plan_id "
        "AND v.file_id = t.file_id) FROM care_plan_targets t WHERE t.plan_id = ? ORDER BY t.id",
        plan_id,
    )
    todo = [file_id for file_id, n in targets if n == 0]
    visited = sum(1 for _f, n in targets if n)
    return plan_id, todo[0], visited, len(targets)


def test_a_visit_with_two_photos_recorded_offline_syncs_once_and_moves_coverage(
    page, live_server, tmp_path
):
    live_server.flask("demo")
    plan_id, file_id, visited, total = _unvisited_target(live_server)
    form_path = f"/care/plans/{plan_id}/visit/{file_id}"
    log_in(page, live_server.url, "C0001", "demo1234")
    wait_for_service_worker(page)
    # The visit form is in the care officer's offline kit without having been opened.
    wait_until_page_cached(page, form_path)

    page.context.set_offline(True)
    page.goto(live_server.url + form_path)
    expect(page.locator("form[data-outbox=care_visit]")).to_be_visible()
    page.fill("input[name=given]", "慰问金、米面油")
    page.fill("input[name=amount]", "800")
    page.fill("textarea[name=situation]", "老人卧床，孩子在读初中，家里收拾得很整洁。")
    page.fill("textarea[name=needs]", "希望帮忙申请助学金")
    page.set_input_files("input[name=photos]", two_photos(tmp_path))
    page.get_by_role("button", name="保存走访记录").click()
    wait_until(page, "async () => (await WHOutbox.list()).length === 1")
    [record] = outbox(page)
    assert record["kind"] == "care_visit" and len(record["photos"]) == 2
    assert record["data"]["file_id"] == str(file_id)
    # Listed under the person visited, not the visitor's own name.
    [(person,)] = rows(
        live_server,
        "SELECT u.name FROM care_files f JOIN users u ON u.id = f.worker_id WHERE f.id = ?",
        file_id,
    )
    assert record["label"] == person
    kept = [kept_photo(page, ref["id"]) for ref in record["photos"]]
    assert rows(live_server, "SELECT id FROM care_visits WHERE file_id = ?", file_id) == []

    page.context.set_offline(False)
    wait_outbox_empty(page, timeout_ms=30_000)
    [(visit_id, plan, client_id)] = rows(
        live_server,
        "SELECT id, plan_id, client_id FROM care_visits WHERE file_id = ? AND needs = ?",
        file_id,
        "希望帮忙申请助学金",
    )
    assert plan == plan_id and client_id.replace("-", "") == record["id"].replace("-", "")
    photos = rows(
        live_server, "SELECT sha256 FROM care_attachments WHERE visit_id = ? ORDER BY id", visit_id
    )
    assert [digest for (digest,) in photos] == [sha256(data) for data in kept]

    page.goto(live_server.url + f"/care/plans/{plan_id}")
    expect(page.locator("#coverage")).to_contain_text(f"已走访 {visited + 1} / {total} 户")
    expect(page.locator(f"[data-file-id='{file_id}']")).to_contain_text("已走访")
