"""A new service worker version keeps the outbox: records and photo bytes live in IndexedDB,
which an update never touches, while the old shell cache goes."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until
from tests.browser.sync.conftest import (
    capture,
    kept_photo,
    notes,
    outbox,
    photo_file,
    sha256,
    stored_photos,
    wait_outbox_empty,
)


def shell_caches(page) -> list[str]:
    return page.evaluate(
        "async () => (await caches.keys()).filter((key) => key.startsWith('shell-'))"
    )


def served_version(page) -> str:
    """The VERSION in the worker script the server hands out now."""
    source = page.evaluate("async () => (await fetch('/sw.js', {cache: 'no-store'})).text()")
    return re.search(r'const VERSION = "(\w+)"', source).group(1)


def restart_with_new_version(server) -> None:
    """The same files under a new version: what a release does to the phones."""
    server.env["ASSET_VERSION_SALT"] = uuid.uuid4().hex
    server.stop()
    server.start()


def test_a_new_worker_version_keeps_the_outbox_and_its_photos(
    form_page, sync_server, inspector, tmp_path
):
    page, text = form_page, f"{uuid.uuid4().hex[:8]} 升级前采集"
    [old_shell] = shell_caches(page)
    old_version = served_version(page)
    assert old_shell == f"shell-{old_version}"
    page.context.set_offline(True)
    capture(page, text, photos=[photo_file(tmp_path, "u.jpg")])
    [record] = outbox(page)
    [ref] = record["photos"]
    before = sha256(kept_photo(page, ref["id"]))

    # The records wait for a log-in (the session ended while offline), so nothing is sent
    # while the update comes in.
    page.context.clear_cookies()
    restart_with_new_version(sync_server)
    page.context.set_offline(False)
    expect(page.locator("[data-outbox-login]")).to_contain_text("登录后即可同步 1 条记录。")
    page.goto(sync_server.url + "/auth/login")
    new_version = served_version(page)
    assert new_version != old_version
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    wait_until(
        page,
        """async (shell) => {
            const registration = await navigator.serviceWorker.getRegistration();
            const keys = await caches.keys();
            return registration.active?.state === "activated"
                && navigator.serviceWorker.controller === registration.active
                && keys.includes(shell) && !keys.some((k) => k.startsWith("shell-") && k !== shell);
        }""",
        f"shell-{new_version}",
    )

    assert [r["id"] for r in outbox(page)] == [record["id"]]
    assert sha256(kept_photo(page, ref["id"])) == before
    assert notes(sync_server, text) == []

    log_in(page, sync_server.url, inspector[0])
    wait_outbox_empty(page)
    assert len(notes(sync_server, text)) == 1
    [(_, path, _)] = stored_photos(sync_server, record["id"])
    assert sha256((sync_server.root / "instance" / "uploads" / path).read_bytes()) == before
