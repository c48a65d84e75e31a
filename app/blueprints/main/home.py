"""What is waiting for the user: the cards on the home page.

Each feature adds a function to `CARD_PROVIDERS` that returns cards for a user (possibly
none). A card is a dict: title, body, url, count (optional), tone (info | warn | ok).
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.blueprints.activities.cards import activity_cards
from app.blueprints.notify.cards import inbox_cards
from app.blueprints.safety.cards import safety_cards
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


def profile_cards(user) -> list[dict]:
    if user.department_id is None:
        return [
            {
                "title": _("Your department is not set"),
                "body": _("Ask the union office to add you to your workshop and team."),
                "tone": "warn",
            }
        ]
    return []


CARD_PROVIDERS = [inbox_cards, admin_cards, profile_cards, safety_cards, activity_cards]


def cards_for(user) -> list[dict]:
    return [card for provider in CARD_PROVIDERS for card in provider(user)]
