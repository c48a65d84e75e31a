"""Home-page cards of the activities feature."""

from datetime import timedelta
from functools import cache

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.blueprints.activities.queries import (
    CONFIRMED,
    EXPIRY_WARNING_DAYS,
    audience_of,
    local_today,
    open_for_sign_up,
)
from app.extensions import db
from app.features import Renewal, ways_to_renew
from app.models._types import utcnow
from app.models.activities import (
    Activity,
    ActivityStatus,
    Participation,
    Qualification,
)
from app.services.departments import own_departments
from app.services.trainings import next_trainings, outlasted


@cache
def _glance_statement(in_a_department: bool):
    """What the cards need to know first, in one statement: the person's next activity, how
    many activities are open to them, the qualification that expires soonest. Most people
    have none of the first and last: those are then not read at all. Built once a process
    for each shape (see app/blueprints/README.md)."""
    return select(
        _upcoming_statement().scalar_subquery(),
        _open_statement(in_a_department).scalar_subquery(),
        _expiring_statement().scalar_subquery(),
    )


def _upcoming_statement():
    return (
        select(Activity.id)
        .join(Participation, Participation.activity_id == Activity.id)
        .where(
            Participation.user_id == bindparam("user_id"),
            Participation.status == CONFIRMED,
            Activity.status == ActivityStatus.PUBLISHED,
            # Not one already under way (a months-long competition would hide the rest).
            Activity.starts_at > bindparam("now"),
        )
        .order_by(Activity.starts_at)
        .limit(1)
    )


def _open_statement(in_a_department: bool):
    now = bindparam("now")
    ids = bindparam("department_ids", expanding=True) if in_a_department else None
    return select(func.count(Activity.id)).where(
        open_for_sign_up(now, ids),
        ~Activity.id.in_(
            select(Participation.activity_id).where(Participation.user_id == bindparam("user_id"))
        ),
    )


def _expiring_statement():
    return select(Qualification.id).where(*_expiring()).order_by(Qualification.valid_until).limit(1)


@cache
def _all_expiring_statement():
    return select(Qualification).where(*_expiring()).order_by(Qualification.valid_until)


def _expiring():
    return (
        Qualification.user_id == bindparam("user_id"),
        Qualification.revoked_at.is_(None),
        Qualification.valid_until >= bindparam("today"),
        Qualification.valid_until <= bindparam("horizon"),
        ~outlasted(),  # renewed already: no warning
    )


def _expiring_cards(user, ids, values) -> list[dict]:
    """A card for each qualification about to run out, saying where the person can renew it:
    a way they can take now (an exam, `ways_to_renew`), the refresher training, both, or
    that none is open yet. One statement for each of the three, whatever their number."""
    held: dict[int, Qualification] = {}
    for qualification in db.session.scalars(_all_expiring_statement(), values):
        held.setdefault(qualification.type_id, qualification)
    # One open to the person's departments; one they have already signed up for counts too.
    trainings = next_trainings({q.name for q in held.values()}, audience_of(ids or None))
    ways = ways_to_renew(user, {type_id: q.name for type_id, q in held.items()})
    return [
        _expiring_card(q, trainings.get(q.name), ways.get(type_id)) for type_id, q in held.items()
    ]


def _expiring_card(qualification: Qualification, refresher, way: Renewal | None) -> dict:
    """Leads to the way the person can take now (an exam) if there is one, else to the
    refresher training, else to the list of what is open to them."""
    day = qualification.valid_until.isoformat()
    when = refresher and format_datetime(refresher.starts_at, "short")
    if way and refresher:
        body = _(
            "Valid until %(day)s. Take “%(way)s” to renew it, or the refresher training: "
            "%(title)s, %(when)s.",
            day=day,
            way=way.title,
            title=refresher.title,
            when=when,
        )
    elif way:
        body = _("Valid until %(day)s. Take “%(way)s” to renew it.", day=day, way=way.title)
    elif refresher:
        body = _(
            "Valid until %(day)s. Refresher training: %(title)s, %(when)s.",
            day=day,
            title=refresher.title,
            when=when,
        )
    else:
        body = _(
            "Valid until %(day)s. No refresher training is open yet; ask your union organizer.",
            day=day,
        )
    if way:
        url = way.url
    elif refresher:
        url = url_for("activities.show", activity_id=refresher.id)
    else:
        url = url_for("activities.index")
    return {
        "title": _("Qualification expiring: %(name)s", name=qualification.name),
        "body": body,
        "url": url,
        "tone": "warn",
    }


def activity_cards(user) -> list[dict]:
    ids = own_departments(user)
    today = local_today()
    values = {
        "user_id": user.id,
        "today": today,
        "horizon": today + timedelta(EXPIRY_WARNING_DAYS),
    }
    upcoming, open_now, expiring = db.session.execute(
        _glance_statement(bool(ids)), {**values, "now": utcnow(), "department_ids": ids}
    ).one()
    cards = []
    # A row gone since the first look (deleted meanwhile) shows no card.
    if upcoming and (activity := db.session.get(Activity, upcoming)):
        cards.append(
            {
                "title": _("Your next activity: %(title)s", title=activity.title),
                "body": f"{format_datetime(activity.starts_at, 'short')} · {activity.place}",
                "url": url_for("activities.show", activity_id=activity.id),
                "tone": "ok",
            }
        )
    if open_now:
        cards.append(
            {
                "title": _("Open for sign-up"),
                "body": _("Activities, trainings and competitions you can join."),
                "count": open_now,
                "url": url_for("activities.index"),
                "tone": "info",
            }
        )
    if expiring:  # none gone since the first look (deleted meanwhile) shows no card
        cards.extend(_expiring_cards(user, ids, values))
    return cards


def register(reg) -> None:
    reg.cards(activity_cards, order=50)
