"""The scorecard runs a fixed number of SQL statements, whatever the volume: as many with a few
hundred more records behind its figures, and no more for a year than a ceiling (no figure
reads its records week by week or in batches of rows)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.models import User
from app.models.care import AidRequest, CareFile

# Most figures 1 statement, a few 2 (22 figures; the appeals' four share one, and the reader
# check they share), the shell and the departments; a year's planned patrols read week by
# week took some 100 more, and reading each figure's rows where a count does took 12 more.
AT_MOST = 30
MORE = 510  # past the 500 rows a batch of related records is loaded for


def _more_cases(db):
    """`MORE` care files and aid requests of new workers, made now."""
    now = datetime.now(UTC)
    today = now.date()
    workers = db.session.scalars(
        insert(User).returning(User.id),
        [
            {"employee_no": f"Q{i:05d}", "name": f"职工{i}", "password_hash": "x", "active": True}
            for i in range(MORE)
        ],
    ).all()
    db.session.execute(
        insert(CareFile),
        [
            {
                "worker_id": worker,
                "level": "hardship",
                "cause": "illness",
                "opened_on": today - timedelta(days=400),
                "review_due_on": today - timedelta(days=35),
            }
            for worker in workers
        ],
    )
    db.session.execute(
        insert(AidRequest),
        [
            {
                "reporter_id": worker,
                "subject_id": worker,
                "event_type": "hospital",
                "happened_on": today,
                "description": "住院",
                "respond_by": now + timedelta(days=2),
                "created_at": now,
            }
            for worker in workers
        ],
    )
    db.session.commit()


def test_the_scorecard_runs_a_fixed_number_of_statements(
    client, auth, db, year, demo_data, count_queries
):
    auth.login("A0001", "demo1234")

    def statements(url):
        db.session.expunge_all()  # each request from an empty session, as a server does
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    client.get(f"/reports/?year={year}")  # the log-in's own look-ups are not the page's
    for_the_year = statements(f"/reports/?year={year}")
    assert for_the_year <= AT_MOST
    _more_cases(db)
    assert statements(f"/reports/?year={year}") == for_the_year
