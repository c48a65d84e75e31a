"""The mobile shell in a real Chromium on a 360x740 phone: log-in, navigation, language,
offline pages from the service worker's cache, and an expired session seen by htmx."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in, wait_for_service_worker, wait_until

_numbers = itertools.count(1)


def new_user(live_server, *roles, name=None):
    """A fresh account on the live server (numbers are unique within the test session)."""
    employee_no = f"SH{next(_numbers):04d}"
    return live_server.make_user(employee_no, *roles, name=name or f"壳测{employee_no}")


def assert_fits_phone(page):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide"


def text_left(locator) -> float:
    """Where the element's text starts on screen (its padding excluded)."""
    return locator.evaluate(
        """(el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return range.getBoundingClientRect().left;
        }"""
    )


def wait_until_page_cached(page, path):
    """Until the phone holds a copy of `path`: the field kit's or one of a page opened."""
    wait_until(
        page,
        """async (path) => !!(await caches.match(path, { ignoreVary: true }))""",
        path,
    )


def nav(page):
    return page.locator("nav.bottom-nav")


def test_member_logs_in_and_moves_between_home_and_me(live_server, page):
    employee_no, password = new_user(live_server, name="李师傅")
    log_in(page, live_server.url, employee_no, password)

    expect(page.locator(".greeting-name")).to_contain_text("李师傅")
    expect(nav(page)).to_be_visible()
    expect(nav(page).get_by_role("link")).to_have_count(5)  # Home, Safety, Activities, Inbox, Me
    expect(nav(page).locator("a[href='/admin/users']")).to_have_count(0)
    expect(nav(page).locator("a[href='/']")).to_have_attribute("aria-current", "page")
    assert_fits_phone(page)
    box = nav(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= PHONE["height"]  # pinned to the bottom of the screen
    # A card without a link (no department yet) lines its title up with its text.
    card = page.locator("#home-cards .card-warn")
    expect(card.locator(".card-title")).to_contain_text("您的部门尚未设置")  # i18n
    assert text_left(card.locator(".card-title")) == text_left(card.locator(".card-body"))

    nav(page).locator("a[href='/me']").click()
    expect(page).to_have_url(live_server.url + "/me")
    expect(page.locator(".profile-name")).to_have_text("李师傅")
    expect(page.locator(".facts")).to_contain_text(employee_no)
    expect(nav(page).locator("a[href='/me']")).to_have_attribute("aria-current", "page")
    assert_fits_phone(page)

    nav(page).locator("a[href='/']").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator(".greeting-name")).to_contain_text("李师傅")


def test_admin_reaches_administration_from_me(live_server, page):
    employee_no, password = new_user(live_server, "admin")
    log_in(page, live_server.url, employee_no, password)

    # Five items share the bar without crowding: each keeps a finger-sized target.
    expect(nav(page).get_by_role("link")).to_have_count(5)
    assert_fits_phone(page)
    for link in nav(page).get_by_role("link").all():
        box = link.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    nav(page).locator("a[href='/me']").click()
    admin_link = page.locator("main a[href='/admin/users']")
    expect(admin_link).to_contain_text("系统管理")  # i18n
    admin_link.click()
    expect(page).to_have_url(live_server.url + "/admin/users")
    assert_fits_phone(page)


