"""The safety network's cards on the home page: work waiting for this person."""

from functools import cache

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models.hazards import Hazard, HazardStatus

from . import permissions
from .queries import TO_RECTIFY_STATUSES
from .services.common import local_today

# A card's badge shows "99+" past 99: counting further would read every waiting row.
COUNT_CAP = 100


def _capped_count(*where):
    """The number of hazards matching, counted up to COUNT_CAP: a bounded index read."""
    first = select(Hazard.id).where(*where).limit(COUNT_CAP).subquery()
    return select(func.count()).select_from(first).scalar_subquery()


@cache
def _figures_statement(officer: bool):
    """What the user must rectify and, for officers, what waits for them: built once a
    process for each shape (see app/blueprints/README.md).

    Each count reads its own index range ((status, assignee_id), (status, ...)), the officers'
    two capped, so the cost does not grow with the table.
    """
    mine = Hazard.assignee_id == bindparam("user_id")
    to_rectify = Hazard.status.in_(TO_RECTIFY_STATUSES)
    figures = [
        select(func.count(Hazard.id)).where(mine, to_rectify).scalar_subquery(),
        select(func.count(Hazard.id))
        .where(mine, to_rectify, Hazard.due_on < bindparam("today"))
        .scalar_subquery(),
    ]
    if officer:
        figures += [
            _capped_count(Hazard.status == HazardStatus.REPORTED),
            _capped_count(
                Hazard.status == HazardStatus.AWAITING_VERIFICATION,
                Hazard.rectified_by_id != bindparam("user_id"),
            ),
        ]
    return select(*figures)


def safety_cards(user) -> list[dict]:
    """One query: see `_figures_statement`."""
    officer = permissions.is_officer(user)
    mine_open, mine_overdue, *waiting = db.session.execute(
        _figures_statement(officer), {"user_id": user.id, "today": local_today()}
    ).one()
    unassigned, to_verify = waiting or (0, 0)
    cards = []
    if mine_open:
        cards.append(
            {
                "title": _("Hazards for you to rectify"),
                "body": _("%(n)d overdue.", n=mine_overdue)
                if mine_overdue
                else _("Rectify them before their due dates."),
                "count": mine_open,
                # The list of exactly what is counted; the field kit holds it (offline.kit).
                "url": url_for("safety.my_hazards", status="to_rectify"),
                "tone": "warn" if mine_overdue else "info",
            }
        )
    if not officer:
        return cards
    # What waits for an officer: the hazards of one status each, the card linking to their list.
    officer_cards = (
        (
            unassigned,
            HazardStatus.REPORTED,
            _("New hazards to assign"),
            _("Reported hazards wait for someone to rectify them."),
            "warn",
        ),
        (
            to_verify,
            HazardStatus.AWAITING_VERIFICATION,
            _("Rectifications to verify"),
            _("Check the work on site and close the hazards."),
            "info",
        ),
    )
    for count, status, title, body, tone in officer_cards:
        if count:
            cards.append(
                {
                    "title": title,
                    "body": body,
                    "count": count,
                    "url": url_for("safety.hazards", status=status.value),
                    "tone": tone,
                }
            )
    return cards


def register(reg) -> None:
    reg.cards(safety_cards, order=40)
