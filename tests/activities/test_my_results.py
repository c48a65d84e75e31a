"""What a trainee is told of their own result (the inbox, the activity page, their history),
the day a passed training's qualification is issued on, and the score page telling every
wrong row at once."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.blueprints.activities import services
from app.blueprints.activities.services import results
from app.blueprints.gate import standing
from app.extensions import db
from app.models import Notification
from app.models.activities import (
    ActivityKind,
    Participation,
    ParticipationStatus,
    Qualification,
)
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text


def _training_held_with(*people):
    """A training (pass mark 60, gives 安全生产培训合格证 for 12 months) that took place
    yesterday, everyone checked in."""
    now = datetime.now(UTC)
    training = make_activity(
        ActivityKind.TRAINING,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1, hours=-2),
        signup_opens_at=now - timedelta(days=10),
        signup_closes_at=now - timedelta(days=2),
        cancel_deadline=now - timedelta(days=2),
    )
    places = [_place(training, person, checked_in_at=training.starts_at) for person in people]
    db.session.commit()
    return training, places


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


def _inbox(person) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == person.id).order_by(Notification.id)
        )
    )


def test_each_person_is_told_their_own_result_once_in_their_language(client, auth):
    organizer = make_user("organizer")
    weak, good = make_user(name="刘师傅"), make_user(name="孙师傅", locale="en")
    training, (weak_place, good_place) = _training_held_with(weak, good)
    auth.login(organizer)
    url = f"/activities/{training.id}/results"
    client.post(url, data={f"score-{weak_place.id}": "59.5", f"score-{good_place.id}": "88"})

    (told_weak,) = _inbox(weak)
    assert told_weak.title == "您的成绩：安全生产培训"
    assert told_weak.body == "成绩 59.5 分，不合格（合格线 60 分）。"
    assert told_weak.url == f"/activities/{training.id}"
    (told_good,) = _inbox(good)
    (held,) = db.session.scalars(select(Qualification).where(Qualification.user_id == good.id))
    assert told_good.title == "Your result: 安全生产培训"
    assert told_good.body == (
        f"Score 88: passed. You now hold 安全生产培训合格证, valid until {held.valid_until}."
    )

    # The same page saved again changes nothing and tells nobody; a corrected score is told
    # to its person alone.
    client.post(url, data={f"score-{weak_place.id}": "59.5", f"score-{good_place.id}": "88"})
    assert (len(_inbox(weak)), len(_inbox(good))) == (1, 1)
    client.post(url, data={f"score-{weak_place.id}": "61", f"score-{good_place.id}": "88"})
    corrected = _inbox(weak)[1].body
    assert corrected.startswith("成绩 61 分，合格。您已获得“安全生产培训合格证”，有效期至 ")
    assert len(_inbox(good)) == 1
    # A pass corrected to a fail takes the qualification away, and the message says so.
    client.post(url, data={f"score-{weak_place.id}": "55", f"score-{good_place.id}": "88"})
    assert _inbox(weak)[2].body == (
        "成绩 55 分，不合格（合格线 60 分）。此前成绩所得的“安全生产培训合格证”随之取消。"
    )
    assert not db.session.scalars(
        select(Qualification).where(Qualification.user_id == weak.id)
    ).all()
    # A pass cleared takes the qualification away too, and says so.
    client.post(url, data={f"score-{weak_place.id}": "55", f"score-{good_place.id}": ""})
    assert _inbox(good)[-1].body == (
        "Your result was cleared, and with it 安全生产培训合格证, which it gave."
    )
    assert not db.session.scalars(
        select(Qualification).where(Qualification.user_id == good.id)
    ).all()


def test_the_activity_page_and_history_show_the_person_their_own_result(client, auth):
    organizer = make_user("organizer")
    weak, good = make_user(name="刘师傅"), make_user(name="孙师傅")
    training, (weak_place, good_place) = _training_held_with(weak, good)
    services.record_training_results(organizer, training, {weak_place.id: 59.5, good_place.id: 88})
    db.session.commit()

    auth.login(weak)
    page = text(client.get(f"/activities/{training.id}"))
    assert "我的成绩" in page and "成绩 59.5" in page and "不合格" in page
    assert "成绩 88" not in page  # the other person's score
    history = text(client.get("/activities/history"))
    link = f'<li><a class="row" href="/activities/{training.id}">'
    row = re.search(re.escape(link) + r"(.*?)</a></li>", history, re.S)
    assert row and "安全生产培训" in row[1] and "不合格" in row[1] and "成绩 59.5" in row[1]
    auth.logout()

    auth.login(good)
    page = text(client.get(f"/activities/{training.id}"))
    assert "成绩 88" in page and '<span class="tag">合格</span>' in page
    assert "不合格" not in page
    assert "成绩 59.5" not in page


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
        # Cleared first, so that each time the pass is new: a pass saved again as a pass
        # keeps the qualification it gave (a revocation too).
        services.record_training_results(organizer, training, {place.id: None})
        services.record_training_results(organizer, training, {place.id: 88})
        (held,) = db.session.scalars(
            select(Qualification).where(Qualification.user_id == trainee.id)
        )
        assert (held.issued_on, held.valid_until) == (day, day.replace(year=day.year + 1))
        status = standing.statuses([trainee.id], on=day).get(trainee.id, {})
        assert standing.verdict(status, [held.type], day).allowed


def _row_errors(page: str, key: str) -> list[str]:
    found = re.search(rf'<ul class="errors" id="{key}-errors">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found[1]) if found else []


def test_every_wrong_score_is_told_at_once_with_what_to_type(client, auth):
    organizer = make_user("organizer")
    people = [make_user(name=name) for name in ("甲", "乙", "丙", "丁")]
    training, places = _training_held_with(*people[:3])
    absent = _place(training, people[3], checked_in_at=None)
    db.session.commit()
    typed = {
        f"score-{places[0].id}": "-5",
        f"score-{places[1].id}": "100001",
        f"score-{places[2].id}": "1e9",
        f"score-{absent.id}": "70",
    }
    auth.login(organizer)
    response = client.post(f"/activities/{training.id}/results", data=typed)
    page = text(response)
    assert response.status_code == 422
    in_range = ["请输入 0 至 100000 之间的分数。"]
    assert _row_errors(page, f"score-{places[0].id}") == in_range
    assert _row_errors(page, f"score-{places[1].id}") == in_range
    assert _row_errors(page, f"score-{places[2].id}") == [
        "请用数字填写分数，如 85 或 92.5，范围 0 至 100000。"
    ]
    assert _row_errors(page, f"score-{absent.id}") == ["丁 未签到，不能录入成绩。"]
    for key, value in typed.items():  # everything typed is kept
        assert re.search(rf'name="{key}"\s+value="{re.escape(value)}"', page), key
    db.session.expire_all()
    assert all(p.score is None for p in (*places, absent))


def test_a_round_page_tells_a_non_number_and_a_score_out_of_range_at_once(client, auth):
    organizer = make_user("organizer")
    contest = make_activity(
        ActivityKind.COMPETITION,
        rounds=1,
        starts_at=datetime.now(UTC) - timedelta(hours=1),
        signup_closes_at=datetime.now(UTC) - timedelta(hours=2),
        cancel_deadline=datetime.now(UTC) - timedelta(hours=2),
    )
    fast, slow = (_place(contest, make_user(), contest.starts_at) for _ in range(2))
    db.session.commit()
    auth.login(organizer)
    typed = {"round_no": "1", f"score-{fast.id}": "九十", f"score-{slow.id}": "-1"}
    page = text(client.post(f"/activities/{contest.id}/scores", data=typed))

    def said_at(key):  # the messages right under the row's score box
        found = re.search(rf'name="{key}"[^>]*>\s*((?:<p class="errors">.*?</p>\s*)*)', page)
        return re.findall(r'<p class="errors">(.*?)</p>', found[1])

    assert said_at(f"score-{fast.id}") == ["请用数字填写分数，如 85 或 92.5，范围 0 至 100000。"]
    assert said_at(f"score-{slow.id}") == ["请输入 0 至 100000 之间的分数。"]


def test_a_score_with_two_decimals_is_shown_as_it_is_and_saved_again_unchanged(client, auth):
    """The results page showed 92.25 as 92.2 (rounded to one decimal): saved again as shown, the
    score changed and its person was told a result nobody gave. The boxes take text, so a
    refused entry (九十) comes back as typed, where a number box showed nothing."""
    organizer = make_user("organizer")
    person = make_user(name="周师傅")
    training, (place,) = _training_held_with(person)
    auth.login(organizer)
    url = f"/activities/{training.id}/results"
    client.post(url, data={f"score-{place.id}": "92.25"})
    page = text(client.get(url))
    shown = re.search(rf'<input type="text"[^>]*name="score-{place.id}"\s+value="([^"]*)"', page)
    assert shown.group(1) == "92.25"
    client.post(url, data={f"score-{place.id}": shown.group(1)})
    db.session.expire_all()
    assert db.session.get(Participation, place.id).score == 92.25
    assert len(_inbox(person)) == 1
    refused = client.post(url, data={f"score-{place.id}": "九十"})
    assert refused.status_code == 422
    assert re.search(rf'name="score-{place.id}"\s+value="九十"', text(refused))
