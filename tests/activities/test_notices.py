"""The two places where the notifications feature will plug in are called with the right
people and the right message."""

import pytest

from app.blueprints.activities import notices, services
from tests.activities.factories import make_activity
from tests.factories import make_user


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(
        notices, "_notify", lambda ids, kind, title, body, url: calls.append((ids, kind, title))
    )
    return calls


def test_promotion_from_the_waitlist_tells_the_promoted(app, sent):
    activity = make_activity(capacity=1, title="春季长跑")
    first, second = make_user(), make_user()
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    assert sent == []
    with app.test_request_context():
        services.cancel_sign_up(first, activity)
    assert sent == [([second.id], "activity.promoted", "您已递补成功：春季长跑")]


def test_cancelling_an_activity_tells_everyone_signed_up_or_waiting(app, sent):
    activity = make_activity(capacity=1, title="书法比赛")
    first, second, gone = make_user(), make_user(), make_user()
    services.sign_up(gone, activity)
    services.cancel_sign_up(gone, activity)
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    sent.clear()
    with app.test_request_context():
        services.cancel_activity(make_user("organizer"), activity, "场地冲突")
    [(ids, kind, title)] = sent
    assert sorted(ids) == sorted([first.id, second.id])
    assert (kind, title) == ("activity.cancelled", "活动取消：书法比赛")
