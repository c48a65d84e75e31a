"""The push jobs: fan a notification out to its subscriptions in jobs of up to PUSH_BATCH
deliveries each (one database session and one connection pool a job, so thousands of pushes
do not cost thousands of jobs), and one job per subscription for a retry, so one slow or
failing push service never holds up the others for long."""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from app.blueprints.notify.push import DEFAULT_TTL, deliver
from app.extensions import db
from app.jobs import app_task
from app.models import Notification, NotificationPreference, PushSubscription
from app.models._types import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Deliveries per fan-out job: enough to spread the cost of a job and a session, few enough
# that two workers share a large fan-out between them.
PUSH_BATCH = 50
# Seconds before attempt 2, 3, …: quick at first, then patient.
BACKOFF = (30, 120, 600, 1800, 3600)
# A push service asking for more than this is not worth waiting for: the inbox has it.
MAX_RETRY_AFTER = 6 * 3600
# Read inbox entries older than this are removed by the daily clean-up.
KEEP_READ_DAYS = 180


def push_path(notification_id: int) -> str:
    """The link a push opens: marks the entry read and goes on to its item."""
    adapter = current_app.url_map.bind("localhost")
    return adapter.build("notify.open", {"notification_id": notification_id})


def payload_for(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "title": notification.title,
        "body": notification.body[:400],
        "url": notification.url or push_path(notification.id),
        "open": push_path(notification.id),
        "tag": f"notification-{notification.id}",
        "category": notification.category.value,
    }


# Jobs run in their own session: `fan_out` is started from the caller's `after_commit`, when
# the caller's session can emit no more SQL (and in immediate mode it runs right there).
def _session() -> Session:
    return Session(db.engine, expire_on_commit=False)


@app_task()
def fan_out(notification_ids: list[int]) -> int:
    """Queue one push per (notification, subscription) the user has not turned off."""
    with _session() as session:
        rows = session.execute(
            select(Notification, PushSubscription.id)
            .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
            .outerjoin(
                NotificationPreference,
                and_(
                    NotificationPreference.user_id == Notification.user_id,
                    NotificationPreference.category == Notification.category,
                ),
            )
            .where(
                Notification.id.in_(notification_ids),
                or_(NotificationPreference.push.is_(None), NotificationPreference.push.is_(True)),
            )
            .order_by(Notification.id, PushSubscription.id)
        ).all()
        jobs = [(subscription_id, payload_for(n)) for n, subscription_id in rows]
    for start in range(0, len(jobs), PUSH_BATCH):
        send_pushes(jobs[start : start + PUSH_BATCH])
    return len(jobs)


@app_task()
def send_pushes(jobs: list) -> dict:
    """First attempts for a slice of a fan-out: [(subscription id, payload), …]. Each push that
    the service asks to repeat goes on as its own `send_push` job."""
    ttl = current_app.config.get("PUSH_TTL", DEFAULT_TTL)
    outcomes: dict[str, int] = {}
    with _session() as session:
        subs = {
            sub.id: sub
            for sub in session.scalars(
                select(PushSubscription).where(PushSubscription.id.in_({j[0] for j in jobs}))
            )
        }
        changed = False
        for subscription_id, payload in jobs:
            sub = subs.get(subscription_id)
            if sub is None:
                result = "gone"
            else:
                outcome = deliver(sub.info(), payload, ttl=ttl)
                result = outcome.result
                changed |= _record(session, sub, outcome)
                if outcome.result == "retry":
                    delay = retry_delay(1, outcome.retry_after)
                    send_push.schedule(args=(subscription_id, payload, 2), delay=delay)
            outcomes[result] = outcomes.get(result, 0) + 1
        if changed:
            session.commit()
    return outcomes


def _record(session, sub, outcome) -> bool:
    """Keep what a delivery says about its subscription; whether the session changed."""
    if outcome.result == "sent" and _stale(sub.last_success_at):
        # Once a day is enough to know the device works; a write per push would cost
        # a database commit on every one of a 5,000-subscription fan-out.
        sub.last_success_at = utcnow()
        return True
    if outcome.result == "gone":
        session.delete(sub)
        log.info("push subscription %s is gone (%s): deleted", sub.id, outcome.status)
        return True
    return False


@app_task()
def send_push(subscription_id: int, payload: dict, attempt: int = 1) -> str:
    """One delivery attempt; schedules the next one itself when the service says "later"."""
    with _session() as session:
        sub = session.get(PushSubscription, subscription_id)
        if sub is None:
            return "gone"
        info = sub.info()
        outcome = deliver(info, payload, ttl=current_app.config.get("PUSH_TTL", DEFAULT_TTL))
        if _record(session, sub, outcome):
            session.commit()
    if outcome.result == "retry":
        if attempt >= MAX_ATTEMPTS:
            log.warning("push to subscription %s: gave up after %d tries", subscription_id, attempt)
            return "given up"
        delay = retry_delay(attempt, outcome.retry_after)
        send_push.schedule(args=(subscription_id, payload, attempt + 1), delay=delay)
        return f"retry in {delay:g}s"
    return outcome.result


def _stale(moment) -> bool:
    return moment is None or moment < utcnow() - timedelta(days=1)


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """The push service's Retry-After when it gives one, else our backoff for this attempt."""
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER)
    return float(BACKOFF[min(attempt, len(BACKOFF)) - 1])


def clean_inbox() -> int:
    """Remove read inbox entries older than KEEP_READ_DAYS, so the table stays small."""
    cutoff = utcnow() - timedelta(days=KEEP_READ_DAYS)
    result = db.session.execute(
        delete(Notification).where(
            Notification.read_at.is_not(None), Notification.created_at < cutoff
        )
    )
    return result.rowcount


def register(reg) -> None:
    reg.daily_job("notify.clean_inbox", clean_inbox)
