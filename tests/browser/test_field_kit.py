"""The field kit on a fresh phone: after one log-in, with no other page visited, a whole day
of the demo inspector opens offline — by `set_offline` and with the server killed — styled,
with its images; every link and form of the kit works offline or says it needs the network;
the outbox empties within seconds of the server coming back; a follow-up shows at once.

One logged-in inspector context is shared by the tests of this module (they run in order).
"""

import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_until

READY = "已可离线使用"  # i18n
# i18n: what a link, a form or an htmx button that needs the network says offline
NEEDS_NETWORK = re.compile("需要网络|没有网络连接")
SAVED = "已保存在本机"  # i18n
# The buttons of forms that only the server answers (not kept in the outbox or done on the
# phone): offline each is marked 需联网 before anyone taps it.
ASKS_SERVER = (
    "form[method=post]:not([data-outbox]):not([data-works-offline]) [type=submit],"
    "[data-kit-refresh]"
)


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
    if page.evaluate("document.contentType").startswith("image/"):
        return  # a QR code or a photo opened on its own
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


CRAWL_LIMIT = 400  # links and forms tried, at most


def _settle(page, before: str, form: int | None = None) -> str:
    """What a tap led to: "page" (another page opened), "said" (the page said why not),
    "asked" (the phone pointed at a field that must be filled in first) or "nothing"."""
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        if page.url != before:
            page.wait_for_load_state()
            return "page"
        try:
            toast = page.locator("#toast")
            if toast.is_visible() and toast.inner_text().strip():
                return "said"
            if form is not None and page.evaluate(
                "i => document.forms[i]?.contains(document.activeElement)"
                " && !document.forms[i].checkValidity()",
                form,
            ):
                return "asked"
        except Exception:  # the page is navigating
            pass
        time.sleep(0.05)
    return "nothing"


def _hide_toast(page):
    page.evaluate("() => { const t = document.getElementById('toast'); if (t) t.hidden = true; }")


@pytest.mark.heavy
def test_no_dead_ends_offline(inspector, demo):
    """From the start URL offline, every same-origin link and every form of every kit page
    opens a kit page, or keeps the record in the outbox, or says plainly it needs the network,
    or (a form sent empty) points at the field that must be filled in first."""
    base = demo.url
    inspector.set_offline(True)
    page = inspector.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    started = time.monotonic()
    try:
        queue, visited, tried = [base + "/?source=pwa"], set(), set()
        said = dict.fromkeys(("links", "forms", "pages", "outbox", "asked", "marked", "refresh"), 0)
        while queue and len(tried) < CRAWL_LIMIT:
            url = queue.pop(0)
            if url in visited:
                continue
            visited.add(url)
            page.goto(url)
            assert_from_kit(page)
            if buttons := page.locator(ASKS_SERVER).count():
                wait_until(
                    page,
                    f"() => [...document.querySelectorAll({ASKS_SERVER!r})]"
                    ".every(b => b.matches('.needs-network')"
                    " && b.dataset.offlineMark === '需联网')",
                )
                said["marked"] += buttons
            if page.locator("[data-kit-refresh]").count():  # 我的: update the offline pages
                _hide_toast(page)
                page.locator("[data-kit-refresh]").click()
                expect(page.locator("#toast")).to_contain_text(NEEDS_NETWORK)
                said["refresh"] += 1
            links = page.eval_on_selector_all(
                "a[href]",
                "els => els.map((a, i) => [i, a.href.split('#')[0], a.target])",
            )
            for index, href, target in links:
                if not href.startswith(base) or href in tried or len(tried) >= CRAWL_LIMIT:
                    continue
                tried.add(href)
                if target == "_blank":  # a photo in full: opened on its own
                    response = page.goto(href)
                    assert response is not None and response.ok, href
                    page.goto(url)
                    continue
                if page.url != url:
                    page.goto(url)
                _hide_toast(page)
                page.evaluate("i => document.querySelectorAll('a[href]')[i].click()", index)
                outcome = _settle(page, url)
                assert outcome != "nothing", f"{href} on {url}: nothing happened"
                if outcome == "page":
                    assert_from_kit(page)
                    said["pages"] += 1
                    if page.evaluate("document.contentType") == "text/html":
                        queue.append(page.url.split("#")[0])
                else:
                    expect(page.locator("#toast")).to_contain_text(NEEDS_NETWORK)
                    said["links"] += 1
            page.goto(url)
            forms = page.eval_on_selector_all(
                "form",
                "els => els.map((f, i) => [i, f.getAttribute('action') || '', f.method,"
                " f.dataset.outbox || ''])",
            )
            for index, action, method, kind in forms:
                key = ("form", action or url, method, kind)
                if key in tried or len(tried) >= CRAWL_LIMIT:
                    continue
                tried.add(key)
                if page.url != url:
                    page.goto(url)
                _hide_toast(page)
                page.evaluate(
                    "i => { const f = document.forms[i]; f.noValidate = true; f.requestSubmit(); }",
                    index,
                )
                outcome = _settle(page, url, form=index)
                assert outcome != "nothing", f"form {action} on {url}: nothing happened"
                if outcome == "page":
                    assert_from_kit(page)
                    said["pages"] += 1
                elif outcome == "asked":
                    assert kind, f"form {action} on {url}: a field asked for, not in the outbox"
                    said["asked"] += 1
                elif kind:
                    expect(page.locator("#toast")).to_contain_text(SAVED)
                    said["outbox"] += 1
                else:
                    expect(page.locator("#toast")).to_contain_text(NEEDS_NETWORK)
                    said["forms"] += 1
        took = time.monotonic() - started
        print(f"crawled {len(visited)} pages, tried {len(tried)} links and forms in {took:.0f} s")
        print(said)
        assert len(visited) >= 30, visited
        assert said["outbox"] >= 1 and said["asked"] >= 2, said
        assert said["links"] >= 1 and said["forms"] >= 1 and said["marked"] >= 1, said
        assert said["refresh"] == 1, said
    finally:
        # The empty records the crawl kept stay on this phone only.
        page.goto(base + "/sync/outbox")
        page.evaluate(
            "async () => { for (const r of await WHOutbox.list()) await WHOutbox.remove(r.id); }"
        )
        inspector.set_offline(False)
        page.close()


