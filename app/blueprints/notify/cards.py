"""The home page's card for unread notifications."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.blueprints.notify.services import UNREAD_CAP, latest_unread, unread_count


def inbox_cards(user) -> list[dict]:
    count = unread_count(user)
    if not count:
        return []
    latest = latest_unread(user)
    return [
        {
            "title": ngettext("%(num)d unread message", "%(num)d unread messages", count)
            if count < UNREAD_CAP
            else _("99+ unread messages"),
            "body": latest.title if latest else "",
            "count": count,
            "url": url_for("notify.index"),
            "tone": "info",
        }
    ]


def register(reg) -> None:
    reg.cards(inbox_cards, order=10)
