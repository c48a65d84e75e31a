"""The gate in the field kit: everyone's own code; for a checker the check page with the
status of their departments. Revoking a qualification or a code changes the kit's version
(so phones fetch it again) and what the check page carries."""

import json
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.blueprints.gate import queries, services, standing
from app.extensions import db
from app.models.gate import GateCheck, Post, Qualification
from tests.factories import make_user
from tests.gate.factories import TODAY, holder, make_world


def _manifest(client):
    return client.get("/offline/manifest").json


def _payload(client):
    page = client.get("/gate/check").get_data(as_text=True)
    raw = re.search(r'<script type="application/json" id="gate-data">(.*?)</script>', page, re.S)
    return json.loads(raw.group(1))


def test_everyone_carries_their_code_and_a_checker_the_check_page(client, auth):
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    auth.login(worker)
    urls = _manifest(client)["urls"]
    assert "/gate/me" in urls and any(u.startswith("/gate/me/code.svg") for u in urls)
    assert "/gate/check" not in urls
    auth.logout()
    auth.login(world.leader)
    assert "/gate/check" in _manifest(client)["urls"]


def test_revoking_changes_the_kit_and_what_the_check_page_carries(client, auth):
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    code = services.code_for(worker)
    db.session.commit()
    auth.login(world.leader)
    before = _manifest(client)["version"]
    # nothing changed, the same version: the phone does not fetch its kit again
    assert _manifest(client)["version"] == before
    payload = _payload(client)
    me = next(w for w in payload["workers"] if w["id"] == worker.id)
    assert me["q"][str(world.forklift.id)]["revoked"] is None
    text = queries.code_text(code.token)
    assert payload["codes"][queries.code_hash(text)] == {"w": worker.id, "revoked": None}
    assert text not in json.dumps(payload)  # the kit holds hashes, not the codes

    qualification = db.session.scalar(
        select(Qualification).where(Qualification.type_id == world.forklift.id)
    )
    services.revoke_qualification(world.officer, qualification, "违章作业")
    db.session.commit()
    after_revoke = _manifest(client)["version"]
    assert after_revoke != before
    me = next(w for w in _payload(client)["workers"] if w["id"] == worker.id)
    assert me["q"][str(world.forklift.id)]["revoked"] == "违章作业"

    services.reissue_code(worker)
    db.session.commit()
    assert _manifest(client)["version"] != after_revoke
    codes = _payload(client)["codes"]
    assert codes[queries.code_hash(text)] == {"w": worker.id, "revoked": "reissued"}
    assert len(codes) == 2


def test_the_check_page_s_data_as_it_stands_is_the_checker_s_alone(client, auth):
    """What the open check page asks for before each check (gate-check.js): the same data
    the page carries, never kept by a cache; a worker who checks no one is refused it."""
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    auth.login(worker)
    assert client.get("/gate/check/data").status_code == 403
    auth.logout()
    assert client.get("/gate/check/data").status_code == 302  # to the log-in page
    auth.login(world.leader)
    fresh = client.get("/gate/check/data")
    assert fresh.headers["Cache-Control"] == "no-store"
    data, page = fresh.json, _payload(client)
    # each copy says when it was made, so a check decided on it can say how old it is
    assert data.pop("as_of") <= page.pop("as_of")
    assert data == page
    assert any(w["id"] == worker.id for w in fresh.json["workers"])


def test_the_check_without_javascript_decides_here(client, auth):
    world = make_world()
    worker = holder(world, name="赵叉车", safety=100, forklift=-20)
    auth.login(world.leader)
    page = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": worker.employee_no}
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "不得上岗" in body and "叉车司机证 已过期" in body
    unknown = client.post("/gate/check", data={"post_id": world.post.id, "employee_no": "NOPE"})
    assert unknown.status_code == 422
    assert "您核验的职工中没有这个工号。未作记录。" in unknown.get_data(as_text=True)
    assert db.session.scalar(select(func.count(GateCheck.id))) == 1