@pytest.mark.heavy
def test_the_outbox_empties_within_seconds_of_the_server_answering_again(inspector, server_up):
    server = server_up
    page = inspector.new_page()
    page.goto(server.url + "/safety/hazards/new")
    server.stop()
    page.fill("input[name=title]", "服务器停机时上报的隐患")
    page.select_option("select[name=area_id]", index=1)
    page.select_option("select[name=category]", index=1)
    page.select_option("select[name=severity]", value="general")
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#toast")).to_contain_text(SAVED)  # it really waits
    # The record says why it waits: the network is up, the server is not answering.
    expect(page.locator("[data-outbox-why]")).to_contain_text("服务器没有响应")
    expect(page.locator("[data-outbox-why]")).to_contain_text("下次尝试")
    down = time.monotonic()
    # The outbox page (from the kit) says the same, and "sync now" answers in words.
    page.goto(server.url + "/sync/outbox")
    expect(page.locator("[data-outbox-why]")).to_contain_text("上次尝试")
    page.get_by_role("button", name="立即同步").click()
    expect(page.locator("[data-outbox-sync-result]")).to_contain_text("服务器没有响应")
    time.sleep(max(0, 30 - (time.monotonic() - down)))  # 30 s away, the outbox page open
    server.start()  # returns once the server answers
    answered = time.monotonic()
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=10_000)
    took = time.monotonic() - answered
    assert took <= 5, f"the outbox emptied {took:.1f} s after the server answered"
    title = "服务器停机时上报的隐患"
    assert query(server, "SELECT count(*) FROM hazards WHERE title = ?", title) == [1]
    page.close()


def test_a_follow_up_shows_on_its_hazard_once_synced(inspector, demo):
    inspector_id = demo_user_id(demo, "I0001")
    hazard_id = query(
        demo,
        "SELECT id FROM hazards WHERE assignee_id = ? AND status IN ('assigned', 'rectifying') "
        "ORDER BY id",
        inspector_id,
    )[0]
    other_id = next(h for h in open_hazards(demo, inspector_id) if h != hazard_id)
    page = inspector.new_page()
    # A comment kept offline on another hazard waits under that hazard only.
    inspector.set_offline(True)
    try:
        page.goto(f"{demo.url}/safety/hazards/{other_id}")
        page.locator("#action-comment summary").click()
        page.locator("#action-comment textarea[name=note]").fill("离线时补充的说明")
        page.locator("#action-comment button[type=submit]").click()
        expect(page.locator("[data-outbox-pending=hazard_event] li")).to_have_count(1)
        page.goto(f"{demo.url}/safety/hazards/{hazard_id}")
        expect(page.locator("#hazard-status")).to_be_visible()
        expect(page.locator("[data-outbox-pending=hazard_event] li")).to_have_count(0)
    finally:
        inspector.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    page.goto(f"{demo.url}/safety/hazards/{hazard_id}")
    page.evaluate("window.sameLoad = true")  # gone if the page reloads
    page.locator("#action-rectify summary").click()
    page.locator("#action-rectify textarea[name=note]").fill("防护罩已重新安装")
    page.locator("#action-rectify button[type=submit]").click()

    expect(page.locator("#hazard-status")).to_have_text("待验收")  # i18n
    expect(page.locator("#timeline")).to_contain_text("防护罩已重新安装")
    expect(page.locator("#action-rectify")).to_have_count(0)  # the used form is gone
    expect(page.locator("#toast")).to_contain_text("已发送")
    expect(page.locator("#toast")).not_to_contain_text(SAVED)
    assert page.evaluate("window.sameLoad") is True
    assert query(demo, "SELECT status FROM hazards WHERE id = ?", hazard_id) == [
        "awaiting_verification"
    ]
    page.close()


