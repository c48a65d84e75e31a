"""What the safety and activities features call to tell people about their items.

Each function takes plain values (ids, titles, dates, the item's URL), so it does not depend
on those features' models; each writes inbox rows through `notify()` and leaves the commit to
the caller, so a notification goes out only with the change it describes. Texts are lazy and
dates are formatted lazily: everything is rendered in each recipient's own language.

Wiring (by the features):
- safety, on new hazards: `hazards_reported(officer_ids, [(title, severity, url)], actor_id=…)`
- safety, on assignment: `hazard_assigned(assignee_id, title, url, actor_id=current_user.id)`
- safety, on a rectification done: `hazard_to_verify(officer_ids, title, url, actor_id=…)`
- safety, on verification: `hazard_accepted(assignee_id, …)` if it passed, else
  `hazard_sent_back(assignee_id, title, note, url, actor_id=…)`
- safety, on every status event: `hazard_status_changed(reporter_id, title, status_label, url,
  note=…, actor_id=…)` with the status's lazy label
- safety, a daily job (`@daily_job("safety.due_dates")` in `app.jobs`): for hazards due
  tomorrow `hazard_due_tomorrow(...)`, for hazards past due `hazard_overdue(...)`
- activities, an hourly periodic task: `activity_reminder(...)` for activities starting in the
  next 24 hours whose reminder has not been sent (keep a `reminded_at` on the activity)
- activities, on promotion from the waitlist: `waitlist_promoted(...)`
- activities, on cancellation: `activity_cancelled(...)` to everyone signed up or waiting
- activities, on a new time or place: `activity_changed(...)` to everyone signed up or waiting
"""

from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import LazyString, format_date, format_datetime
from flask_babel import lazy_gettext as _l

from app.blueprints.notify.services import notify, notify_many
from app.models import Notification
from app.services.inputs import local_zone


def _when(moment: datetime) -> LazyString:
    return LazyString(lambda: format_datetime(moment, "short"))


def _day(day: date) -> LazyString:
    return LazyString(lambda: format_date(day, "medium"))


def _others(user_ids: Iterable[int], actor_id: int | None) -> list[int]:
    """Nobody is told about what they did themselves."""
    return [i for i in user_ids if i is not None and i != actor_id]


def hazard_assigned(
    assignee_id: int, hazard_title: str, url: str, *, actor_id: int | None = None
) -> list[Notification]:
    return notify(
        _others([assignee_id], actor_id),
        "hazards.assigned",
        _l("Hazard assigned to you: %(title)s", title=hazard_title),
        _l("Please arrange the rectification and record it in the app."),
        url,
    )


def hazards_reported(
    officer_ids: Iterable[int], hazards: list[tuple], *, actor_id: int | None = None
) -> None:
    """New hazards for the safety officers to assign, each (title, severity_label, url): one
    hazard reported online, or a sync batch of many."""
    officers = _others(officer_ids, actor_id)
    # One text per severity, each rendered once, not once per hazard. The labels are keyed by
    # identity: a lazy text hashes and compares by rendering itself in the current language.
    bodies = {}
    for _title, severity, _url in hazards:
        bodies.setdefault(
            id(severity),
            _l("Severity: %(severity)s. Please assign someone to rectify it.", severity=severity),
        )
    notify_many(
        (
            officers,
            "hazards.reported",
            _l("New hazard reported: %(title)s", title=title),
            bodies[id(severity)],
            url,
        )
        for title, severity, url in hazards
    )


def hazard_to_verify(
    user_ids: Iterable[int], hazard_title: str, url: str, *, actor_id: int | None = None
) -> list[Notification]:
    """A rectification done: the safety officers check it on site and close the hazard."""
    return notify(
        _others(user_ids, actor_id),
        "hazards.to_verify",
        _l("Rectification to verify: %(title)s", title=hazard_title),
        _l("Check the work on site, then close the hazard or send it back."),
        url,
    )


def hazard_accepted(
    assignee_id: int, hazard_title: str, url: str, *, actor_id: int | None = None
) -> list[Notification]:
    """The assignee's rectification passed: the hazard is closed, nothing is left to do."""
    return notify(
        _others([assignee_id], actor_id),
        "hazards.accepted",
        _l("Your rectification was accepted: %(title)s", title=hazard_title),
        _l("The hazard is closed. Nothing more is needed from you."),
        url,
    )


