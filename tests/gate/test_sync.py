"""The `gate_check` outbox kind: a check made offline arrives once; a bad one says why and
writes nothing."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models.gate import CheckMethod, CheckResult, GateCheck
from tests.gate.factories import holder, make_world


def _record(data, record_id=None):
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "gate_check",
        "captured_at": datetime(2026, 11, 23, 7, 55, tzinfo=UTC).isoformat(),
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