def test_a_round_captured_with_a_glove(inspector, demo, tmp_path):
    """Camera tiles with previews and removal, the time the round was opened, "all OK", and
    a hazard raised in one tap from a "no", kept with the round and sent after it."""
    from PIL import Image

    area_id = patrol_areas(demo)[0]
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (1200, 900), (200, 60, 40)).save(photo, "JPEG")
    inspector.set_offline(True)
    page = inspector.new_page()
    try:
        page.goto(f"{demo.url}/safety/patrols/round/{area_id}")
        first = page.locator(".checklist-items > li").first
        file_input = first.locator("input[type=file][name]")
        expect(file_input).to_have_attribute("capture", "environment")
        assert file_input.bounding_box()["width"] <= 1  # no native "Choose Files"
        expect(first.locator(".photo-take")).to_be_visible()
        file_input.set_input_files([str(photo), str(photo)])
        expect(first.locator(".photo-preview img")).to_have_count(2)
        first.locator(".photo-remove").first.click()
        expect(first.locator(".photo-preview img")).to_have_count(1)

        page.get_by_role("button", name="其余各项全部正常").click()
        assert page.locator(".answer-choices input[value=yes]:checked").count() == (
            page.locator(".checklist-items > li").count()
        )
        first.locator("label", has_text="否").click()
        offer = first.locator("[data-round-hazard]")
        expect(offer).to_be_visible()
        offer.get_by_text("同时上报隐患").click()
        # The title offered is the one stored: the item's wording alone reads as all being well.
        wording = first.locator(".answer-choices").get_attribute("aria-label")
        title = first.locator("[data-hazard-field=title]").input_value()
        assert wording and title == f"不符合：{wording}"
        first.locator("input[type=text][name$='[note]']").fill("灭火器压力不足")
        page.get_by_role("button", name="保存本轮巡查").click()
        expect(page.locator("#toast")).to_contain_text(SAVED)
        wait_until(page, "async () => (await WHOutbox.list()).length === 2")
        patrol, hazard = page.evaluate("WHOutbox.list()")
        assert patrol["kind"] == "patrol" and hazard["kind"] == "hazard"
        assert patrol["data"]["started_at"] <= patrol["data"]["finished_at"]
        assert len(patrol["photos"]) == 1
        assert hazard["data"]["patrol_id"] == patrol["id"]
        assert hazard["data"]["title"] == title
        assert hazard["data"]["description"] == "灭火器压力不足"
        assert str(hazard["data"]["area_id"]) == str(area_id)
    finally:
        inspector.set_offline(False)
    wait_until(page, "async () => (await WHOutbox.list()).length === 0", timeout_ms=15_000)
    # The hazard points at the round it was raised in, which kept the time it was opened.
    rows = query(
        demo,
        "SELECT h.patrol_id, p.area_id, p.started_at <= p.finished_at, h.title FROM hazards h "
        "JOIN patrols p ON p.id = h.patrol_id WHERE h.client_id = ?",
        hazard["id"],
    )
    assert rows and rows[0][1] == area_id and rows[0][2] == 1
    assert rows[0][3] == title  # as the inspector saw it
    page.close()


@pytest.fixture
def fake_camera(tmp_path, demo):
    """A camera that films the printed QR code of a checkpoint (see TESTING.md)."""
    import qrcode
    from PIL import Image

    areas = set(patrol_areas(demo))
    checkpoint_id, area_id = next(
        row
        for row in query(demo, "SELECT id, area_id FROM checkpoints ORDER BY id")
        if row[1] in areas
    )
    code = qrcode.make(f"{demo.url}/safety/checkpoints/{checkpoint_id}", border=4).convert("RGB")
    code = code.resize((400, 400))
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(code, (120, 40))
    video = tmp_path / "qr.mjpeg"
    with open(video, "wb") as out:
        for _ in range(30):
            frame.save(out, "JPEG", quality=90)
    return video, area_id


def test_the_scanner_opens_a_checkpoint_s_round_offline(
    demo, browser_type, browser_type_launch_args, browser_context_args, fake_camera
):
    video, area_id = fake_camera
    args = [
        *browser_type_launch_args.get("args", []),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        context = ready_phone(browser, browser_context_args, demo, "I0001")
        context.grant_permissions(["camera"])
        context.set_offline(True)
        page = context.new_page()
        page.goto(demo.url + "/safety/scan")
        assert_from_kit(page)
        page.get_by_role("button", name="用摄像头扫码").click()
        page.wait_for_url(f"**/safety/patrols/round/{area_id}", timeout=20_000)
        assert_from_kit(page)
        expect(page.locator("form[data-outbox=patrol]")).to_be_visible()
        context.close()
    finally:
        browser.close()
