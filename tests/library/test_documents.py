"""Rules and procedures: versions keep the old text readable, a new version asks the
workers of its posts to confirm (学习签名) — through the outbox, once — and the team leader
sees who has not; the field kit holds the documents of a person's posts and areas and the
emergency plans that apply to them."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.blueprints.library import services
from app.blueprints.pwa.kit import kit_for
from app.extensions import db
from app.models import Notification
from app.models.gate import Post, PostHolder
from app.models.library import DocumentVersion, ReadConfirmation
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.library.conftest import revise
from tests.safety.factories import make_area


def _record(version_id, record_id=None):
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "procedure_read",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": {"version_id": version_id, "title": "规程"},
        "photos": [],
    }


def test_a_new_version_keeps_the_old_one_readable_and_says_what_changed(client, auth, world):
    revise(world)
    auth.login(world.worker)
    page = text(client.get(f"/library/documents/{world.document.id}"))
    assert "第 2 版" in page and "测量前停车。" in page
    assert '<strong>修订内容</strong>：<span class="pre">新增测量前停车。</span>' in page
    old = text(client.get(f"/library/documents/{world.document.id}/versions/1"))
    assert "第 1 版" in old and "阅读当前版本" in old
    assert (
        '<p class="pre">测量前停车。</p>' in page and '<p class="pre">测量前停车。</p>' not in old
    )
    # The workers of the post were told, with a link to the document.
    told = set(db_scalars(select(Notification.user_id)))
    assert {world.worker.id, world.other_worker.id} <= told


def test_the_first_version_s_note_is_said_in_the_reader_s_language(client, auth, world, db):
    """It was stored in the publisher's language, so "首次发布。" stood in the English page."""
    revise(world)
    first = db.session.scalar(select(DocumentVersion).where(DocumentVersion.number == 1))
    assert first.changes == ""  # no note was written: none is kept
    auth.login(world.worker)
    url = f"/library/documents/{world.document.id}"
    assert "第 1 版</span>" in text(client.get(url)) and "首次发布。" in text(client.get(url))
    client.post("/locale", data={"locale": "en"})
    english = text(client.get(url))
    assert "First version." in english and "首次发布" not in english


def db_scalars(query):
    from app.extensions import db

    return db.session.scalars(query).all()


def test_the_confirmation_syncs_once_and_the_team_leader_sees_who_has_not(client, auth, world, db):
    version = revise(world)
    auth.login(world.worker)
    page = text(client.get(f"/library/documents/{world.document.id}"))
    assert "学习签名" in page
    record = _record(version.id)
    first = client.post("/sync", json={"device": "p", "records": [record]}).json["results"][0]
    again = client.post("/sync", json={"device": "p", "records": [record]}).json["results"][0]
    assert (first["status"], again["status"]) == ("created", "duplicate")
    assert first["url"] == again["url"] == f"/library/documents/{world.document.id}"
    # The same confirmation from the form (another phone) is the same one.
    client.post(f"/library/documents/{world.document.id}/confirm", data={"version_id": version.id})
    assert db.session.scalar(select(func.count(ReadConfirmation.id))) == 1
    assert "您已于" in text(client.get(f"/library/documents/{world.document.id}"))
    auth.logout()

    auth.login(world.leader)  # leads 车工班: sees its worker, not the other team's
    page = text(client.get(f"/library/documents/{world.document.id}/readers"))
    assert "孙车工" in page and "已确认" in page and "周铣工" not in page
    auth.logout()
    auth.login(world.publisher)  # sees everyone: the other team's worker has not confirmed
    page = text(client.get(f"/library/documents/{world.document.id}/readers"))
    assert 'data-reader="W0002"' in page and "未确认" in page
    assert "1 人尚未确认" in page


