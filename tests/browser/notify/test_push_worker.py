"""The service worker's push handlers in a real Chromium: a push delivered through CDP
(`ServiceWorker.deliverPushMessage`) shows a notification; clicking it opens its page."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def _until(page, check, timeout=10.0):
    """Poll `check()` until it returns something truthy (Playwright's wait_for_function does
    not wait for promises). Waiting through the page lets Playwright deliver CDP events."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def _controlled(page):
    """Wait until the service worker controls the page (clients.claim() on activation)."""
    return _until(
        page,
        lambda: page.evaluate(
            "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"
        ),
    )


def _registration_id(page, cdp, base_url):
    registrations = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    cdp.send("ServiceWorker.enable")
    return _until(page, lambda: registrations.get(base_url + "/"))


@pytest.mark.parametrize("already_there", [False, True], ids=["elsewhere", "on-the-item"])
def test_a_push_shows_a_notification_and_its_click_opens_the_page(live_server, page, already_there):
    base = live_server.url
    live_server.make_user("N0001" if not already_there else "N0003", name="推送测试")
    page.context.grant_permissions(["notifications", "background-sync"], origin=base)
    log_in(page, base, "N0001" if not already_there else "N0003")

    # An inbox entry to be told about: the settings page's test button makes one.
    page.goto(base + "/notifications/settings")
    page.get_by_role("button", name="给我发一条测试通知").click()
    page.wait_for_url(base + "/notifications/settings")
    page.goto(base + "/notifications/")
    href = page.locator("a.row").first.get_attribute("href")
    notification_id = int(re.fullmatch(r"/notifications/(\d+)", href).group(1))
    assert page.locator("#nav-badge-notify-index").inner_text() == "1"

    page.goto(base + ("/notifications/settings" if already_there else "/"))
    assert _controlled(page), "the service worker never took control of the page"
    cdp = page.context.new_cdp_session(page)
    registration_id = _registration_id(page, cdp, base)
    assert registration_id, "no service worker registration for the app's scope"

    payload = {
        "id": notification_id,
        "title": "测试通知",
        "body": "如果手机上显示了这条消息，说明通知可以送达您。",
        "url": "/notifications/settings",
        "open": f"/notifications/{notification_id}",
        "tag": f"notification-{notification_id}",
        "category": "system",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    shown = _until(
        page,
        lambda: page.evaluate(
            """navigator.serviceWorker.ready
                 .then((r) => r.getNotifications())
                 .then((ns) => ns.map((n) => ({title: n.title, body: n.body, tag: n.tag,
                                               data: n.data})))"""
        ),
    )
    assert shown == [
        {
            "title": "测试通知",
            "body": payload["body"],
            "tag": payload["tag"],
            "data": {"url": "/notifications/settings", "open": payload["open"]},
        }
    ]

    # No protocol clicks a system notification; dispatch the same event the browser would.
    (worker,) = [w for w in page.context.service_workers if w.url.startswith(base)]
    worker.evaluate(
        """async () => {
             const [notification] = await self.registration.getNotifications();
             const click = new NotificationEvent("notificationclick", {notification});
             // waitUntil() throws on an event the browser did not make; the handler has run.
             try { self.dispatchEvent(click); } catch (error) {}
           }"""
    )
    page.wait_for_url(base + "/notifications/settings", timeout=10_000)
    assert page.get_by_role("heading", name="本机推送").is_visible()
    # Opening through the notification counted it as read (on the item already, the worker
    # marks it read by itself: the page shows once it is reloaded).
    if already_there:
        unread_badge = re.compile(r'id="nav-badge-notify-index" class="badge nav-badge">1<')
        assert _until(
            page,
            lambda: (
                not unread_badge.search(
                    page.evaluate("fetch('/notifications/settings').then((r) => r.text())")
                )
            ),
        ), "the notification was not marked read"
        page.reload()
    expect(page.locator("#nav-badge-notify-index")).to_be_hidden()
    assert _until(
        page,
        lambda: page.evaluate(
            "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => !n.length)"
        ),
    ), "the clicked notification was not closed"


def test_turning_push_on_without_a_push_service_says_so(live_server, page):
    base = live_server.url
    live_server.make_user("N0002")
    page.context.grant_permissions(["notifications", "background-sync"], origin=base)
    log_in(page, base, "N0002")
    page.goto(base + "/notifications/settings")
    status = page.locator("[data-push-status]")
    expect(page.locator("#push")).to_have_attribute("data-state", "off")
    assert status.inner_text() == "本机推送已关闭。所有消息仍会发到您的消息箱。"
    assert page.get_by_role("button", name="关闭本机推送").is_hidden()

    page.get_by_role("button", name="开启推送").click()
    # Debian's Chromium has no push service: subscribe() fails, and the page says what to do.
    expect(page.locator("#push")).to_have_attribute("data-state", "failed")
    assert status.inner_text() == "无法在此开启推送。消息箱仍可正常使用。"


def test_turning_push_on_gives_up_when_the_phone_never_answers(live_server, page):
    base = live_server.url
    live_server.make_user("N0004")
    page.context.grant_permissions(["notifications", "background-sync"], origin=base)
    # As on phones without Google's services: subscribe() neither succeeds nor fails.
    page.add_init_script("PushManager.prototype.subscribe = () => new Promise(() => {});")
    log_in(page, base, "N0004")
    page.goto(base + "/notifications/settings")
    card = page.locator("#push")
    expect(card).to_have_attribute("data-state", "off")
    card.evaluate("(card) => { card.dataset.subscribeTimeout = '1500'; }")  # not 15 s here

    button = page.get_by_role("button", name="开启推送")
    button.click()
    expect(button).to_be_hidden()  # it reads 正在开启… now
    working = page.get_by_role("button", name="正在开启…")
    expect(working).to_be_disabled()
    status = page.locator("[data-push-status]")
    expect(status).to_have_text("正在为本机开启推送…")

    expect(status).to_have_text("无法在此开启推送。消息箱仍可正常使用。", timeout=5_000)
    expect(button).to_be_enabled()


def test_every_push_category_has_a_full_size_checkbox(live_server, page):
    base = live_server.url
    live_server.make_user("N0005")
    log_in(page, base, "N0005")
    page.goto(base + "/notifications/settings")
    # The longest label (帮扶维权…) runs to three lines on a phone; its box must not shrink.
    sizes = page.locator("input[type=checkbox]").evaluate_all(
        "(boxes) => boxes.map((box) => [box.offsetWidth, box.offsetHeight])"
    )
    assert sizes == [[20, 20]] * 5
