"""The `gate_check` outbox kind: a check made offline arrives once; a bad one says why and
writes nothing."""

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.blueprints.gate import services
from app.extensions import db
from app.models.gate import CheckMethod, CheckResult, GateCheck, Qualification
from tests.gate.factories import holder, make_world


def _record(data, record_id=None, captured_at=None):
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "gate_check",
        "captured_at": (captured_at or datetime(2026, 11, 23, 7, 55, tzinfo=UTC)).isoformat(),
        "data": data,
        "photos": [],
    }


def _post(client, *records):
    return client.post("/sync", json={"device": "phone-1", "records": list(records)})


def test_a_check_arrives_once_with_the_phone_s_time(client, auth):
    world = make_world()
    worker = holder(world, safety=100)
    auth.login(world.leader)
    record = _record(
        {
            "worker_id": worker.id,
            "post_id": str(world.post.id),
            "result": "refused",
            "reason": "缺少 叉车司机证",
            "method": "code",
        }
    )
    first = _post(client, record).json["results"][0]
    assert first["status"] == "created"
    again = _post(client, record).json["results"][0]
    assert again["status"] == "duplicate" and again["url"] == first["url"]
    (check,) = db.session.scalars(select(GateCheck)).all()
    assert check.worker_id == worker.id and check.post_id == world.post.id
    assert check.result is CheckResult.REFUSED and check.method is CheckMethod.CODE
    assert check.checker_id == world.leader.id and check.reason == "缺少 叉车司机证"
    assert check.captured_at == datetime(2026, 11, 23, 7, 55, tzinfo=UTC)


def test_bad_checks_say_why_and_write_nothing(client, auth):
    world = make_world()
    worker = holder(world, safety=100)
    auth.login(world.leader)
    good = {"worker_id": worker.id, "post_id": world.post.id, "result": "allowed"}
    results = _post(
        client,
        _record({**good, "worker_id": "nobody"}),
        _record({**good, "result": "maybe"}),
        _record({**good, "post_id": world.other_post.id}),  # another team's post
    ).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert "没有这名职工" in results[0]["errors"]["worker_id"][0]
    assert "您不负责核验本岗位的职工" in results[2]["errors"]["post_id"][0]
    assert db.session.scalar(select(func.count(GateCheck.id))) == 0


def _revoke_licence(world, person) -> Qualification:
    """The officer revokes `person`'s 叉车司机证 (违章作业), now."""
    licence = db.session.scalar(
        select(Qualification).where(
            Qualification.user_id == person.id, Qualification.type_id == world.forklift.id
        )
    )
    services.revoke_qualification(world.officer, licence, "违章作业")
    db.session.commit()
    return licence


def test_a_check_the_record_disagrees_with_is_marked_for_the_officer(client, auth):
    """A phone offline with an old copy let in a worker whose 叉车司机证 had been revoked: the
    check keeps the phone's 可以上岗, and the officer's list of checks says it disagrees with
    the system's record and why. A check the record agrees with is not marked."""
    world = make_world()
    revoked = holder(world, name="赵叉车", safety=100, forklift=400)
    fine = holder(world, name="钱叉车", safety=100, forklift=400)
    _revoke_licence(world, revoked)
    auth.login(world.leader)
    now = datetime.now(UTC)
    allowed = {"post_id": world.post.id, "result": "allowed", "method": "code"}
    results = _post(
        client,
        _record({**allowed, "worker_id": revoked.id}, captured_at=now),
        _record({**allowed, "worker_id": fine.id}, captured_at=now),
    ).json["results"]
    assert [r["status"] for r in results] == ["created"] * 2
    checks = {c.worker_id: c for c in db.session.scalars(select(GateCheck))}
    assert checks[revoked.id].result is CheckResult.ALLOWED  # as it was given at the entrance
    assert checks[revoked.id].mismatch == "叉车司机证 已吊销（违章作业）"
    assert checks[fine.id].mismatch is None
    auth.logout()
    auth.login(world.officer)
    page = client.get("/gate/checks").get_data(as_text=True)
    marks = re.findall(r"<p class=\"gate-mismatch-note\" data-mismatch>(.*?)</p>", page)
    assert marks == ["与系统记录不符：叉车司机证 已吊销（违章作业）"]
    assert page.count('class="gate-mismatch"') == 1
    assert "与系统记录不符（1）" in page
    only = client.get("/gate/checks?show=disagreeing").get_data(as_text=True)
    assert re.findall(r'<span class="row-title">(.*?)</span>', only) == ["赵叉车"]
    assert 'aria-current="page">与系统记录不符（1）' in only