def test_a_refused_confirmation_says_why_and_writes_nothing(client, auth, world, db):
    auth.login(world.worker)
    for bad in (999999, "abc", None, True, -1):
        result = client.post("/sync", json={"device": "p", "records": [_record(bad)]}).json[
            "results"
        ][0]
        assert result["status"] == "invalid"
        assert "该文件版本不存在" in result["errors"]["version_id"][0]
    response = client.post(
        f"/library/documents/{world.document.id}/confirm", data={"version_id": "x"}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(ReadConfirmation.id))) == 0


def test_the_field_kit_holds_the_documents_of_posts_and_areas_and_changes_with_a_version(
    client, auth, world, app
):
    outsider = make_user(name="外人")
    url = f"/library/documents/{world.document.id}"
    with app.test_request_context():
        worker_kit = kit_for(world.worker)
        other_kit = kit_for(world.other_worker)
        outsider_kit = kit_for(outsider)
    assert url in worker_kit["urls"] and "/library/scan" in worker_kit["urls"]
    assert url in other_kit["urls"]  # by the post (and the area of the workshop)
    assert url not in outsider_kit["urls"]
    revise(world)
    with app.test_request_context():
        assert kit_for(world.worker)["version"] != worker_kit["version"]


def _publish(world, title, category="emergency", area=None, post=None):
    data = MultiDict({"title": title, "category": category, "body": "切断电源。\n\n拨打120。"})
    if area is not None:
        data["area_id"] = str(area.id)
    if post is not None:
        data["post_ids"] = str(post.id)
    document = services.publish_document(world.publisher, data)
    db.session.commit()
    return f"/library/documents/{document.id}"


def test_the_field_kit_holds_the_emergency_plans_that_apply_to_the_person(client, auth, world, app):
    """An emergency plan is read by whoever is there when something goes wrong: a worker's
    phone keeps the plans of the whole works, of their areas, and of any post of their team
    or workshop, not only of their own posts; not another workshop's, nor other documents."""
    elsewhere = make_department("动力车间")
    other_room = make_area(elsewhere, name="10kV配电室")
    forklift = Post(department_id=world.team.id, name="叉车司机", active=True)
    their_post = Post(department_id=elsewhere.id, name="电工", active=True)
    db.session.add_all([forklift, their_post])
    db.session.commit()
    works = _publish(world, "火灾事故现场处置方案")
    area = _publish(world, "车床区机械伤害处置方案", area=world.area)
    team_post = _publish(world, "叉车事故现场处置方案", post=forklift)
    other_area = _publish(world, "配电室触电处置方案", area=other_room)
    other_post = _publish(world, "电工高处坠落处置方案", post=their_post)
    rule = _publish(world, "职工考勤与休假管理规定", category="company")
    outsider = make_user(name="外人")
    with app.test_request_context():
        urls = kit_for(world.worker)["urls"]
        outsider_urls = kit_for(outsider)["urls"]
    assert {works, area, team_post} <= set(urls)
    assert not {other_area, other_post, rule} & set(urls)
    assert works in outsider_urls and not {area, team_post} & set(outsider_urls)
    auth.login(world.worker)
    listed = text(client.get("/library/")).split('id="my-documents"')[1].split("</ul>")[0]
    assert "我的岗位、区域和应急处置方案" in text(client.get("/library/"))
    assert "火灾事故现场处置方案" in listed and "配电室触电处置方案" not in listed


def test_the_home_card_asks_for_the_confirmation(client, auth, world, db):
    revise(world)
    auth.login(world.worker)
    home = text(client.get("/"))
    assert "待学习确认的操作规程" in home
    version = db.session.scalar(select(DocumentVersion).order_by(DocumentVersion.id.desc()))
    # Hidden on a phone that holds the signature, not yet sent (outbox-done.js).
    assert (
        f'data-outbox-hide-when="procedure_read" data-outbox-match="version_id={version.id}"'
        in home
    )
    client.post("/sync", json={"device": "p", "records": [_record(version.id)]})
    assert "待学习确认的操作规程" not in text(client.get("/"))