def hazard_sent_back(
    assignee_id: int, hazard_title: str, note: str, url: str, *, actor_id: int | None = None
) -> list[Notification]:
    """The rectification did not pass: the assignee does it again; `note` says why."""
    return notify(
        _others([assignee_id], actor_id),
        "hazards.sent_back",
        _l("Rectification sent back, please redo it: %(title)s", title=hazard_title),
        _l("The verifier said: %(note)s", note=note),
        url,
    )


def hazard_status_changed(
    reporter_id: int,
    hazard_title: str,
    status_label,
    url: str,
    *,
    note: str | None = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """The reporter follows their hazard: its title and new status in the title line.
    `status_label` is the new status's lazy label (e.g. 已整改), rendered per recipient;
    `note`, when the step has one worth passing on (a rejection's reason), is the body."""
    return notify(
        _others([reporter_id], actor_id),
        "hazards.status",
        _l(
            "The hazard you reported, %(title)s, is now: %(status)s",
            title=hazard_title,
            status=status_label,
        ),
        note or "",
        url,
    )


def hazard_due_tomorrow(
    user_ids: Iterable[int], hazard_title: str, due: date, url: str
) -> list[Notification]:
    return notify(
        user_ids,
        "hazards.due",
        _l("Rectification due tomorrow: %(title)s", title=hazard_title),
        _l("The deadline is %(day)s.", day=_day(due)),
        url,
    )


def hazard_overdue(
    user_ids: Iterable[int], hazard_title: str, due: date, url: str
) -> list[Notification]:
    return notify(
        user_ids,
        "hazards.overdue",
        _l("Rectification overdue: %(title)s", title=hazard_title),
        _l("The deadline was %(day)s. Please deal with it at once.", day=_day(due)),
        url,
    )


def activity_reminder(
    user_ids: Iterable[int],
    activity_title: str,
    starts_at: datetime,
    place: str,
    url: str,
    *,
    now: datetime | None = None,
) -> list[Notification]:
    """The reminder a day ahead: "today" or "tomorrow" as the local calendar has it."""
    zone = local_zone()
    today = (now.astimezone(zone) if now else datetime.now(zone)).date()
    days = (starts_at.astimezone(zone).date() - today).days
    if days <= 0:
        title = _l("Today: %(title)s", title=activity_title)
    elif days == 1:
        title = _l("Tomorrow: %(title)s", title=activity_title)
    else:
        title = _l("Coming up: %(title)s", title=activity_title)
    return notify(
        user_ids,
        "activities.reminder",
        title,
        _l("Starts %(when)s at %(place)s.", when=_when(starts_at), place=place),
        url,
    )


def waitlist_promoted(
    user_id: int, activity_title: str, starts_at: datetime, url: str
) -> list[Notification]:
    return notify(
        [user_id],
        "activities.promoted",
        _l("You have a place: %(title)s", title=activity_title),
        _l(
            "A place came free and you moved up from the waitlist. It starts %(when)s.",
            when=_when(starts_at),
        ),
        url,
    )


def activity_cancelled(
    user_ids: Iterable[int], activity_title: str, starts_at: datetime, reason: str, url: str
) -> list[Notification]:
    body = (
        _l("It was to start %(when)s. Reason: %(reason)s", when=_when(starts_at), reason=reason)
        if reason
        else _l("It was to start %(when)s.", when=_when(starts_at))
    )
    return notify(
        user_ids,
        "activities.cancelled",
        _l("Cancelled: %(title)s", title=activity_title),
        body,
        url,
    )


def activity_changed(
    user_ids: Iterable[int],
    activity_title: str,
    url: str,
    *,
    starts_at: tuple[datetime, datetime] | None = None,
    ends_at: tuple[datetime, datetime] | None = None,
    place: tuple[str, str] | None = None,
) -> list[Notification]:
    """The activity moved: each (old, new) pair given is one sentence of the body. A sentence
    brings its own space after it where its language puts one (English, not Chinese)."""
    parts = []
    if starts_at:
        old, new = starts_at
        parts.append(_l("Start: %(old)s → %(new)s. ", old=_when(old), new=_when(new)))
    if ends_at:
        old, new = ends_at
        parts.append(_l("End: %(old)s → %(new)s. ", old=_when(old), new=_when(new)))
    if place:
        old, new = place
        parts.append(_l("Place: %(old)s → %(new)s. ", old=old, new=new))
    return notify(
        user_ids,
        "activities.changed",
        _l("Time or place changed: %(title)s", title=activity_title),
        LazyString(lambda: "".join(str(part) for part in parts).strip()),
        url,
    )