def test_log_out_from_me_lands_on_log_in_and_forgets_cached_pages(live_server, page):
    employee_no, password = new_user(live_server)
    log_in(page, live_server.url, employee_no, password)
    wait_for_service_worker(page)
    wait_until_page_cached(page, "/")
    page.goto(live_server.url + "/me")
    wait_until_page_cached(page, "/me")

    page.get_by_role("button", name="退出登录").click()  # i18n
    expect(page).to_have_url(live_server.url + "/auth/login?logged_out=1")
    expect(page.locator("input[name=employee_no]")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("您已退出登录。")  # i18n
    expect(nav(page)).to_have_count(0)
    # The next person holding this phone cannot read the previous user's pages offline.
    wait_until(
        page,
        """async () => {
            for (const name of ["pages", "kit"]) {
                if (await caches.has(name) && (await (await caches.open(name)).keys()).length) {
                    return false;
                }
            }
            return true;
        }""",
    )

    page.context.set_offline(True)
    page.goto(live_server.url + "/")
    expect(page.locator(".offline-card")).to_be_visible()
    expect(page.locator(".greeting-name")).to_have_count(0)


def test_offline_reload_shows_the_cached_home_and_unvisited_pages_the_offline_page(
    live_server, page
):
    employee_no, password = new_user(live_server, name="王班长")
    log_in(page, live_server.url, employee_no, password)
    wait_for_service_worker(page)
    wait_until_page_cached(page, "/")

    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    page.reload()
    expect(page.locator(".greeting-name")).to_contain_text("王班长")
    expect(nav(page)).to_be_visible()
    # The shell's own files come from the precache: styles applied, htmx loaded.
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(200, 16, 46)")
    # A function, not an expression string: polling a string needs eval(), which the CSP forbids.
    page.wait_for_function("() => typeof window.htmx === 'object'")

    page.goto(live_server.url + "/notifications/settings")  # not in the kit, never visited
    expect(page.locator(".offline-card")).to_be_visible()
    expect(page.locator(".offline-card h2")).to_have_text("没有网络连接")  # i18n
    expect(page).to_have_url(live_server.url + "/notifications/settings")
    assert_fits_phone(page)

    page.context.set_offline(False)
    page.reload()
    expect(page.locator(".offline-card")).to_have_count(0)
    expect(page.locator("main form").first).to_be_visible()


def test_the_page_open_when_the_worker_takes_over_is_kept_for_offline(
    live_server, browser, browser_context_args
):
    """A phone already signed in (remember-me) opens the app: its very first page loads
    before the service worker exists, and must still open offline afterwards."""
    employee_no, password = new_user(live_server, name="钱师傅")
    without_worker = browser.new_context(**{**browser_context_args, "service_workers": "block"})
    log_in(without_worker.new_page(), live_server.url, employee_no, password)
    signed_in = without_worker.storage_state()
    without_worker.close()

    context = browser.new_context(**browser_context_args, storage_state=signed_in)
    try:
        page = context.new_page()
        first = page.goto(live_server.url + "/")
        # A first visit: the network served the page. (Whether the worker controls the page
        # when the test looks is a race: it may install and claim the page right after load.)
        assert not first.from_service_worker
        wait_for_service_worker(page)
        wait_until_page_cached(page, "/")

        context.set_offline(True)
        assert page.reload().from_service_worker
        expect(page.locator(".greeting-name")).to_contain_text("钱师傅")
    finally:
        context.close()


def test_cached_home_loads_while_the_server_is_down(server_up, page):
    live_server = server_up
    employee_no, password = new_user(live_server, name="赵安全")
    log_in(page, live_server.url, employee_no, password)
    wait_for_service_worker(page)
    wait_until_page_cached(page, "/")

    live_server.stop()
    # Network up, server down: the browser still thinks it is online.
    assert page.evaluate("navigator.onLine") is True
    # A refresh of the cards that cannot reach the server says so instead of doing nothing.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#toast")).to_contain_text("没有网络连接")  # i18n
    page.reload()
    expect(page.locator(".greeting-name")).to_contain_text("赵安全")
    expect(nav(page)).to_be_visible()
    page.goto(live_server.url + "/notifications/settings")  # not kept on the phone
    expect(page.locator(".offline-card")).to_be_visible()

    live_server.start()
    page.reload()
    expect(page.locator(".offline-card")).to_have_count(0)
    expect(page.locator("main form").first).to_be_visible()


def test_htmx_request_after_the_session_ended_asks_to_log_in_again(live_server, page):
    employee_no, password = new_user(live_server)
    log_in(page, live_server.url, employee_no, password)
    # Every response re-sets the (permanent) session cookie, and the worker's first fetches
    # and the favicon come after "load": let them land before the cookie goes.
    wait_for_service_worker(page)
    page.wait_for_load_state("networkidle")
    # So do the field kit's copies, fetched by the worker after log-in.
    expect(page.locator("#kit-status")).to_contain_text("已可离线使用")
    cards_before = page.locator("#home-cards").inner_html()

    page.context.clear_cookies()
    assert page.context.cookies() == []
    with page.expect_response(lambda r: r.url == live_server.url + "/" and r.status == 401):
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    toast = page.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("登录已过期。")  # i18n
    link = toast.get_by_role("link")
    expect(link).to_have_text("重新登录")  # i18n
    expect(link).to_have_attribute("href", "/auth/login")
    # The fragment was not replaced by a log-in form.
    expect(page.locator("#home-cards input[name=password]")).to_have_count(0)
    assert page.locator("#home-cards").inner_html() == cards_before
    # The toast stays until the user acts on it, and acting on it leads to the log-in form.
    link.click()
    expect(page).to_have_url(live_server.url + "/auth/login")
    expect(page.locator("input[name=employee_no]")).to_be_visible()


def test_language_switch_on_the_log_in_page(live_server, page):
    page.goto(live_server.url + "/auth/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    assert_fits_phone(page)

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/auth/login")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")


@pytest.fixture
def installed_context(browser_type, browser_type_launch_args, tmp_path):
    """A persistent profile: a normal context is incognito, which is never installable."""
    context = browser_type.launch_persistent_context(
        tmp_path / "profile",
        **browser_type_launch_args,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        service_workers="allow",
    )
    yield context
    context.close()


def test_the_app_is_installable(live_server, installed_context):
    page = installed_context.pages[0] if installed_context.pages else installed_context.new_page()
    page.goto(live_server.url + "/auth/login")
    wait_for_service_worker(page)

    cdp = installed_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    icons = page.evaluate(
        """async () => {
            const manifest = await (await fetch("/manifest.webmanifest")).json();
            return Promise.all(manifest.icons.map((icon) => new Promise((resolve) => {
                const img = new Image();
                img.onload = () => resolve({...icon, width: img.naturalWidth,
                                             height: img.naturalHeight});
                img.onerror = () => resolve({...icon, width: 0, height: 0});
                img.src = icon.src;
            })));
        }"""
    )
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    for icon in icons:
        assert f"{icon['width']}x{icon['height']}" == icon["sizes"], icon


def test_pages_kept_at_log_in_open_offline_marked_as_a_copy(live_server, page, context):
    """Capture forms and assignments are kept at log-in, so a page never opened still opens
    offline; a page read from the phone's copy says from when."""
    employee_no, password = new_user(live_server, "inspector")
    log_in(page, live_server.url, employee_no, password)
    wait_for_service_worker(page)
    wait_until(
        page,
        """async () => !!(await caches.match("/safety/hazards/new"))
            && !!(await caches.match("/sync/outbox"))""",
    )
    expect(page.locator("#offline-copy")).to_be_hidden()  # online: the real page

    context.set_offline(True)
    try:
        # The outbox, where records wait and refusals are corrected, is among them.
        page.goto(live_server.url + "/sync/outbox")
        expect(page.locator("[data-outbox-sync]")).to_be_visible()
        page.goto(live_server.url + "/safety/hazards/new")  # never opened before
        expect(page.locator("form#hazard-form input[name=title]")).to_be_visible()
        banner = page.locator("#offline-copy")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("离线 — 这是")  # i18n
        expect(banner).to_contain_text(":")  # the time of the copy, HH:MM
    finally:
        context.set_offline(False)

    # Back online, the copy says so and offers the current page.
    expect(banner).to_contain_text("网络已恢复 — 这是")
    banner.get_by_role("link", name="查看最新页面").click()
    expect(page.locator("#offline-copy")).to_be_hidden()
    expect(page.locator("form#hazard-form input[name=title]")).to_be_visible()


def test_offline_a_page_opened_before_is_not_marked_as_needing_the_network(
    live_server, browser, browser_context_args
):
    """Offline, links to pages the phone does not hold say 需联网 before anyone taps them; a
    page the person opened before (kept among the recent pages, not the field kit) opens,
    so its link is not marked."""
    live_server.make_user("SH-M1", name="离线读者")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server.url, "SH-M1")
    expect(page.locator("#kit-status")).to_contain_text("已可离线使用", timeout=90_000)
    # 我的 (a page of the kit): its own links that the field kit does not hold.
    page.goto(live_server.url + "/me")
    outside = page.evaluate(
        """async () => {
            const kit = await caches.open("kit");
            const links = [...document.querySelectorAll("main a[href^='/']")].map((a) => a.href);
            const out = [];
            for (const href of new Set(links)) if (!(await kit.match(href))) out.push(href);
            return out;
        }"""
    )
    assert len(outside) >= 2, outside
    opened, never = outside[0], outside[1]
    page.goto(opened)
    page.goto(live_server.url + "/me")
    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-copy")).to_be_visible()
    never_link = page.locator(f'main a[href="{never.removeprefix(live_server.url)}"]').first
    opened_link = page.locator(f'main a[href="{opened.removeprefix(live_server.url)}"]').first
    expect(never_link).to_have_class(re.compile("needs-network"))
    expect(opened_link).not_to_have_class(re.compile("needs-network"))
    context.close()