def test_publishing_refuses_bad_input_and_writes_nothing(client, auth, world, db):
    auth.login(world.publisher)
    before = db.session.scalar(select(func.count(DocumentVersion.id)))
    response = client.post(
        "/library/documents/new",
        data={"title": "", "category": "nope", "area_id": "999999", "post_ids": "abc", "body": ""},
    )
    assert response.status_code == 422
    page = text(response)
    assert "必填" in page and "请从列表中选择区域" in page and "请从列表中选择岗位" in page
    response = client.post(
        f"/library/documents/{world.document.id}/revise",
        data={"title": "规程", "category": "procedure", "body": "新的", "changes": ""},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == before


def test_the_team_leaders_card_in_english_counts_in_singular_and_plural(client, auth, world, db):
    """It said "1 confirmations missing on 1 procedures"."""
    revise(world)
    world.leader.locale = "en"
    db.session.commit()
    auth.login(world.leader)
    assert "1 confirmation missing on 1 procedure." in text(client.get("/"))
    turner = make_user(name="赵车工", employee_no="W0003", department=world.team)
    db.session.add(PostHolder(post_id=world.post.id, user_id=turner.id))
    db.session.commit()
    assert "2 confirmations missing on 1 procedure." in text(client.get("/"))


def test_the_team_leader_is_told_who_has_not_confirmed(client, auth, world, db):
    version = revise(world)
    auth.login(world.leader)
    home = text(client.get("/"))
    assert "班组有待学习确认的操作规程" in home and "尚缺 1 人次" in home  # 孙车工, not 周铣工
    assert "1 项规程尚缺 1 人次学习签名。" in home
    assert "1 人未确认" in text(client.get("/library/"))
    auth.logout()
    auth.login(world.worker)
    client.post("/sync", json={"device": "p", "records": [_record(version.id)]})
    auth.logout()
    auth.login(world.leader)
    assert "班组有待学习确认的操作规程" not in text(client.get("/"))
    assert "本班组尚未确认" not in text(client.get("/library/"))


def test_the_confirmation_part_is_refetched_when_its_record_syncs(client, auth, world, db):
    """outbox.js refetches the page (as an offline copy) and swaps in the marked part by id:
    the prompt and the button give way to the confirmation without a reload."""
    version = revise(world)
    auth.login(world.worker)
    url = f"/library/documents/{world.document.id}"
    before = client.get(url).get_data(as_text=True)
    assert '<section class="card" id="read-confirmation" data-refresh-on-sync>' in before
    assert "我已学习并将遵照执行" in before
    client.post("/sync", json={"device": "p", "records": [_record(version.id)]})
    fresh = client.get(url, headers={"X-Offline-Copy": "1"}).get_data(as_text=True)
    part = fresh[
        fresh.index('id="read-confirmation"') : fresh.index(
            "</section>", fresh.index('id="read-confirmation"')
        )
    ]
    assert 'id="confirmed"' in part
    assert "请学习本版本" not in part and "我已学习并将遵照执行" not in part


def test_with_the_text_unchanged_only_the_details_change_and_the_sign_offs_stay(
    client, auth, world, db
):
    """Republishing the same text made a new version that asked everyone to sign again; a
    new title (or other posts) with the text as it stands is a change of details."""
    from app.blueprints.library.services import confirm_read

    current = world.document.current_version
    confirm_read(world.worker, {"version_id": current.id})
    db.session.commit()
    auth.login(world.publisher)
    response = client.post(
        f"/library/documents/{world.document.id}/revise",
        data={
            "title": "车床安全操作规程（2026）",
            "category": "procedure",
            "post_ids": str(world.post.id),
            "body": current.body.replace("\n", "\r\n") + "\r\n",  # as a browser sends it
            "changes": "",
        },
    )
    assert response.status_code == 303
    page = text(client.get(response.location))
    assert "已保存规程信息。正文没有改动，不需要大家重新学习签名。" in page
    assert "车床安全操作规程（2026）" in page
    db.session.expire_all()
    assert world.document.current_version_id == current.id
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 1
    auth.logout()
    auth.login(world.worker)
    assert "待学习确认的操作规程" not in text(client.get("/"))
