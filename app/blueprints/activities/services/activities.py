"""Activities: creating and changing them, signing up, the waitlist and its promotions.

Every write that touches the places of an activity first takes the activity's lock
(`_lock_activity`), so that capacity holds however many people sign up at once: on PostgreSQL
a `SELECT … FOR UPDATE` on the activity row, on SQLite a no-op `UPDATE` of that row, which
starts the write transaction at once (like `BEGIN IMMEDIATE`) and makes other writers wait.
Decisions are read only after the lock. The services flush and never commit: the lock holds
until the caller (a route, a sync batch, a job) commits or rolls back, so the caller must end
the transaction soon after the service returns.
"""

from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.blueprints.activities.queries import (
    confirmed_count,
    my_participation,
    sign_up_refusal,
)
from app.blueprints.notify import triggers
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.jobs import path_for
from app.models import Department, User
from app.models._types import utcnow
from app.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    CompetitionMode,
    Participation,
    ParticipationStatus,
)
from app.services import audit
from app.services.rows import lock_row

CONFIRMED = ParticipationStatus.CONFIRMED
WAITLISTED = ParticipationStatus.WAITLISTED
CANCELLED = ParticipationStatus.CANCELLED

MAX_CAPACITY = 100000  # places; the form shows it, the service checks it

# The reminder reaches people this long before the start (`jobs.send_reminders`).
REMINDER_AHEAD = timedelta(hours=24)

# Trainings and job drills (岗位练兵) can take a pass mark and give a qualification.
QUALIFYING = (ActivityKind.TRAINING, ActivityKind.DRILL)

# Fields an organizer sets; `departments` (a list of Department) and the cover go separately.
FIELDS = (
    "kind",
    "title",
    "description",
    "place",
    "starts_at",
    "ends_at",
    "signup_opens_at",
    "signup_closes_at",
    "cancel_deadline",
    "capacity",
    "pass_mark",
    "qualification_name",
    "qualification_is_safety",
    "qualification_months",
    "competition_mode",
    "rounds",
)


# ---- Organizer: create, change, cancel -------------------------------------------------


