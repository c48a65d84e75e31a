"""The safety network's cards on the home page: work waiting for this person."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models.hazards import Hazard, HazardStatus

from . import permissions
from .services.common import local_today


def safety_cards(user) -> list[dict]:
    """One query: what the user must rectify and, for officers, what waits for them."""
    mine = Hazard.assignee_id == user.id
    to_rectify = Hazard.status.in_((HazardStatus.ASSIGNED, HazardStatus.RECTIFYING))
    officer = permissions.is_officer(user)
    mine_open, mine_overdue, unassigned, to_verify = db.session.execute(
        select(
            func.count(Hazard.id).filter(mine, to_rectify),
            func.count(Hazard.id).filter(mine, to_rectify, Hazard.due_on < local_today()),
            func.count(Hazard.id).filter(Hazard.status == HazardStatus.REPORTED),
            func.count(Hazard.id).filter(
                Hazard.status == HazardStatus.AWAITING_VERIFICATION,
                Hazard.rectified_by_id != user.id,
            ),
        ).where(mine if not officer else True)
    ).one()
    cards = []
    if mine_open:
        cards.append(
            {
                "title": _("Hazards for you to rectify"),
                "body": _("%(n)d overdue.", n=mine_overdue)
                if mine_overdue
                else _("Rectify them before their due dates."),
                "count": mine_open,
                "url": url_for("safety.my_hazards", status="open"),
                "tone": "warn" if mine_overdue else "info",
            }
        )
    if officer and unassigned:
        cards.append(
            {
                "title": _("New hazards to assign"),
                "body": _("Reported hazards wait for someone to rectify them."),
                "count": unassigned,
                "url": url_for("safety.hazards", status=HazardStatus.REPORTED.value),
                "tone": "warn",
            }
        )
    if officer and to_verify:
        cards.append(
            {
                "title": _("Rectifications to verify"),
                "body": _("Check the work on site and close the hazards."),
                "count": to_verify,
                "url": url_for("safety.hazards", status=HazardStatus.AWAITING_VERIFICATION.value),
                "tone": "info",
            }
        )
    return cards
