"""On the floor without network: after one log-in, the worker scans the QR code on the lathe
(a fake camera films the printed code), its operating procedure opens from the phone's kit —
with the server stopped and the phone offline — and asks for the 学习签名 of its new
version; the confirmation waits on the phone and reaches the server once, on reconnect. The
works' emergency plan opens from the kit as well."""

import pytest
from playwright.sync_api import expect

from tests.browser.library.conftest import TITLE, assert_signed_once
from tests.browser.sync.conftest import outbox, wait_outbox_empty
from tests.browser.test_field_kit import assert_from_kit, query, ready_phone

WORKER = "G0003"  # 钱车工, 车工班: holds the gate's demo post 车工
PLAN = "触电事故现场处置方案"  # the demo's plan for the whole works


@pytest.fixture
def lathe(demo):
    [(document_id, version_id)] = query(
        demo, "SELECT id, current_version_id FROM library_documents WHERE title = ?", TITLE
    )
    return document_id, version_id


@pytest.fixture
def fake_camera(tmp_path, demo, lathe):
    """A camera that films the QR code printed on the lathe (see TESTING.md)."""
    import qrcode
    from PIL import Image

    code = qrcode.make(f"{demo.url}/library/documents/{lathe[0]}", border=4).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(code.resize((400, 400)), (120, 40))
    video = tmp_path / "lathe.mjpeg"
    with open(video, "wb") as out:
        for _ in range(30):
            frame.save(out, "JPEG", quality=90)
    return video


def test_a_machine_s_qr_opens_its_procedure_offline_and_the_confirmation_syncs_once(
    demo,
    server_up,
    lathe,
    browser_type,
    browser_type_launch_args,
    browser_context_args,
    fake_camera,
):
    document_id, version_id = lathe
    worker_id = query(demo, "SELECT id FROM users WHERE employee_no = ?", WORKER)[0]
    args = [
        *browser_type_launch_args.get("args", []),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera}",
    ]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        context = ready_phone(browser, browser_context_args, demo, WORKER)  # one log-in
        context.grant_permissions(["camera", "notifications", "background-sync"])
        demo.stop()  # the server is gone, and the phone is offline too
        context.set_offline(True)
        page = context.new_page()
        page.goto(demo.url + "/library/scan")
        assert_from_kit(page)
        page.get_by_role("button", name="用摄像头扫码").click()
        page.wait_for_url(f"**/library/documents/{document_id}", timeout=20_000)
        assert_from_kit(page)
        expect(page.locator("#document")).to_contain_text(TITLE)
        expect(page.locator("#document-version")).to_contain_text("第 2 版")
        expect(page.locator("#changes")).to_contain_text("装夹工件或测量前必须停车")
        # The works' emergency plan is on the phone too: needed when something goes wrong.
        [plan_id] = query(demo, "SELECT id FROM library_documents WHERE title = ?", PLAN)
        plan = context.new_page()
        plan.goto(f"{demo.url}/library/documents/{plan_id}")
        assert_from_kit(plan)
        expect(plan.locator("#document")).to_contain_text("立即切断电源")
        plan.close()
        # The new version asks for the 学习签名; given offline, it waits on the phone.
        page.get_by_role("button", name="我已学习并将遵照执行").click()
        expect(page.locator("#toast")).to_contain_text("已保存在本机")
        [record] = outbox(page)
        assert record["kind"] == "procedure_read"
        assert record["data"]["version_id"] == str(version_id)
        assert query(
            demo,
            "SELECT count(*) FROM library_read_confirmations WHERE user_id = ?",
            worker_id,
        ) == [0]

        demo.start()  # reconnect: the record goes, once
        context.set_offline(False)
        wait_outbox_empty(page, timeout_ms=30_000)
        assert_signed_once(demo, worker_id, version_id)
        page.goto(f"{demo.url}/library/documents/{document_id}")
        expect(page.locator("#confirmed")).to_contain_text("确认学习本版本")
        context.close()
    finally:
        browser.close()