def validate_activity(data: dict, activity: Activity | None = None) -> dict[str, list[str]]:
    """Checks across fields, and the limits that the form only shows; the other single-field
    checks live in the form. Returns {field: [msg]}."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if data["ends_at"] <= data["starts_at"]:
        add("ends_at", _("The end must come after the start."))
    if data["signup_closes_at"] <= data["signup_opens_at"]:
        add("signup_closes_at", _("Sign-up must close after it opens."))
    if data["signup_closes_at"] > data["ends_at"]:
        add("signup_closes_at", _("Sign-up must close before the activity ends."))
    if data["cancel_deadline"] > data["starts_at"]:
        add("cancel_deadline", _("The cancellation deadline must be before the start."))
    capacity = data.get("capacity")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        add("capacity", _("Enter a number from 1 to %(max)d.", max=MAX_CAPACITY))
    kind = ActivityKind(data["kind"])
    if kind in QUALIFYING:
        if data.get("pass_mark") is None and (
            kind is ActivityKind.TRAINING or data.get("qualification_name")
        ):
            add("pass_mark", _("A training needs a pass mark."))
        if data.get("qualification_name") and not data.get("qualification_months"):
            add("qualification_months", _("Say for how many months the qualification is valid."))
    if kind is ActivityKind.COMPETITION:
        if not data.get("competition_mode"):
            add("competition_mode", _("Choose individual or team competition."))
        if not data.get("rounds"):
            add("rounds", _("A competition needs at least one round."))
    if activity is not None and capacity is not None and activity.id is not None:
        confirmed = confirmed_count(activity.id)
        if capacity < confirmed:
            add(
                "capacity",
                _(
                    "%(n)d people are already signed up; the capacity cannot be smaller.",
                    n=confirmed,
                ),
            )
    return errors


def _clean(data: dict) -> dict:
    """Drop what does not belong to the kind, so an activity never carries stale settings."""
    data = {key: data.get(key) for key in FIELDS}
    data["kind"] = ActivityKind(data["kind"])
    data["description"] = (data.get("description") or "").strip()
    data["title"] = data["title"].strip()
    data["place"] = data["place"].strip()
    if data["kind"] not in QUALIFYING:
        data.update(
            pass_mark=None,
            qualification_name=None,
            qualification_is_safety=False,
            qualification_months=None,
        )
    else:
        data["qualification_name"] = (data.get("qualification_name") or "").strip() or None
        data["qualification_is_safety"] = bool(data.get("qualification_is_safety"))
        if not data["qualification_name"]:
            data["qualification_months"] = None
            data["qualification_is_safety"] = False
    if data["kind"] is not ActivityKind.COMPETITION:
        data.update(competition_mode=None, rounds=None)
    else:
        modes = {mode.value for mode in CompetitionMode}
        mode = data.get("competition_mode")
        data["competition_mode"] = CompetitionMode(mode) if mode in modes else None
    return data


def _snapshot(activity: Activity) -> dict:
    out = {}
    for key in FIELDS:
        value = getattr(activity, key)
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    out["departments"] = sorted(d.id for d in activity.departments)
    out["cover_image"] = activity.cover_image
    return out


def create_activity(
    organizer: User, data: dict, departments: list[Department], cover: str | None = None
) -> Activity:
    """Publish a new activity. Raises ValidationFailed."""
    data = _clean(data)
    if errors := validate_activity(data):
        raise ValidationFailed(errors)
    activity = Activity(**data, organizer=organizer, departments=list(departments))
    activity.cover_image = cover
    db.session.add(activity)
    db.session.flush()
    audit.record(
        "activity.created",
        activity,
        actor=organizer,
        summary=activity.title,
        after=_snapshot(activity),
    )
    return activity


def update_activity(
    organizer: User,
    activity: Activity,
    data: dict,
    departments: list[Department],
    cover: str | None = None,
) -> Activity:
    """Change an activity; a larger capacity lets people in from the waitlist."""
    if activity.is_cancelled:
        raise Refused(_("This activity has been cancelled and can no longer be changed."))
    data = _clean(data)
    _lock_activity(activity.id)
    if errors := validate_activity(data, activity):
        raise ValidationFailed(errors)
    before = _snapshot(activity)
    was = (activity.starts_at, activity.ends_at, activity.place)
    for key, value in data.items():
        setattr(activity, key, value)
    activity.departments = list(departments)
    if cover:
        activity.cover_image = cover
    db.session.flush()
    promoted = _fill_places(activity)
    audit.record(
        "activity.updated",
        activity,
        actor=organizer,
        summary=activity.title,
        before=before,
        after=_snapshot(activity),
    )
    _tell_promoted(promoted)
    _tell_moved(activity, *was)
    return activity


def _tell_moved(activity: Activity, starts_at: datetime, ends_at: datetime, place: str) -> None:
    """A new time or place reaches everyone signed up or waiting, old → new. A reminder
    already sent for the old time goes again a day before the new one, unless the new start
    is that close already (then this message is the reminder). An activity that was over
    and still is after the change (its record corrected) tells nobody."""

    def moved(old: datetime, new: datetime) -> tuple | None:
        # To the minute, as the form sets a time and the message shows it.
        same = old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)
        return None if same else (old, new)

    starts = moved(starts_at, activity.starts_at)
    ends = moved(ends_at, activity.ends_at)
    moved_to = (place, activity.place) if place != activity.place else None
    if not (starts or ends or moved_to):
        return
    now = utcnow()
    if ends_at <= now and activity.ends_at <= now:
        return  # the record of one that is over corrected: nobody has anywhere to go
    if starts and activity.starts_at > now + REMINDER_AHEAD:
        activity.reminder_sent_at = None
    user_ids = _signed_up_or_waiting(activity)
    if user_ids:
        triggers.activity_changed(
            user_ids,
            activity.title,
            activity_url(activity),
            starts_at=starts,
            ends_at=ends,
            place=moved_to,
        )


def _signed_up_or_waiting(activity: Activity) -> list[int]:
    return list(
        db.session.scalars(
            select(Participation.user_id).where(
                Participation.activity_id == activity.id, Participation.status != CANCELLED
            )
        )
    )


def cancel_activity(organizer: User, activity: Activity, reason: str) -> list[int]:
    """Call an activity off and tell everyone who signed up or waited. Returns their ids."""
    if activity.is_cancelled:
        raise Refused(_("This activity has already been cancelled."))
    if activity.ends_at <= utcnow():
        raise Refused(_("This activity is over; it cannot be cancelled any more."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Tell the participants why it is cancelled.")]})
    _lock_activity(activity.id)
    activity.status = ActivityStatus.CANCELLED
    activity.cancelled_at = utcnow()
    activity.cancel_reason = reason[:255]
    user_ids = _signed_up_or_waiting(activity)
    audit.record(
        "activity.cancelled", activity, actor=organizer, summary=f"{activity.title}: {reason}"
    )
    if user_ids:
        triggers.activity_cancelled(
            user_ids,
            activity.title,
            activity.starts_at,
            activity.cancel_reason or "",
            activity_url(activity),
        )
    return user_ids


def copy_fields(source: Activity) -> dict:
    """The settings of an activity, for the form that creates its duplicate."""
    data = {key: getattr(source, key) for key in FIELDS}
    data["title"] = source.title
    return data


# ---- Members: sign up, cancel, the waitlist --------------------------------------------


def _local(moment: datetime) -> str:
    return format_datetime(moment, "short")


def _check_can_sign_up(user: User, activity: Activity, now: datetime) -> None:
    """`queries.sign_up_refusal` in words: the one-row twin of the SQL that lists what is open
    (`queries.open_for_sign_up`; tests/activities/test_signup_rule.py keeps them in step)."""
    refusal = sign_up_refusal(user, activity, now)
    if refusal == "cancelled":
        raise Refused(_("This activity has been cancelled."))
    if refusal == "later":
        raise Refused(_("Sign-up opens on %(when)s.", when=_local(activity.signup_opens_at)))
    if refusal == "closed":
        raise Refused(_("Sign-up closed on %(when)s.", when=_local(activity.signup_closes_at)))
    if refusal == "audience":
        raise Refused(_("This activity is for other departments; you cannot sign up for it."))


def sign_up(user: User, activity: Activity) -> Participation:
    """Take a place, or a place on the waitlist when the activity is full. Raises Refused."""
    now = utcnow()
    _check_can_sign_up(user, activity, now)
    _lock_activity(activity.id)
    participation = my_participation(user, activity, fresh=True)
    if participation is not None and participation.status is not CANCELLED:
        if participation.status is WAITLISTED:
            raise Refused(_("You are already on the waitlist."))
        raise Refused(_("You have already signed up."))
    full = activity.capacity is not None and confirmed_count(activity.id) >= activity.capacity
    status = WAITLISTED if full else CONFIRMED
    if participation is None:
        participation = Participation(activity_id=activity.id, user_id=user.id)
        db.session.add(participation)
    participation.status = status
    participation.signed_up_at = participation.queued_at = now
    participation.confirmed_at = None if full else now
    participation.cancelled_at = None
    try:
        db.session.flush()
    except IntegrityError:
        # The same person twice at the same moment (two taps, two phones): one row wins. The
        # caller rolls back (a route) or drops its savepoint (a sync batch).
        raise Refused(_("You have already signed up.")) from None
    said = audit.house_words(status.label)  # the summary is text: the value would be stored
    audit.record("activity.signed_up", activity, actor=user, summary=f"{user.name}: {said}")
    return participation


def cancel_sign_up(user: User, activity: Activity) -> Participation:
    """Give up a place (before the deadline) or leave the waitlist; the next in line moves up."""
    now = utcnow()
    _lock_activity(activity.id)
    participation = my_participation(user, activity, fresh=True)
    if participation is None or participation.status is CANCELLED:
        raise Refused(_("You are not signed up for this activity."))
    if participation.status is CONFIRMED and now > activity.cancel_deadline:
        raise Refused(
            _(
                "Cancellations closed on %(when)s. Please tell the organizer if you cannot come.",
                when=_local(activity.cancel_deadline),
            )
        )
    if participation.checked_in_at is not None:
        raise Refused(_("You have already checked in."))
    was = participation.status
    participation.status = CANCELLED
    participation.cancelled_at = now
    db.session.flush()
    promoted = _fill_places(activity) if was is CONFIRMED else []
    audit.record("activity.sign_up_cancelled", activity, actor=user, summary=user.name)
    _tell_promoted(promoted)
    return participation


def _lock_activity(activity_id: int) -> None:
    """Serialise the writers of one activity's places until the transaction ends."""
    lock_row(Activity, activity_id)


def _fill_places(activity: Activity) -> list[Participation]:
    """Confirm the first people on the waitlist while there are free places (under the lock)."""
    query = (
        select(Participation)
        .where(Participation.activity_id == activity.id, Participation.status == WAITLISTED)
        .order_by(Participation.queued_at, Participation.id)
    )
    if activity.capacity is not None:
        free = activity.capacity - confirmed_count(activity.id)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    now = utcnow()
    for participation in promoted:
        participation.status = CONFIRMED
        participation.confirmed_at = now
    db.session.flush()
    return promoted


def activity_url(activity: Activity) -> str:
    """The activity's page, as a notification links to it (also from a job)."""
    return path_for("activities.show", activity_id=activity.id)


def _tell_promoted(participations: list[Participation]) -> None:
    """People moved up from the waitlist: each learns that they now have a place."""
    for participation in participations:
        activity = participation.activity
        triggers.waitlist_promoted(
            participation.user_id, activity.title, activity.starts_at, activity_url(activity)
        )
