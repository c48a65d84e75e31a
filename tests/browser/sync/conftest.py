"""Browser tests of the outbox, driven through the test-only `note` capture page.

The live server runs the app with the test blueprint (tests/testkit, mounted by
tests/live_app.py): it serves `/sync/_test_form`, knows the `note` kind, and lets
`crash_after_commit` make the server die after its next committed batch.
"""

import base64
import hashlib
import io
import itertools
import sqlite3

import pytest
from PIL import Image

from tests.browser.conftest import log_in
from tests.browser.test_shell import wait_for_service_worker, wait_until, wait_until_page_cached
from tests.testkit import CRASH_TRIGGER

FORM = "/sync/_test_form"
_numbers = itertools.count(1)


@pytest.fixture
def sync_server(live_server):
    """The live server; started again after a test that took it away (or crashed it)."""
    yield live_server
    if live_server.process is None or live_server.process.poll() is not None:
        live_server.stop()
        live_server.start()


@pytest.fixture
def crash_after_commit(sync_server):
    """Call it to make the server exit after committing its next batch, before it answers.

    The trigger is a file in the server's instance folder (see tests/testkit);
    one left unused would kill a later test's server, so it goes at the end of the test.
    """
    trigger = sync_server.root / "instance" / CRASH_TRIGGER
    yield trigger.touch
    trigger.unlink(missing_ok=True)


@pytest.fixture
def inspector(sync_server):
    employee_no = f"SY{next(_numbers):04d}"
    return sync_server.make_user(employee_no, "inspector", name=f"同步{employee_no}")


@pytest.fixture
def form_page(page, sync_server, inspector):
    """Logged in, on the capture page, with the worker in control and the page cached."""
    log_in(page, sync_server.url, inspector[0])
    open_for_offline(page, sync_server, FORM)
    return page


def open_for_offline(page, server, path: str) -> None:
    """On `path`, with the service worker in control and the page kept for offline use."""
    page.goto(server.url + path)
    wait_for_service_worker(page)
    wait_until_page_cached(page, path)


def rows(server, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(server.root / "live.db") as conn:
        return conn.execute(sql, args).fetchall()


def column(server, sql: str, *args) -> list:
    """The first column of each row."""
    return [row[0] for row in rows(server, sql, *args)]


def notes(server, prefix: str) -> list[tuple]:
    """(id, summary, after) of the note rows whose text starts with prefix, oldest first."""
    with sqlite3.connect(server.root / "live.db") as conn:
        return conn.execute(
            "SELECT id, summary, after FROM audit_logs WHERE action = 'sync.note' "
            "AND summary LIKE ? ORDER BY id",
            (prefix + "%",),
        ).fetchall()


def stored_photos(server, record_id: str) -> list[tuple]:
    with sqlite3.connect(server.root / "live.db") as conn:
        return conn.execute(
            "SELECT id, path, received_at FROM sync_photos WHERE record_id = ? ORDER BY position",
            (record_id.replace("-", ""),),
        ).fetchall()


def photo_file(tmp_path, name: str, size=(2400, 1200), color=(180, 40, 40)) -> str:
    path = tmp_path / name
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 97):  # something to compress, so sizes differ
        image.paste((x % 255, 90, 200), (x, 0, x + 20, size[1]))
    image.save(path, "JPEG", quality=92)
    return str(path)


def two_photos(tmp_path) -> list[str]:
    return [photo_file(tmp_path, "a.jpg"), photo_file(tmp_path, "b.jpg", (900, 1800))]


def fill_hazard(page, title: str, photos: list[str], description="二号线旁的护栏") -> None:
    """Report a serious hazard in the first area and category on the hazard form."""
    page.fill("input[name=title]", title)
    page.select_option("select[name=area_id]", index=1)
    page.select_option("select[name=category]", index=1)
    page.select_option("select[name=severity]", value="serious")
    page.fill("textarea[name=description]", description)
    page.set_input_files("input[name=photos]", photos)
    page.get_by_role("button", name="上报", exact=True).click()


def open_round(page, server) -> str:
    """The whole-round page of the first area, reached as a person does; returns its path."""
    page.goto(server.url + "/safety/patrols")
    page.locator("#whole-round a").first.click()
    page.wait_for_url("**/safety/patrols/round/*")
    return page.url.removeprefix(server.url)


def fill_round(page, photo: str) -> int:
    """Answer every item (the first "no", with a note and a photo), save; returns the count."""
    items = page.locator(".checklist-items > li")
    n = items.count()
    assert n >= 3
    for index in range(n):
        items.nth(index).locator("label", has_text="否" if index == 0 else "是").click()
    items.nth(0).locator("input[name$='[note]']").fill("灭火器过期")
    items.nth(0).locator("input[type=file]").set_input_files([photo])
    page.get_by_role("button", name="保存本轮巡查").click()
    return n


def resend_after_restart(page, server) -> list[dict]:
    """Start the stopped server and have the page flush its outbox again (as a page load, the
    retry timer or "sync now" would); returns the results of that `POST /sync`.

    The flush is asked for in the page, not by reloading it: the retry timer may send first,
    and a reload would then navigate away while that answer's body was still to be read
    (the test failed so on a loaded machine)."""
    with page.expect_response(
        lambda r: r.url.endswith("/sync") and r.request.method == "POST", timeout=30_000
    ) as answer:
        server.start()
        page.evaluate("WHOutbox.flush()")
    return answer.value.json()["results"]


def capture(page, text: str, photos=(), parent=""):
    page.fill("#text", text)
    page.fill("#parent", parent)
    if photos:
        page.set_input_files("#photos", list(photos))
    before = outbox(page)
    page.click("form[data-outbox] button[type=submit]")
    wait_until(page, "async (n) => (await WHOutbox.list()).length > n", len(before))


def outbox(page) -> list[dict]:
    return page.evaluate("WHOutbox.list()")


def wait_outbox_empty(page, timeout_ms=15_000):
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=timeout_ms)


def wait_outbox_holds(page, n: int):
    wait_until(page, "async (n) => (await WHOutbox.list()).length === n", n)


def stored_upload(server, digest: str) -> bytes:
    """A photo file as the server keeps it (content-addressed under instance/uploads)."""
    return (server.root / "instance" / "uploads" / digest[:2] / f"{digest}.jpg").read_bytes()


def kept_photo(page, photo_id: str) -> bytes:
    encoded = page.evaluate(
        """async (id) => {
            const photo = await WHOutbox.getPhoto(id);
            let text = "";
            for (const byte of new Uint8Array(photo.bytes)) text += String.fromCharCode(byte);
            return btoa(text);
        }""",
        photo_id,
    )
    return base64.b64decode(encoded)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def pending_rows(page):
    return page.locator("[data-outbox-pending=note] > li:not([data-state=synced])")


def synced_rows(page):
    return page.locator("[data-outbox-pending=note] > li[data-state=synced]")


__all__ = ["log_in", "wait_until"]
