"""The sign-up rule is written twice, because it is needed twice: in SQL for the lists and the
home card (`queries.open_for_sign_up`, `signup_group`, `audience_of`), in Python for the one
activity a person signs up for (`queries.sign_up_refusal` behind `services.sign_up`,
`signup_state`, `in_audience`). Here both run over the same grid of audiences, people,
moments, statuses and capacities, and must agree: a change to one half fails until the other
half follows."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.activities import queries
from app.blueprints.activities.services import activities as sign_up_service
from app.errors import Refused
from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus, Participation, ParticipationStatus
from app.services.departments import own_departments
from tests.activities.factories import make_activity
from tests.factories import make_department, make_user

CONFIRMED = ParticipationStatus.CONFIRMED

OPENS = utcnow().replace(microsecond=0) + timedelta(days=30)
CLOSES = OPENS + timedelta(days=2)
MOMENTS = {
    "before it opens": OPENS - timedelta(seconds=1),
    "as it opens": OPENS,
    "while open": OPENS + timedelta(days=1),
    "as it closes": CLOSES,
    "after it closed": CLOSES + timedelta(seconds=1),
}


@pytest.fixture
def grid(app):
    """Activities for every audience × status × capacity (full or not), and people in a
    team, in a workshop, in another workshop's team and in no department."""
    workshop, other = make_department("机修车间"), make_department("动力车间")
    team, other_team = make_department("钳工班", parent=workshop), make_department(parent=other)
    audiences = {
        "everyone": (),
        "the workshop": (workshop,),
        "the team": (team,),
        "another workshop": (other,),
        "another team": (other_team,),
        "two workshops": (workshop, other),
    }
    filler = make_user(department=team)
    activities = []
    for (audience, departments), status, full in itertools.product(
        audiences.items(), ActivityStatus, (False, True)
    ):
        activity = make_activity(
            departments=departments,
            title=f"{audience} {status} {'full' if full else ''}",
            status=status,
            capacity=1 if full else None,
            signup_opens_at=OPENS,
            signup_closes_at=CLOSES,
            cancel_deadline=CLOSES,
            starts_at=CLOSES + timedelta(days=1),
            ends_at=CLOSES + timedelta(days=1, hours=2),
        )
        if full:  # its one place is taken: a sign-up goes on the waitlist
            db.session.add(Participation(activity=activity, user_id=filler.id, status=CONFIRMED))
        activities.append(activity)
    db.session.commit()
    people = {
        "in the team": make_user(department=team),
        "in the workshop": make_user(department=workshop),
        "in another team": make_user(department=other_team),
        "in no department": make_user(),
    }
    return activities, people


def test_the_sql_and_the_python_audience_agree(grid):
    activities, people = grid
    for who, user in people.items():
        in_sql = set(db.session.scalars(select(Activity.id).where(queries.audience_clause(user))))
        for activity in activities:
            assert queries.in_audience(user, activity) == (activity.id in in_sql), (
                who,
                activity.title,
            )


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_sql_and_the_python_sign_up_state_agree(grid, moment):
    activities, _ = grid
    now = MOMENTS[moment]
    in_sql = dict(db.session.execute(select(Activity.id, queries.signup_group(now))).all())
    for activity in activities:
        assert queries.signup_state(activity, now) == in_sql[activity.id], activity.title


@pytest.mark.parametrize("moment", MOMENTS)
def test_who_may_sign_up_is_the_same_in_the_lists_and_at_sign_up(grid, moment, monkeypatch):
    """For each person: the activities the SQL counts as open to them are exactly those the
    sign-up service takes them for; a full one puts them on its waitlist."""
    activities, people = grid
    now = MOMENTS[moment]
    monkeypatch.setattr(sign_up_service, "utcnow", lambda: now)
    for who, user in people.items():
        ids = own_departments(user) or None
        in_sql = set(
            db.session.scalars(select(Activity.id).where(queries.open_for_sign_up(now, ids)))
        )
        for activity in activities:
            case = (moment, who, activity.title)
            refusal = queries.sign_up_refusal(user, activity, now)
            assert (refusal is None) == (activity.id in in_sql), case
            attempt = db.session.begin_nested()
            try:
                place = sign_up_service.sign_up(user, activity)
            except Refused:
                assert refusal is not None, case
            else:
                assert refusal is None, case
                full = activity.capacity is not None
                expected = ParticipationStatus.WAITLISTED if full else CONFIRMED
                assert place.status is expected, case
            finally:
                attempt.rollback()
