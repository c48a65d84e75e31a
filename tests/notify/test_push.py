"""Web push end to end without the internet: pywebpush → a push service on 127.0.0.1 that
verifies the VAPID JWT and decrypts the body."""

import json
import logging
import time

import pytest
from sqlalchemy import select

from app.blueprints.notify import services
from app.blueprints.notify.jobs import BACKOFF, payload_for, send_push
from app.blueprints.notify.push import application_server_key, parse_retry_after
from app.jobs import huey
from app.models import Category, PushSubscription
from tests.factories import make_user
from tests.notify.conftest import run_scheduled
from tests.notify.push_service import Browser


def subscribe(user, service, name, phone):
    sub = services.save_subscription(user, phone.subscription(service.endpoint(name)))
    from app.extensions import db

    db.session.commit()
    return sub


def test_push_arrives_signed_and_decrypts_to_the_payload(db, push_service):
    user = make_user()
    phone = Browser()
    subscribe(user, push_service, "phone", phone)

    (row,) = services.notify([user.id], "hazards.assigned", "新隐患", "3号车间漏油", "/me")
    db.session.commit()

    (got,) = push_service.for_endpoint("phone")
    assert json.loads(phone.decrypt(got.body)) == payload_for(row)
    assert json.loads(phone.decrypt(got.body))["title"] == "新隐患"
    assert got.vapid_key == application_server_key()
    assert got.claims["aud"] == push_service.url
    assert int(got.headers["ttl"]) > 0
    assert got.headers["content-encoding"] == "aes128gcm"
    assert push_service.errors == []
    sub = db.session.scalar(select(PushSubscription))
    assert sub.last_success_at is not None


def test_every_subscription_of_every_recipient_gets_its_own_copy(db, push_service):
    alice, bob = make_user(), make_user()
    phones = {name: Browser() for name in ("alice-phone", "alice-pad", "bob-phone")}
    subscribe(alice, push_service, "alice-phone", phones["alice-phone"])
    subscribe(alice, push_service, "alice-pad", phones["alice-pad"])
    subscribe(bob, push_service, "bob-phone", phones["bob-phone"])

    services.notify([alice.id, bob.id], "notices.new", "通知", "", "/")
    db.session.commit()

    for name, phone in phones.items():
        (got,) = push_service.for_endpoint(name)
        assert json.loads(phone.decrypt(got.body))["title"] == "通知"
    # pywebpush wrote aud/exp into a claims dict: a shared one would leak between calls.
    assert {r.claims["exp"] for r in push_service.received} and all(
        r.claims["aud"] == push_service.url for r in push_service.received
    )


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(db, push_service, status):
    user = make_user()
    subscribe(user, push_service, "old", Browser())
    push_service.respond("old", [status])

    services.notify([user.id], "system.test", "x")
    db.session.commit()

    assert db.session.scalar(select(PushSubscription)) is None
    assert huey.scheduled_count() == 0


def test_429_is_retried_after_retry_after_then_delivered(db, push_service):
    user = make_user()
    phone = Browser()
    subscribe(user, push_service, "busy", phone)
    push_service.respond("busy", [(429, {"Retry-After": "120"})])

    services.notify([user.id], "activities.reminder", "明天的活动")
    db.session.commit()

    assert push_service.for_endpoint("busy") == []
    (retry,) = huey.scheduled()
    wait = (retry.eta - huey._get_timestamp()).total_seconds()
    assert 110 < wait <= 120  # the service's Retry-After, not our own backoff

    run_scheduled()
    (got,) = push_service.for_endpoint("busy")
    assert json.loads(phone.decrypt(got.body))["title"] == "明天的活动"
    assert huey.scheduled_count() == 0
    assert db.session.scalar(select(PushSubscription)) is not None


def test_5xx_backs_off_and_gives_up_after_the_last_attempt(db, push_service):
    user = make_user()
    subscribe(user, push_service, "down", Browser())
    push_service.respond("down", [503] * 10)

    services.notify([user.id], "system.test", "x")
    db.session.commit()
    waits = []
    for _ in range(len(BACKOFF) + 2):  # bounded: a bug must fail the test, not hang it
        if not huey.scheduled_count():
            break
        (retry,) = huey.scheduled()
        waits.append(round((retry.eta - huey._get_timestamp()).total_seconds()))
        run_scheduled()

    assert waits == [pytest.approx(b, abs=2) for b in BACKOFF]
    assert push_service.counts["/push/down"] == len(BACKOFF) + 1
    # Down is not gone: the subscription stays for the next message.
    assert db.session.scalar(select(PushSubscription)) is not None


def test_413_is_logged_not_retried(db, push_service, caplog):
    user = make_user()
    subscribe(user, push_service, "small", Browser())
    push_service.respond("small", [413])

    with caplog.at_level(logging.ERROR, logger="app.blueprints.notify.push"):
        services.notify([user.id], "system.test", "x")
        db.session.commit()

    assert "413" in caplog.text
    assert huey.scheduled_count() == 0
    assert db.session.scalar(select(PushSubscription)) is not None


def test_one_failing_subscription_does_not_block_the_others(db, push_service):
    users = [make_user() for _ in range(3)]
    phones = [Browser() for _ in users]
    for i, (user, phone) in enumerate(zip(users, phones, strict=True)):
        subscribe(user, push_service, f"p{i}", phone)
    push_service.respond("p0", [500])
    push_service.respond("p1", [410])

    services.notify([u.id for u in users], "notices.new", "通知")
    db.session.commit()

    assert len(push_service.for_endpoint("p2")) == 1
    assert huey.scheduled_count() == 1  # p0 waits for its retry
    assert len(db.session.scalars(select(PushSubscription)).all()) == 2  # p1 deleted


def test_an_unreachable_push_service_is_retried(db, app):
    app.config["PUSH_ALLOW_LOCAL_HTTP"] = True
    user = make_user()
    # Nothing listens on port 9 of this machine.
    services.save_subscription(user, Browser().subscription("http://127.0.0.1:9/push/x"))
    db.session.commit()
    services.notify([user.id], "system.test", "x")
    db.session.commit()
    (retry,) = huey.scheduled()
    assert retry.args[2] == 2


def test_push_is_skipped_for_a_category_the_user_turned_off(db, push_service):
    user = make_user()
    phone = Browser()
    subscribe(user, push_service, "phone", phone)
    services.set_push_preferences(user, {Category.HAZARDS: False})
    db.session.commit()

    services.notify([user.id], "hazards.assigned", "隐患")
    services.notify([user.id], "activities.reminder", "活动")
    db.session.commit()

    # Only the activity came through; the inbox has both.
    (got,) = push_service.for_endpoint("phone")
    assert json.loads(phone.decrypt(got.body))["title"] == "活动"
    assert services.unread_count(user) == 2


def test_nothing_is_pushed_when_the_transaction_rolls_back(db, push_service):
    user = make_user()
    subscribe(user, push_service, "phone", Browser())
    services.notify([user.id], "system.test", "x")
    db.session.rollback()
    db.session.commit()
    time.sleep(0.05)
    assert push_service.received == []


def test_a_deleted_subscription_is_skipped_by_a_queued_push(db, push_service):
    user = make_user()
    sub = subscribe(user, push_service, "phone", Browser())
    sub_id = sub.id
    db.session.delete(sub)
    db.session.commit()
    assert send_push.call_local(sub_id, {"title": "x"}) == "gone"
    assert push_service.received == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0)],
)
def test_retry_after_parsing(value, seconds):
    assert parse_retry_after(value) == seconds
