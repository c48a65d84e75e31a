"""The outbox in the shell and on its page, the worker's sync handler, and the hooks."""

import json
import re
import uuid
from pathlib import Path

from flask import url_for

from app import create_app
from app.blueprints.sync.registry import HandlerResult, SyncInvalid, registered_kinds, resolve
from app.blueprints.sync.strings import OUTBOX_EDIT_STRINGS
from app.features import registry
from app.models import AuditLog
from tests.helpers import text
from tests.sync.conftest import note, post_sync


def test_the_outbox_page_needs_a_log_in(client):
    response = client.get("/sync/outbox")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_outbox_page_is_ready_for_the_script(client, logged_in):
    page = text(client.get("/sync/outbox"))
    assert "<title>待发送 · 职工之家</title>" in page
    assert "立即同步" in page
    assert "没有待发送的记录。" in page
    assert 'data-outbox-pending="*" data-outbox-actions' in page
    assert "待发送列表需要启用 JavaScript。" in page  # the <noscript> notice


def test_the_shell_carries_the_user_the_count_and_the_strings(client, logged_in):
    page = text(client.get("/"))
    assert f'data-user-id="{logged_in.id}"' in page
    assert re.search(r'<a class="outbox-badge" href="/sync/outbox" data-outbox-count hidden', page)
    found = re.search(r'id="outbox-strings">(.*?)</script>', page, re.S)
    strings = json.loads(found[1])
    assert strings["login_to_sync"] == "登录后即可同步 %(n)s 条记录。"
    assert "登录后即可同步" in found[1]  # written as UTF-8: half the bytes of \u escapes
    assert strings["state_invalid"] == "需修改"
    assert "js/outbox-core.js?v=" in page and "js/outbox.js?v=" in page


def test_the_correction_s_strings_come_with_the_outbox_page_not_with_every_page(client, logged_in):
    """outbox-edit.js reads its texts from the outbox page (the phone keeps it): the pages a
    record may be corrected on, every form, do not carry them on their first load."""

    def table(url, name):
        found = re.search(rf'id="{name}-strings">(.*?)</script>', text(client.get(url)), re.S)
        return json.loads(found[1]) if found else None

    assert table("/sync/outbox", "outbox-edit")["edit_title"] == "修改待发送的记录"
    assert table("/sync/outbox", "outbox-edit")["photo_n"] == "照片 %(n)s"
    for page in ("/", "/safety/hazards/new"):
        assert table(page, "outbox-edit") is None
        assert "edit_title" not in table(page, "outbox")
        assert table(page, "outbox")["edit"] == "修改"  # the edit link in a pending list


def test_the_correction_has_a_word_of_its_own_for_each_text_in_both_languages(app):
    """Without the outbox page's table (the phone's copy predates it, no server), outbox-edit.js
    says its own short text for each one, Chinese or English, never the text's key."""
    source = (Path(app.static_folder) / "js" / "outbox-edit.js").read_text()
    english, chinese = re.search(
        r"const FALLBACK = [^{]*\{(.*?)\} : \{(.*?)\};", source, re.S
    ).groups()
    for table in (english, chinese):
        assert set(re.findall(r"(\w+): \"", table)) == set(OUTBOX_EDIT_STRINGS)
    assert re.search(r"[\u4e00-\u9fff]", chinese) and not re.search(r"[\u4e00-\u9fff]", english)


def test_the_shell_strings_follow_the_language_from_one_page_to_the_next(client, logged_in, db):
    """Each language's tables are made once and kept: a second language gets its own."""

    def strings(name):
        page = text(client.get("/"))
        return json.loads(re.search(rf'id="{name}-strings">(.*?)</script>', page, re.S)[1])

    assert strings("outbox")["state_invalid"] == "需修改"
    assert strings("kit")["photo_take"] == "拍照"
    logged_in.locale = "en"
    db.session.commit()
    assert strings("outbox")["state_invalid"] == "Needs fixing"
    assert strings("kit")["photo_take"] == "Take a photo"
    logged_in.locale = "zh_CN"
    db.session.commit()
    assert strings("outbox")["state_invalid"] == "需修改"


