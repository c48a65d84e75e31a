"""The rights officer's home card: appeals waiting for a step (overdue ones called out, then
answers a member was not satisfied with)."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models.appeals import Appeal, AppealStatus

from . import access, services


def appeal_cards(user) -> list[dict]:
    if not access.is_officer(user):
        return []
    waiting = db.session.scalar(select(func.count()).where(services.waiting_for_officer()))
    if not waiting:
        return []
    overdue = db.session.scalar(
        select(func.count()).where(
            Appeal.status == AppealStatus.RAISED,
            Appeal.acknowledge_by < services.local_today(),
        )
    )
    body = _("Acknowledge, investigate and answer them.")
    if overdue:
        body = _("%(n)d not acknowledged in time.", n=overdue)
    elif unsatisfied := db.session.scalar(select(func.count()).where(Appeal.awaits_follow_up)):
        body = _("%(n)d answers the member was not satisfied with: follow them up.", n=unsatisfied)
    return [
        {
            "title": _("Members' appeals"),
            "body": body,
            "count": waiting,
            "url": url_for("appeals.index", tab="overdue" if overdue else "open"),
            "tone": "warn" if overdue else "info",
        }
    ]


def register(reg) -> None:
    reg.cards(appeal_cards, order=65)
