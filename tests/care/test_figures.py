"""The care figures of the 建家 scorecard read a fixed number of SQL statements, whatever
the number of files."""

from datetime import timedelta

from app.blueprints.care.parse import local_today
from app.blueprints.care.services import files
from app.extensions import db
from tests.factories import make_user


def _open_file(officer, reviewed: bool):
    file = files.open_file(
        officer,
        {
            "worker": make_user().employee_no,
            "level": "hardship",
            "cause": "illness",
            "income": "1800",
            "opened_on": (local_today() - timedelta(days=400)).isoformat(),
        },
    )
    if reviewed:
        day = (local_today() - timedelta(days=20)).isoformat()
        files.review_file(officer, file, {"reviewed_on": day, "outcome": "continue"})
    db.session.commit()


def test_the_reviews_figure_reads_every_files_reviews_at_once(client, auth, people, count_queries):
    officer = people["care_officer"]
    year = local_today().year

    def figure_page():
        db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            page = client.get(f"/reports/care/reviews_on_time?year={year}")
        assert page.status_code == 200
        return counter.count

    _open_file(officer, reviewed=True)
    auth.login(people["admin"])
    one = figure_page()
    for i in range(3):
        _open_file(officer, reviewed=bool(i % 2))
    assert figure_page() == one
