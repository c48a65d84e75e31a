"""A figure that counts in SQL instead of from its rows still equals what its rows make: the
number on the scorecard and the list behind it cannot differ."""

from datetime import date, datetime

from flask_login import login_user
from sqlalchemy import select

from app.config import LOCAL_TZ
from app.features import registry
from app.models import Department, User
from app.models.congress import Motion
from app.models.hazards import Hazard, HazardStatus
from app.scorecard import value
from app.services.inputs import local_today

COUNTED_IN_SQL = {
    ("safety", "hazards_reported"),
    ("safety", "closed_on_time"),
    ("proposals", "made"),
    ("proposals", "adopted"),
    ("proposals", "benefit"),
    ("participation", "activity_share"),
    ("participation", "proposal_share"),
    ("satisfaction", "activity_rating"),
    ("safety", "qualified_workers"),
    ("democracy", "answered_on_time"),
    ("democracy", "rated_satisfied"),
}


def test_a_figure_counted_in_sql_equals_what_its_rows_make(app, db, year, demo_data):
    workshop = db.session.scalar(select(Department).where(Department.name == "机加工车间"))
    with app.test_request_context("/reports/"):
        login_user(db.session.scalar(select(User).where(User.employee_no == "A0001")))
        figures = [f for f in registry().figures if (f.area, f.key) in COUNTED_IN_SQL]
        assert len(figures) == len(COUNTED_IN_SQL)
        for figure in figures:
            # the demo's records are recent: this month has rows (January's had none)
            for month in (None, local_today().month):
                for department in (None, workshop):
                    rows = figure.rows(year, month, department)
                    assert figure.compute(year, month, department) == value(rows, figure.unit), (
                        figure.key,
                        month,
                        department,
                    )


def test_a_day_counted_in_sql_is_the_unions_day(app, db, year, demo_data):
    """Answered or closed late in the evening of the due day is in time; just after midnight,
    late (a UTC day would count it in time: Shanghai's midnight is 16:00 UTC the day before)."""
    due = date(year, 1, 15)
    evening = datetime(year, 1, 15, 23, 30, tzinfo=LOCAL_TZ)
    after_midnight = datetime(year, 1, 16, 0, 30, tzinfo=LOCAL_TZ)
    motions = db.session.scalars(select(Motion).order_by(Motion.id).limit(4)).all()
    hazards = db.session.scalars(select(Hazard).order_by(Hazard.id).limit(4)).all()
    assert len(motions) == len(hazards) == 4
    for i, (motion, hazard) in enumerate(zip(motions, hazards, strict=True)):
        moment = evening if i % 2 else after_midnight
        motion.deadline, motion.answered_at = due, moment
        hazard.due_on, hazard.status, hazard.closed_at = due, HazardStatus.CLOSED, moment
    db.session.commit()
    with app.test_request_context("/reports/"):
        login_user(db.session.scalar(select(User).where(User.employee_no == "A0001")))
        for key in [("democracy", "answered_on_time"), ("safety", "closed_on_time")]:
            figure = next(f for f in registry().figures if (f.area, f.key) == key)
            rows = figure.rows(year, 1, None)
            assert figure.compute(year, 1, None) == value(rows, figure.unit), key
            assert sum(not r.counted for r in rows) >= 2, key
