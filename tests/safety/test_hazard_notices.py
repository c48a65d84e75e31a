"""Each step of a hazard reaches the inboxes of the people it concerns, in Chinese; the daily
job warns about due and overdue rectifications."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.safety.jobs import remind_due_dates
from app.blueprints.safety.services.common import local_today
from app.jobs import run_all_daily_jobs
from app.models import Notification, Role
from tests.factories import make_department, make_user
from tests.safety.factories import assign, make_area, make_hazard, step


def titles(db, user):
    return db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_the_life_of_a_hazard_in_the_inboxes(app, db):
    officer, verifier = make_user(Role.SAFETY_OFFICER), make_user(Role.SAFETY_OFFICER)
    reporter, worker = make_user(), make_user(Role.INSPECTOR)
    hazard = make_hazard(reporter=reporter, title="配电箱门未关")
    assert titles(db, officer) == ["新上报隐患：配电箱门未关"]
    assert titles(db, reporter) == []  # nobody hears about what they did themselves

    assign(hazard, officer, worker)
    assert titles(db, worker) == ["指派给您的隐患：配电箱门未关"]
    step(hazard, worker, "start")
    step(hazard, worker, "rectify", note="已关好并上锁")
    assert titles(db, verifier)[-1] == "整改待验收：配电箱门未关"
    step(hazard, verifier, "send_back", note="锁扣松动")
    step(hazard, worker, "rectify", note="已换新锁")
    step(hazard, verifier, "verify")

    # The worker hears what each step means for them, and nothing asks them to act once the
    # hazard is closed.
    assert titles(db, worker) == [
        "指派给您的隐患：配电箱门未关",
        "整改未通过验收，请重新整改：配电箱门未关",
        "您的整改已通过验收：配电箱门未关",
    ]
    closed = last_message(db, worker)
    assert closed.body == "隐患已销号，您无需再做处理。"
    assert closed.url == f"/safety/hazards/{hazard.id}"
    assert last_message(db, worker, before=closed).body == "验收意见：锁扣松动"
    # The reporter reads which hazard moved in the title line itself.
    assert titles(db, reporter) == [
        "您上报的隐患“配电箱门未关”已更新为：已指派",
        "您上报的隐患“配电箱门未关”已更新为：整改中",
        "您上报的隐患“配电箱门未关”已更新为：待验收",
        "您上报的隐患“配电箱门未关”已更新为：整改中",
        "您上报的隐患“配电箱门未关”已更新为：待验收",
        "您上报的隐患“配电箱门未关”已更新为：已销号",
    ]


def test_a_rejected_report_tells_the_reporter_why(app, db):
    officer, reporter = make_user(Role.SAFETY_OFFICER), make_user()
    hazard = make_hazard(reporter=reporter, title="地面有水")
    step(hazard, officer, "reject", note="已自然干燥，非隐患")
    message = last_message(db, reporter)
    assert message.title == "您上报的隐患“地面有水”已更新为：已驳回"
    assert message.body == "已自然干燥，非隐患"


def last_message(db, user, before=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if before is not None:
        query = query.where(Notification.id < before.id)
    return db.session.scalars(query.order_by(Notification.id.desc()).limit(1)).one()


def test_daily_job_warns_before_and_after_the_due_date(app, db):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(Role.INSPECTOR)
    due_soon = make_hazard(title="护栏松动")
    assign(due_soon, officer, worker, days=1)
    late = make_hazard(title="灭火器过期")
    assign(late, officer, worker, days=1)
    db.session.commit()

    assert remind_due_dates(local_today()) == {"due_tomorrow": 2, "overdue": 0}
    assert "明天到期需完成整改：护栏松动" in titles(db, worker)

    counts = remind_due_dates(local_today() + timedelta(days=3))
    assert counts == {"due_tomorrow": 0, "overdue": 2}
    assert "整改已逾期：灭火器过期" in titles(db, worker)
    assert "整改已逾期：灭火器过期" in titles(db, officer)


def test_the_due_date_job_is_one_of_the_daily_jobs(app, db):
    assert run_all_daily_jobs()["safety.due_dates"] == "ok"


def test_running_the_daily_jobs_twice_a_day_sends_each_notice_once(app, db, runner):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(Role.INSPECTOR)
    assign(make_hazard(title="护栏松动"), officer, worker, days=1)
    db.session.commit()

    first = runner.invoke(args=["jobs", "run-daily"])
    second = runner.invoke(args=["jobs", "run-daily"])

    assert "safety.due_dates: ok" in first.output
    assert "safety.due_dates: already ran today" in second.output
    assert titles(db, worker).count("明天到期需完成整改：护栏松动") == 1


def test_a_failed_daily_job_runs_again_the_same_day(app, db, monkeypatch):
    from app.features import registry

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the disk was full")

    monkeypatch.setitem(registry().daily_jobs, "test.flaky", flaky)
    assert run_all_daily_jobs()["test.flaky"].startswith("failed")
    assert run_all_daily_jobs()["test.flaky"] == "ok"
    assert run_all_daily_jobs()["test.flaky"] == "already ran today"


def test_overdue_alerts_go_to_the_officers_of_the_hazards_department_only(app, db):
    machining, assembly = make_department("机加工车间"), make_department("装配车间")
    lathe = make_department("车工班", parent=machining)
    workshop_officer = make_user(Role.SAFETY_OFFICER, department=machining)
    other_officer = make_user(Role.SAFETY_OFFICER, department=assembly)
    company_officer = make_user(Role.SAFETY_OFFICER)  # no department: the whole company
    worker = make_user(Role.INSPECTOR, department=lathe)
    hazard = make_hazard(title="车床防护罩缺失", area=make_area(department=lathe))
    assign(hazard, workshop_officer, worker, days=1)
    db.session.commit()

    remind_due_dates(local_today() + timedelta(days=3))

    overdue = "整改已逾期：车床防护罩缺失"
    assert overdue in titles(db, workshop_officer)
    assert overdue in titles(db, company_officer)
    assert overdue in titles(db, worker)
    assert overdue not in titles(db, other_officer)
