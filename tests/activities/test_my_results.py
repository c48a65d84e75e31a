"""What a trainee is told of their own result (the inbox, the activity page, their history),
the day a passed training's qualification is issued on, and the score page telling every
wrong row at once."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.blueprints.activities import services
from app.blueprints.activities.services import results
from app.blueprints.gate import standing
from app.extensions import db
from app.models.activities import (
    ActivityKind,
    Participation,
    ParticipationStatus,
    Qualification,
)
from tests.activities.factories import make_activity
from tests.factories import make_user


def _place(activity, person, checked_in_at):
    place = Participation(
        activity_id=activity.id,
        user_id=person.id,
        status=ParticipationStatus.CONFIRMED,
        confirmed_at=activity.signup_opens_at,
        checked_in_at=checked_in_at,
    )
    db.session.add(place)
    db.session.flush()
    return place


def test_a_pass_is_issued_on_the_day_it_was_entered_when_the_training_ends_later(app, monkeypatch):
    """Results of a two-day training entered on its first evening, 23:30 in Shanghai (15:30
    UTC): the qualification is issued that day, not on the day the training ends, and the
    gate holds it as valid that day. Entered half an hour after midnight, it is the next day
    in Shanghai, though still the day before in UTC; entered after the training, its last
    day."""
    organizer, trainee = make_user("organizer"), make_user()
    training = make_activity(
        ActivityKind.TRAINING,
        starts_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC),  # 7 Dec, 09:00 in Shanghai
        ends_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),  # 8 Dec, 17:00
        signup_opens_at=datetime(2026, 11, 20, tzinfo=UTC),
        signup_closes_at=datetime(2026, 12, 6, tzinfo=UTC),
        cancel_deadline=datetime(2026, 12, 6, tzinfo=UTC),
    )
    place = _place(training, trainee, checked_in_at=training.starts_at)

    for entered, day in (
        (datetime(2026, 12, 7, 15, 30, tzinfo=UTC), date(2026, 12, 7)),
        (datetime(2026, 12, 7, 16, 30, tzinfo=UTC), date(2026, 12, 8)),
        (datetime(2026, 12, 9, 2, 0, tzinfo=UTC), date(2026, 12, 8)),
    ):
        monkeypatch.setattr(results, "utcnow", lambda entered=entered: entered)
        services.record_training_results(organizer, training, {place.id: 88})
        (held,) = db.session.scalars(
            select(Qualification).where(Qualification.user_id == trainee.id)
        )
        assert (held.issued_on, held.valid_until) == (day, day.replace(year=day.year + 1))
        status = standing.statuses([trainee.id], on=day).get(trainee.id, {})
        assert standing.verdict(status, [held.type], day).allowed
