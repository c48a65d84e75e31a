"""Demo inbox entries, so the inbox and its badge have something to show. Safe to run again."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import notify
from app.extensions import db
from app.models import Notification, User


def load_demo_notifications(employee_nos: list[str]) -> int:
    """Give each demo user who has none yet a welcome and a tip; returns entries made."""
    users = db.session.scalars(select(User).where(User.employee_no.in_(employee_nos))).all()
    welcomed = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "system.welcome")
        )
    )
    new = [user.id for user in users if user.id not in welcomed]
    if not new:
        return 0
    adapter = current_app.url_map.bind("localhost")
    made = notify(
        new,
        "system.welcome",
        _l("Welcome to Workers' Home"),
        _l(
            "Hazards assigned to you, activity reminders and union notices arrive here. "
            "Turn on push to get them on your phone too."
        ),
        adapter.build("notify.settings"),
    )
    made += notify(
        new,
        "notices.demo",
        _l("Check your details"),
        _l("Make sure your department and phone number are right."),
        adapter.build("main.me"),
    )
    return len(made)


def load(ctx) -> list:
    """Welcome the demo accounts."""
    load_demo_notifications(ctx.people)
    return []


def register(reg) -> None:
    reg.demo(load)
