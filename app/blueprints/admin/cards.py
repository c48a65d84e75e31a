"""The union office's home-page cards: the state of the roster."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role, User


def admin_cards(user) -> list[dict]:
    if not user.has_role(Role.ADMIN):
        return []
    active, inactive, no_department = db.session.execute(
        select(
            func.count(User.id).filter(User.active.is_(True)),
            func.count(User.id).filter(User.active.is_(False)),
            func.count(User.id).filter(User.active.is_(True), User.department_id.is_(None)),
        )
    ).one()
    cards = [
        {
            "title": _("People"),
            "body": _(
                "%(active)d active accounts, %(inactive)d deactivated.",
                active=active,
                inactive=inactive,
            ),
            "url": url_for("admin.users"),
            "tone": "info",
        }
    ]
    if no_department:
        cards.append(
            {
                "title": _("Accounts without a department"),
                "body": _(
                    "Give them a department so their reports and activities reach the right people."
                ),
                "count": no_department,
                "url": url_for("admin.users", department="none"),
                "tone": "warn",
            }
        )
    if active <= 1:
        cards.append(
            {
                "title": _("Bring in your roster"),
                "body": _("Import the workers from an Excel or CSV file."),
                "url": url_for("admin.import_roster"),
                "tone": "warn",
            }
        )
    return cards


def register(reg) -> None:
    reg.cards(admin_cards, order=20)
