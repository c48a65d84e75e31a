"""A figure that counts in SQL instead of from its rows still equals what its rows make: the
number on the scorecard and the list behind it cannot differ."""

from flask_login import login_user
from sqlalchemy import select

from app.features import registry
from app.models import Department, User
from app.scorecard import value
from app.services.inputs import local_today

COUNTED_IN_SQL = {
    ("safety", "hazards_reported"),
    ("safety", "closed_on_time"),
    ("proposals", "made"),
    ("proposals", "adopted"),
    ("proposals", "benefit"),
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