def test_the_check_without_javascript_says_what_the_phone_says(client, auth):
    """The notes of gate-check.js: not a holder of the post; the worker typed in any case;
    someone the leader does not check is unknown here, and nothing is recorded."""
    world = make_world()
    holding = holder(world, name="赵叉车", safety=100, forklift=100)
    team_mate = make_user(name="钱车工", department=world.team)  # holds no post
    stranger = holder(world, post=world.other_post, name="周焊工", safety=100)
    auth.login(world.leader)
    ok = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": holding.employee_no.lower()}
    )
    body = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "可以上岗" in body and "赵叉车" in body
    assert "车工班 · 叉车司机" in body and "不在本岗位人员名单上" not in body

    not_holder = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": team_mate.employee_no}
    )
    body = not_holder.get_data(as_text=True)
    assert not_holder.status_code == 200 and "不得上岗" in body
    assert "不在本岗位人员名单上。" in body

    outside = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": stranger.employee_no}
    )
    assert outside.status_code == 422
    assert "您核验的职工中没有这个工号。未作记录。" in outside.get_data(as_text=True)
    checks = db.session.scalars(select(GateCheck.worker_id).order_by(GateCheck.id)).all()
    assert checks == [holding.id, team_mate.id]


def test_a_member_who_checks_nobody_has_no_check_page(client, auth):
    make_world()
    auth.login(make_user())
    assert client.get("/gate/check").status_code == 403


def test_the_check_says_an_expiry_within_the_report_s_days_beside_the_verdict(client, auth):
    """A worker whose certificate runs out in 10 days was only 可以上岗, while the report said
    when it runs out. The verdict comes before the form, where a phone shows it."""
    world = make_world()
    soon = holder(world, name="孙叉车", safety=10, forklift=400)
    later = holder(world, name="李叉车", safety=standing.EXPIRY_DAYS + 1, forklift=400)
    auth.login(world.leader)
    page = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": soon.employee_no}
    )
    body = page.get_data(as_text=True)
    day = (TODAY + timedelta(days=10)).isoformat()
    assert re.search(rf'可以上岗 · <span class="gate-expiry">证书 {day} 到期</span></p>', body)
    assert body.index('id="gate-result"') < body.index("data-gate-form")
    page = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": later.employee_no}
    )
    body = page.get_data(as_text=True)
    assert "可以上岗" in body and 'class="gate-expiry"' not in body
    assert _payload(client)["expiry_days"] == standing.EXPIRY_DAYS


def test_the_check_names_each_certificate_that_runs_out_soon_and_when(client, auth):
    """可以上岗 · 证书 … 到期 did not say which certificate: under the verdict, each required
    one running out within the report's days is named with its day, soonest first; one
    running out later is not."""
    world = make_world()
    soon = holder(world, name="孙叉车", safety=10, forklift=20)
    later = holder(world, name="李叉车", safety=10, forklift=standing.EXPIRY_DAYS + 1)
    auth.login(world.leader)
    body = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": soon.employee_no}
    ).get_data(as_text=True)
    notes = re.findall(r'<p class="gate-expiry-note">(.*?)</p>', body)
    assert notes == [
        f"安全生产培训合格证 将于 {(TODAY + timedelta(days=10)).isoformat()} 到期",
        f"叉车司机证 将于 {(TODAY + timedelta(days=20)).isoformat()} 到期",
    ]
    body = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": later.employee_no}
    ).get_data(as_text=True)
    assert re.findall(r'<p class="gate-expiry-note">(.*?)</p>', body) == [
        f"安全生产培训合格证 将于 {(TODAY + timedelta(days=10)).isoformat()} 到期"
    ]
    strings = re.search(r'id="gate-strings">(.*?)</script>', body, re.S).group(1)
    assert json.loads(strings)["expiring"] == "%(type)s 将于 %(date)s 到期"  # the phone's too


def test_a_post_closed_since_the_page_opened_is_said_so_not_choose_the_post(client, auth):
    """The leader chose 叉车司机, then it was closed: the check said 请选择岗位 as if none had
    been chosen. It says the post is gone and to refresh the list; nothing is recorded."""
    world = make_world()
    worker = holder(world, safety=100, forklift=400)
    db.session.add(Post(department_id=world.team.id, name="车工"))
    auth.login(world.leader)
    gone = "该岗位已不在您的岗位列表中：已被删除或停用，或已不由您核验。请刷新岗位列表后重新选择。"
    strings = re.search(r'id="gate-strings">(.*?)</script>', client.get("/gate/check").text, re.S)
    assert json.loads(strings.group(1))["post_gone"] == gone  # what the phone says
    world.post.active = False
    db.session.commit()
    page = client.post(
        "/gate/check", data={"post_id": world.post.id, "employee_no": worker.employee_no}
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and gone in body and "请选择岗位" not in body
    assert db.session.scalar(select(func.count(GateCheck.id))) == 0
