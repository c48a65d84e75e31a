"""Each step of a hazard reaches the inboxes of the people it concerns, in Chinese; the daily
job warns about due and overdue rectifications."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.safety.jobs import remind_due_dates
from app.blueprints.safety.services.common import local_today
from app.jobs import run_all_daily_jobs
from app.models import Notification, Role
from tests.factories import make_user
from tests.safety.factories import assign, make_hazard, step


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
    assert titles(db, reporter) == ["您上报的隐患状态已更新为：已指派"]

    step(hazard, worker, "rectify", note="已关好并上锁")
    assert "有隐患等您处理：配电箱门未关" in titles(db, verifier)

    step(hazard, verifier, "verify")
    assert titles(db, reporter)[-1] == "您上报的隐患状态已更新为：已销号"
    [message] = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == worker.id)
        .order_by(Notification.id.desc())
        .limit(1)
    ).all()
    assert message.url == f"/safety/hazards/{hazard.id}"


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
