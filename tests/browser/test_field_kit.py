"""The field kit on a fresh phone: after one log-in, with no other page visited, a whole day
of the demo inspector opens offline — by `set_offline` and with the server killed — styled,
with its images; every link and form of the kit works offline or says it needs the network;
the outbox empties within seconds of the server coming back; a follow-up shows at once.

One logged-in inspector context is shared by the tests of this module (they run in order).
"""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until

READY = "已可离线使用"  # i18n
NEEDS_NETWORK = "需要网络"  # i18n: the toast of a link or form that needs the network
SAVED = "已保存在本机"  # i18n


def query(server, sql, *args) -> list:
    with sqlite3.connect(server.root / "live.db") as conn:
        return [row[0] if len(row) == 1 else row for row in conn.execute(sql, args).fetchall()]


def demo_user_id(server, employee_no) -> int:
    return query(server, "SELECT id FROM users WHERE employee_no = ?", employee_no)[0]


def patrol_areas(server) -> list[int]:
    """Active areas whose kind has an active checklist: the rounds of an inspector's day."""
    return query(
        server,
        "SELECT a.id FROM areas a WHERE a.active AND a.kind IN (SELECT area_kind FROM "
        "checklists WHERE active AND current_version_id IS NOT NULL) ORDER BY a.id",
    )


def open_hazards(server, user_id) -> list[int]:
    return query(
        server,
        "SELECT id FROM hazards WHERE status NOT IN ('closed', 'rejected') "
        "AND (assignee_id = ? OR reporter_id = ?) ORDER BY id",
        user_id,
        user_id,
    )


def ready_phone(browser, browser_context_args, server, employee_no):
    """A fresh profile, logged in once, left on the home page until the kit is complete."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, server.url, employee_no, "demo1234")
    status = page.locator("#kit-status")
    expect(status).to_contain_text(READY, timeout=90_000)
    assert status.inner_text().startswith(f"{READY} · ")
    assert status.inner_text()[-5:].replace(":", "").isdigit()  # HH:MM
    page.close()
    return context


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.flask("demo")
    return live_server


@pytest.fixture(scope="module")
def inspector(demo, browser, browser_context_args):
    context = ready_phone(browser, browser_context_args, demo, "I0001")
    yield context
    context.close()


def loaded(image) -> bool:
    return image.evaluate(
        """img => img.complete ? img.naturalWidth > 0 : new Promise(done => {
             img.onload = () => done(img.naturalWidth > 0);
             img.onerror = () => done(false);
             img.loading = "eager";
           })"""
    )


def assert_from_kit(page):
    """A page of the kit: no error page, not the fallback, the copy marked as such."""
    assert not page.url.startswith("chrome-error://"), page.url
    expect(page.locator(".offline-card")).to_have_count(0)
    expect(page.locator("#offline-copy")).to_be_visible()


def walk_the_day(page, server):
    """Start URL, every round, every area's QR code, every open hazard with its photos."""
    base = server.url
    page.goto(base + "/?source=pwa")  # the installed app's start URL
    assert_from_kit(page)
    expect(page.locator(".greeting-name")).to_contain_text("张群监")
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(200, 16, 46)")
    areas = patrol_areas(server)
    assert len(areas) >= 3
    for area_id in areas:
        page.goto(f"{base}/safety/patrols/round/{area_id}")
        assert_from_kit(page)
        choice = page.locator(".answer-choices label").first
        expect(choice).to_be_visible()
        # safety.css applied: answer buttons a gloved finger can hit.
        assert choice.bounding_box()["height"] >= 44
        page.goto(f"{base}/safety/areas/{area_id}")
        assert_from_kit(page)
        assert loaded(page.locator("img.qr"))
    hazards = open_hazards(server, demo_user_id(server, "I0001"))
    assert hazards
    for hazard_id in hazards:
        page.goto(f"{base}/safety/hazards/{hazard_id}")
        assert_from_kit(page)
        expect(page.locator("#hazard-status")).to_be_visible()
        for image in page.locator(".photos img").all():
            assert loaded(image), image.get_attribute("src")


def test_the_inspector_s_day_opens_offline_from_a_cold_start(inspector, demo):
    inspector.set_offline(True)
    try:
        page = inspector.new_page()  # a cold start: a new page, offline
        walk_the_day(page, demo)
        page.close()
    finally:
        inspector.set_offline(False)


def test_the_day_opens_with_the_server_killed(inspector, server_up):
    server = server_up
    server.stop()
    page = inspector.new_page()
    walk_the_day(page, server)
    page.close()
    server.start()


def test_a_member_s_check_in_code_and_an_organizer_s_check_in_page_open_offline(
    demo, browser, browser_context_args
):
    member_id = demo_user_id(demo, "M0001")
    activity_id = query(
        demo,
        "SELECT a.id FROM activities a JOIN participations p ON p.activity_id = a.id "
        "WHERE p.user_id = ? AND p.status = 'confirmed' AND p.checked_in_at IS NULL "
        "AND a.status != 'cancelled' AND a.ends_at > datetime('now') ORDER BY a.starts_at",
        member_id,
    )[0]
    for employee_no, path in (
        ("M0001", f"/activities/{activity_id}"),
        ("O0001", f"/activities/{activity_id}/checkin"),
    ):
        context = ready_phone(browser, browser_context_args, demo, employee_no)
        context.set_offline(True)
        try:
            page = context.new_page()
            page.goto(demo.url + path)
            assert_from_kit(page)
            if employee_no == "M0001":
                assert loaded(page.locator("img.checkin-qr"))
                expect(page.locator(".checkin-code")).to_have_text(re.compile(r"^\d+-[A-Z2-7]{6}$"))
            else:
                # The scanner's scripts come from the kit: the camera button is offered.
                expect(page.locator("[data-scanner]")).to_be_visible()
                expect(page.locator("input[name=code]")).to_be_visible()
        finally:
            context.set_offline(False)
            context.close()