def test_a_check_for_a_post_deleted_since_says_the_post_is_gone(client, auth):
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    gone_id = world.post.id
    db.session.delete(world.post)
    db.session.commit()
    auth.login(world.leader)
    data = {"worker_id": worker.id, "post_id": gone_id, "result": "allowed"}
    (result,) = _post(client, _record(data)).json["results"]
    assert result["status"] == "invalid"
    assert result["errors"]["post_id"] == [
        "该岗位已不存在（已被删除或停用）。请刷新岗位列表后重新选择。"
    ]


def test_the_disagreement_is_kept_in_the_house_language_whatever_the_phone_speaks(client, auth):
    """A leader who reads the app in English syncs a check the record disagrees with: the
    officer reads why in Chinese, the language the union's records are kept in."""
    world = make_world()
    worker = holder(world, name="李叉车", safety=100, forklift=400)
    _revoke_licence(world, worker)
    world.leader.locale = "en"
    db.session.commit()
    auth.login(world.leader)
    data = {"worker_id": worker.id, "post_id": world.post.id, "result": "allowed"}
    (result,) = _post(client, _record(data, captured_at=datetime.now(UTC))).json["results"]
    assert result["status"] == "created"
    assert db.session.scalar(select(GateCheck.mismatch)) == "叉车司机证 已吊销（违章作业）"


def test_a_check_made_before_a_revocation_later_that_day_is_not_marked(client, auth):
    """Let in at the entrance, the licence revoked an hour later the same day, the phone synced
    after: the record agreed at the moment of the check, so the officer's list marks nothing."""
    world = make_world()
    worker = holder(world, name="孙叉车", safety=100, forklift=400)
    licence = _revoke_licence(world, worker)
    auth.login(world.leader)
    data = {"worker_id": worker.id, "post_id": world.post.id, "result": "allowed"}
    before = licence.revoked_at - timedelta(seconds=1)
    (result,) = _post(client, _record(data, captured_at=before)).json["results"]
    assert result["status"] == "created"
    assert db.session.scalar(select(GateCheck.mismatch)) is None


def test_the_checks_list_pages_and_keeps_disagreeing_checks_of_the_leaders_posts(client, auth):
    """More than a page of checks: the pager reaches the oldest; a team leader's 与系统记录不符
    counts and lists only their posts' checks, and says when there is none."""
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    elsewhere = holder(world, post=world.other_post, safety=100)
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def kept(checker, person, post, when, **more):
        db.session.add(
            GateCheck(
                checker_id=checker.id,
                worker_id=person.id,
                post_id=post.id,
                result=CheckResult.ALLOWED,
                captured_at=when,
                **more,
            )
        )

    for n in range(51):
        kept(world.leader, worker, world.post, start + timedelta(minutes=n), reason=f"第{n}次")
    kept(world.officer, elsewhere, world.other_post, start, mismatch="焊工证 缺少")
    db.session.commit()
    auth.login(world.leader)
    first = client.get("/gate/checks").get_data(as_text=True)
    assert "第50次" in first and "第0次" not in first and "第 1 页，共 2 页" in first
    assert "第0次" in client.get("/gate/checks?page=2").get_data(as_text=True)
    assert "与系统记录不符（0）" in first
    none = client.get("/gate/checks?show=disagreeing").get_data(as_text=True)
    assert "没有与系统记录不符的核验。" in none and "焊工证" not in none
    auth.logout()
    auth.login(world.officer)
    assert "与系统记录不符（1）" in client.get("/gate/checks").get_data(as_text=True)
