import io
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.blueprints.safety import services
from app.errors import ValidationFailed
from app.models import Role
from app.models.hazards import Hazard, Photo
from app.models.safety import (
    ChecklistVersion,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolStatus,
    week_start,
)
from app.services.inputs import local_today
from tests.factories import make_user
from tests.safety.factories import assign, jpeg_bytes, make_area, make_checklist, make_hazard

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def setup(app):
    make_checklist(items=("通道畅通", "防护罩完好"))
    return make_area(kind="production"), make_user(Role.INSPECTOR, name="张群监")


def test_run_a_patrol_and_raise_a_hazard_from_a_no(client, auth, setup, db):
    area, inspector = setup
    auth.login(inspector)
    response = client.post("/safety/patrols", data={"area_id": area.id})
    assert response.status_code == 303
    patrol = db.session.scalar(select(Patrol))
    url = f"/safety/patrols/{patrol.id}"
    first, second = patrol.checklist_version.items
    early = client.post(url + "/finish", data={})
    assert early.status_code == 422 and "还有 2 项未答" in early.get_data(as_text=True)

    client.post(url + "/answers", data={"item_id": first.id, "answer": "yes"})
    fragment = client.post(
        url + "/answers",
        data={"item_id": second.id, "answer": "no", "note": "1号车床防护罩缺失"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "<html" not in fragment and "上报隐患" in fragment
    answer = next(a for a in patrol.answers if a.item_id == second.id)

    form = client.get(f"/safety/hazards/new?answer_id={answer.id}").get_data(as_text=True)
    # The title says what was not met: the item's wording alone reads as all being well.
    assert 'value="不符合：防护罩完好"' in form and "1号车床防护罩缺失" in form
    response = client.post(
        "/safety/hazards/new",
        data={
            "title": "防护罩完好",
            "area_id": area.id,
            "category": "machinery",
            "severity": "serious",
            "patrol_id": patrol.id,
            "answer_id": answer.id,
        },
    )
    assert response.status_code == 303
    assert "防护罩完好" in client.get(url).get_data(as_text=True).split("本次巡查发现")[1]
    assert client.post(url + "/finish", data={"note": "发现1处隐患"}).status_code == 303
    db.session.refresh(patrol)
    assert patrol.status is PatrolStatus.FINISHED
    assert patrol.finished_at is not None
    refused = client.post(url + "/answers", data={"item_id": first.id, "answer": "no"})
    assert refused.status_code == 409


def test_the_round_page_offers_a_no_s_hazard_as_what_was_not_met(client, auth, setup, db):
    """The whole round offers a hazard from each "no" with the title it is stored with: the
    item's wording alone (防护罩完好) reads as all being well. The page is the one the phone
    keeps, so offline it says the same."""
    area, inspector = setup
    auth.login(inspector)
    page = client.get(f"/safety/patrols/round/{area.id}").get_data(as_text=True)
    first, second = db.session.scalars(select(ChecklistVersion)).one().items
    for item in (first, second):
        title = re.search(rf'id="round-hazard-title-{item.id}"[^>]*>', page)[0]
        assert f'value="不符合：{item.text}"' in title


def test_the_round_that_works_offline_comes_before_the_patrol_that_needs_the_server(
    client, auth, setup
):
    """Offline, 开始巡查 is marked as needing the network: the whole round, which works
    without it, is the first thing on the page, not folded away below it."""
    area, inspector = setup
    auth.login(inspector)
    page = client.get("/safety/patrols").get_data(as_text=True)
    whole_round = page.index('id="whole-round" open')  # its areas shown, not to be unfolded
    assert f'href="/safety/patrols/round/{area.id}"' in page[whole_round:]
    assert whole_round < page.index('action="/safety/patrols"') < page.index("开始巡查")


def test_bad_answers_are_refused(client, auth, setup, db):
    area, inspector = setup
    other_checklist = make_checklist(kind="office", items=("别的表",))
    patrol, _ = services.start_patrol(inspector, {"area_id": area.id})
    db.session.commit()
    auth.login(inspector)
    foreign_item = other_checklist.current_version.items[0]
    response = client.post(
        f"/safety/patrols/{patrol.id}/answers",
        data={"item_id": patrol.checklist_version.items[0].id, "answer": "maybe"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "请从给出的选项中选择。" in response.get_data(
        as_text=True
    )
    with pytest.raises(services.ValidationFailed):
        services.answer_item(inspector, patrol, {"item_id": foreign_item.id, "answer": "yes"})


def test_members_cannot_patrol(client, auth, setup):
    area, _ = setup
    auth.login(make_user())
    assert client.post("/safety/patrols", data={"area_id": area.id}).status_code == 403
    assert client.get("/safety/patrols").status_code == 403


def _round_from_nine_to_twenty_past(area, version) -> dict:
    """A whole round as the outbox sends it: every item 是, 09:00–09:20 Beijing time."""
    return {
        "area_id": area.id,
        "checklist_id": version.id,
        "started_at": "2026-11-23T09:00:00+08:00",
        "finished_at": "2026-11-23T09:20:00+08:00",
        "answers": [{"item_id": i.id, "answer": "yes", "note": ""} for i in version.items],
    }


def test_a_whole_patrol_from_the_outbox_is_idempotent(setup, db):
    area, inspector = setup
    version = services.checklist_for(area)
    data = _round_from_nine_to_twenty_past(area, version)
    client_id = "6f1c1f0e-9b1a-4b7e-8f6a-2d7e0c9b5a11"
    patrol, created = services.record_patrol(inspector, data, client_id=client_id)
    db.session.commit()
    again, created_again = services.record_patrol(inspector, data, client_id=client_id)
    assert (created, created_again) == (True, False) and again.id == patrol.id
    assert patrol.status is PatrolStatus.FINISHED and len(patrol.answers) == 2
    assert patrol.finished_at - patrol.started_at == timedelta(minutes=20)


def test_a_round_synced_later_is_answered_when_it_was_finished_not_when_it_arrived(setup, db):
    """A round done offline at 09:00–09:20 and synced hours later had every answer dated at
    the sync, after the round had finished; its answers now carry the time it finished."""
    area, inspector = setup
    version = services.checklist_for(area)
    data = _round_from_nine_to_twenty_past(area, version)
    patrol, _created = services.record_patrol(inspector, data, client_id=str(uuid.uuid4()))
    db.session.commit()
    assert {a.answered_at for a in patrol.answers} == {patrol.finished_at}
    assert patrol.finished_at == datetime(2026, 11, 23, 1, 20, tzinfo=UTC)


def test_a_round_s_answer_refused_is_named_by_its_place_in_the_round(setup, db):
    """An item's note past the limit is said at that item (`answers[1][note]`, as the round
    page names the field), not at the round's own note."""
    area, inspector = setup
    version = services.checklist_for(area)
    answers = [{"item_id": i.id, "answer": "yes", "note": ""} for i in version.items]
    answers[1]["note"] = "通道" * 1001
    with pytest.raises(ValidationFailed) as refused:
        services.record_patrol(
            inspector, {"area_id": area.id, "checklist_id": version.id, "answers": answers}
        )
    assert list(refused.value.errors) == ["answers[1][note]"]


def test_a_round_posted_without_javascript_lists_each_item_s_refusal_above_the_items(
    client, auth, setup, db
):
    """The round page again, nothing recorded: an item left unanswered and another's note
    past the limit are each said once, above the checklist, in the order of the items."""
    area, inspector = setup
    auth.login(inspector)
    first, second = services.checklist_for(area).items
    fields = {
        "area_id": str(area.id),
        "answers[0][item_id]": str(first.id),
        "answers[1][item_id]": str(second.id),
        "answers[1][answer]": "yes",
        "answers[1][note]": "通道" * 1001,
    }
    response = client.post(f"/safety/patrols/round/{area.id}", data=fields)
    assert response.status_code == 422 and db.session.scalar(select(Patrol)) is None
    page = response.get_data(as_text=True)
    above = page[: page.index('class="list checklist-items"')]
    said = re.findall(r"<li>(.*?)</li>", page)  # not the phone's own words (data-required)
    assert said.count("请选择一项。") == 1 and said.count("最多使用 2000 个字符。") == 1
    assert above.index("请选择一项。") < above.index("最多使用 2000 个字符。")


def _patrol_on(inspector, area, day: date):
    when = datetime.combine(day, time(10), SHANGHAI)
    version = services.checklist_for(area)
    services.record_patrol(
        inspector,
        {
            "area_id": area.id,
            "answers": [{"item_id": i.id, "answer": "yes"} for i in version.items],
        },
        captured_at=when.astimezone(UTC),
    )


def test_coverage_done_late_missed_and_due(setup, db):
    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    plan = services.save_plan(
        officer,
        {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "2", "4", "6"]},
    )
    monday = date(2026, 11, 16)
    plan.created_at = datetime.combine(monday, time(8), SHANGHAI)  # in force that week
    _patrol_on(inspector, area, monday)  # Monday: done
    _patrol_on(inspector, area, monday + timedelta(days=3))  # Thursday: Wednesday's, late
    db.session.commit()
    today = monday + timedelta(days=5)  # Saturday: Friday has passed, Sunday to come
    states = [(s.day.weekday(), s.state) for s in services.coverage(monday, today)]
    assert states == [(0, "done"), (2, "late"), (4, "missed"), (6, "due")]


def test_plans_page_and_coverage_page(client, auth, setup, db):
    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    auth.login(officer)
    response = client.post(
        "/safety/patrols/plans",
        data={"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "3"]},
    )
    assert response.status_code == 303
    page = client.get("/safety/patrols/plans").get_data(as_text=True)
    assert "张群监" in page and "周一 · 周四" in page
    empty = client.post(
        "/safety/patrols/plans", data={"inspector_id": inspector.id, "area_id": area.id}
    )
    assert "请至少选择一天。" in empty.get_data(as_text=True)
    plan = db.session.scalar(select(PatrolPlan))
    plan.created_at = datetime(2026, 11, 1, tzinfo=UTC)  # made before the week looked at
    db.session.commit()
    coverage = client.get("/safety/patrols/coverage?week=2026-11-18").get_data(as_text=True)
    assert "2026-11-16" in coverage and "张群监" in coverage
    # A week in year 1 or 9999 is no week of a plan: this week is shown, not an error.
    this_week = week_start(local_today()).isoformat()
    for odd in ("0001-01-01", "9999-12-31"):
        response = client.get(f"/safety/patrols/coverage?week={odd}")
        assert response.status_code == 200 and this_week in response.get_data(as_text=True)


def test_a_plan_is_counted_from_the_day_it_was_made(setup, db):
    """A plan made on Wednesday asks nothing of that week's Monday: no 漏巡 for it, and the
    scorecard's figure and the coverage page judge the same days."""
    area, inspector = setup
    plan = services.save_plan(
        make_user(Role.SAFETY_OFFICER),
        {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "2", "4"]},
    )
    monday = date(2026, 11, 16)
    plan.created_at = datetime.combine(monday + timedelta(days=2), time(15), SHANGHAI)
    _patrol_on(inspector, area, monday)  # before the plan: it fulfils no slot
    db.session.commit()
    today = monday + timedelta(days=5)
    states = [(s.day.weekday(), s.state) for s in services.coverage(monday, today)]
    assert states == [(2, "missed"), (4, "missed")]
    states = [(s.day.weekday(), s.state) for s in services.coverage(monday - timedelta(7), today)]
    assert states == []


def test_a_stopped_plan_keeps_the_weeks_it_was_in_force(client, auth, setup, db):
    """Stopped on a Wednesday: last week's coverage still holds it, done and missed as they
    were; this week asks for Monday and Wednesday, not Friday; next week has nothing."""
    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    plan = services.save_plan(
        officer,
        {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "2", "4"]},
    )
    monday = date(2026, 11, 16)
    plan.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    _patrol_on(inspector, area, monday - timedelta(days=7))
    db.session.commit()
    auth.login(officer)
    assert client.post(f"/safety/patrols/plans/{plan.id}/stop").status_code == 303
    db.session.refresh(plan)
    assert plan.stopped_at is not None and not plan.active
    plan.stopped_at = datetime.combine(monday + timedelta(days=2), time(15), SHANGHAI)
    db.session.commit()

    today = monday + timedelta(days=5)
    last_week = [
        (s.day.weekday(), s.state) for s in services.coverage(monday - timedelta(7), today)
    ]
    assert last_week == [(0, "done"), (2, "missed"), (4, "missed")]
    this_week = [(s.day.weekday(), s.state) for s in services.coverage(monday, today)]
    assert this_week == [(0, "missed"), (2, "missed")]
    assert services.coverage(monday + timedelta(7), today) == []
    page = client.get("/safety/patrols/coverage?week=2026-11-09").get_data(as_text=True)
    assert "张群监" in page
    page = client.get("/safety/patrols/coverage?week=2026-11-23").get_data(as_text=True)
    assert "张群监" not in page

    # Saved again, it is in force from then on: the stop is forgotten.
    services.save_plan(
        officer,
        {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "2", "4"]},
    )
    assert plan.active and plan.stopped_at is None


def test_a_plan_stopped_and_saved_again_asks_nothing_of_the_weeks_between(setup, db):
    """Stopped on a Wednesday and saved again weeks later: the week of the stop keeps Monday
    and Wednesday, the weeks between ask nothing, and the plan holds again from its new start."""
    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    fields = {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0", "2", "4"]}
    plan = services.save_plan(officer, fields)
    monday = date(2026, 11, 16)
    plan.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    services.stop_plan(officer, plan)
    plan.stopped_at = datetime.combine(monday + timedelta(days=2), time(15), SHANGHAI)
    db.session.commit()

    services.save_plan(officer, fields)
    db.session.commit()
    assert plan.active
    today = monday + timedelta(days=5)
    held = [(s.day.weekday(), s.state) for s in services.coverage(monday, today)]
    assert held == [(0, "missed"), (2, "missed")]
    assert services.coverage(monday + timedelta(7), today) == []
    this_week = week_start(local_today())
    assert [s.day.weekday() for s in services.coverage(this_week)] == [
        d for d in (0, 2, 4) if this_week + timedelta(days=d) >= local_today()
    ]


def test_new_weekdays_leave_the_weeks_gone_by_as_they_were_planned(setup, db):
    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    fields = {"inspector_id": inspector.id, "area_id": area.id}
    plan = services.save_plan(officer, fields | {"weekdays": ["0", "2", "4"]})
    plan.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()

    services.save_plan(officer, fields | {"weekdays": ["1", "3"]})
    db.session.commit()
    monday = date(2026, 11, 16)
    asked = [s.day.weekday() for s in services.coverage(monday, monday + timedelta(days=7))]
    assert asked == [0, 2, 4]
    # Saved again with the same days: nothing changes, no period is added.
    services.save_plan(officer, fields | {"weekdays": ["1", "3"]})
    assert len(plan.past) == 1 and plan.days == [1, 3]


def test_the_scorecard_judges_a_changed_plan_s_past_days_as_they_were_planned(setup, db):
    """The 建家 figure reads the weeks gone by as coverage does: new weekdays made today
    leave November's planned patrols in it."""
    from app.blueprints.safety.figures import patrols_on_plan

    area, inspector = setup
    officer = make_user(Role.SAFETY_OFFICER)
    fields = {"inspector_id": inspector.id, "area_id": area.id}
    plan = services.save_plan(officer, fields | {"weekdays": ["0", "2", "4"]})
    plan.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    _patrol_on(inspector, area, date(2026, 11, 16))
    db.session.commit()
    before = [(row.label, row.counted) for row in patrols_on_plan(2026, 11, None)]
    assert len(before) == 13  # the Mondays, Wednesdays and Fridays of 2–30 November

    services.save_plan(officer, fields | {"weekdays": ["1", "3"]})
    db.session.commit()
    assert [(row.label, row.counted) for row in patrols_on_plan(2026, 11, None)] == before


def test_saving_and_stopping_a_plan_say_so_and_stopping_asks_first(client, auth, setup, db):
    area, inspector = setup
    auth.login(make_user(Role.SAFETY_OFFICER))
    fields = {"inspector_id": inspector.id, "area_id": area.id, "weekdays": ["0"]}
    page = client.post("/safety/patrols/plans", data=fields, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "巡查计划已保存。" in html
    assert f"停止张群监在{area.full_name}的巡查计划？" in html  # asked before it is done
    plan = db.session.scalar(select(PatrolPlan))
    page = client.post(f"/safety/patrols/plans/{plan.id}/stop", follow_redirects=True)
    assert "巡查计划已停止。它生效期间的各周仍按计划统计。" in page.get_data(as_text=True)


@pytest.mark.parametrize("weekdays", [["9"], ["1", "7"], ["x"], ["-1"], ["１"]])
def test_a_forged_weekday_is_refused_at_the_days_saying_which_are_allowed(
    client, auth, setup, db, weekdays
):
    area, inspector = setup
    auth.login(make_user(Role.SAFETY_OFFICER))
    fields = {"inspector_id": inspector.id, "area_id": area.id, "weekdays": weekdays}
    response = client.post("/safety/patrols/plans", data=fields)
    assert response.status_code == 422
    assert "请从给出的周一到周日中选择。" in response.get_data(as_text=True)
    assert db.session.scalar(select(PatrolPlan)) is None


def test_a_hazard_names_its_patrol_and_links_it_only_for_those_who_may_open_it(
    client, auth, setup, db
):
    """A plain member assigned a hazard found on a patrol reads when and where it was found;
    the link to the patrol, a page only the network opens, is the network's."""
    area, inspector = setup
    version = services.checklist_for(area)
    patrol, _ = services.record_patrol(
        inspector,
        {
            "area_id": area.id,
            "answers": [{"item_id": i.id, "answer": "yes"} for i in version.items],
        },
        captured_at=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI).astimezone(UTC),
    )
    hazard = make_hazard(reporter=inspector, area=area, patrol_id=patrol.id, title="护栏松动")
    member = make_user(name="王维修")
    assign(hazard, make_user(Role.SAFETY_OFFICER), member)
    found_on = f"2026-11-23 09:00 · {area.name}"
    link = f'href="/safety/patrols/{patrol.id}"'

    auth.login(member)
    page = client.get(f"/safety/hazards/{hazard.id}").text
    assert f"<dd>{found_on}</dd>" in page and link not in page

    auth.logout()
    auth.login(inspector)
    page = client.get(f"/safety/hazards/{hazard.id}").text
    assert f"{link}>{found_on}</a>" in page
    assert client.get(f"/safety/patrols/{patrol.id}").status_code == 200


def test_a_hazard_raised_from_a_no_online_shows_the_answer_s_photos(client, auth, setup, db):
    """On the patrol's page: a "no" with a photo, then 上报隐患 from it; a second photo given
    to the answer afterwards follows too. Each is the answer's stored picture, named again."""
    area, inspector = setup
    auth.login(inspector)
    client.post("/safety/patrols", data={"area_id": area.id})
    patrol = db.session.scalar(select(Patrol))
    item = patrol.checklist_version.items[1]
    url = f"/safety/patrols/{patrol.id}/answers"

    def answer_no(colour):
        photo = (io.BytesIO(jpeg_bytes(colour=colour)), "p.jpg")
        data = {"item_id": item.id, "answer": "no", "note": "缺失", "photos": photo}
        client.post(url, data=data, content_type="multipart/form-data")

    answer_no("red")
    answer = db.session.scalar(select(PatrolAnswer))
    fields = {"title": "防护罩缺失", "area_id": area.id, "category": "machinery"}
    raised = {"severity": "serious", "patrol_id": patrol.id, "answer_id": answer.id}
    assert client.post("/safety/hazards/new", data=fields | raised).status_code == 303
    answer_no("blue")

    hazard = db.session.scalar(select(Hazard))
    mine = db.session.scalars(select(Photo.sha256).where(Photo.hazard_id == hazard.id)).all()
    seen = db.session.scalars(select(Photo.sha256).where(Photo.patrol_answer_id == answer.id))
    assert len(mine) == 2 and sorted(mine) == sorted(seen.all())
    page = client.get(f"/safety/hazards/{hazard.id}").text
    assert page.count("/safety/photos/") >= 2