def test_a_refused_field_s_message_follows_its_name_as_the_language_writes_it(
    client, logged_in, db
):
    # outbox.js shows each of a refused record's errors as this, under the field's label.
    def field_error():
        page = text(client.get("/"))
        found = re.search(r'id="outbox-strings">(.*?)</script>', page, re.S)
        return json.loads(found[1])["field_error"] % {
            "label": "隐患描述",
            "message": "请输入标题。",
        }

    assert field_error() == "隐患描述：请输入标题。"
    logged_in.locale = "en"
    db.session.commit()
    assert field_error() == "隐患描述: 请输入标题。"


def test_the_log_in_page_has_no_user_and_no_badge(client):
    page = text(client.get("/auth/login"))
    assert 'data-user-id=""' in page
    assert "data-outbox-count" not in page


def test_the_worker_flushes_on_background_sync_and_precaches_the_outbox(client):
    source = client.get("/sw.js").get_data(as_text=True)
    assert re.search(r"importScripts\(`/static/js/outbox-core.js\?v=\$\{VERSION\}`\)", source)
    assert 'self.addEventListener("sync"' in source
    assert 'event.tag !== "outbox"' in source
    assert re.search(r'"/static/js/outbox-core.js\?v=\w+"', source)
    assert re.search(r'"/static/js/outbox.js\?v=\w+"', source)


def test_the_test_form_is_not_mounted_by_default(app, client, logged_in):
    assert "sync_test_form" not in app.view_functions
    assert client.get("/sync/_test_form").status_code == 404


def test_resolve_finds_what_a_record_became_for_its_owner_only(client, db, logged_in):
    record = note("原记录")
    [result] = post_sync(client, record).json["results"]
    entry = resolve("note", record["id"])
    assert isinstance(entry, AuditLog)
    assert result["url"].endswith(f"#note-{entry.id}")
    assert resolve("note", record["id"].upper(), logged_in) == entry
    assert resolve("hazard", record["id"]) is None
    assert resolve("note", "not-a-uuid") is None
    assert resolve("note", str(uuid.uuid4())) is None

    class Someone:
        id = logged_in.id + 1

    assert resolve("note", record["id"], Someone()) is None


def test_a_handler_that_breaks_answers_error_and_the_others_still_pass(app, client, db, logged_in):
    def broken(user, record):
        raise RuntimeError("a bug in a feature")

    registry().sync_kind("broken", broken)
    results = post_sync(client, {**note(), "kind": "broken"}, note("照常")).json["results"]
    assert [r["status"] for r in results] == ["error", "created"]
    assert results[0]["errors"] == {"record": ["服务器暂时无法保存这条记录，稍后会自动重试。"]}


def test_a_handler_refusal_rolls_back_what_it_wrote(client, db, logged_in):
    def half_then_refuse(user, record):
        db.session.add(AuditLog(action="half", target_type="", summary="写了一半"))
        db.session.flush()
        raise SyncInvalid({"area_id": ["请选择区域。"]})

    registry().sync_kind("half", half_then_refuse)
    [result] = post_sync(client, {**note(), "kind": "half"}).json["results"]
    assert result["status"] == "invalid"
    assert result["errors"] == {"area_id": ["请选择区域。"]}
    assert db.session.query(AuditLog).filter_by(action="half").count() == 0


def test_kinds_register_by_name_on_their_own_app(app, tmp_path):
    registry().sync_kind(
        "demo", lambda user, record: HandlerResult(url=url_for("sync.outbox"), obj=None)
    )
    assert "demo" in registered_kinds()
    other = create_app({"TESTING": True}, instance_path=str(tmp_path / "other"))
    with other.app_context():
        assert "demo" not in registered_kinds()


def test_errors_a_feature_raises_reach_the_phone_as_plain_text(client, logged_in):
    from flask_babel import lazy_gettext

    def lazy(user, record):
        raise SyncInvalid({"area_id": [lazy_gettext("Retry")], "note": "太长"})

    registry().sync_kind("lazy", lazy)
    [result] = post_sync(client, {**note(), "kind": "lazy"}).json["results"]
    assert result["errors"] == {"area_id": ["重试"], "note": ["太长"]}
