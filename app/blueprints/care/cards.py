"""The care card on the home page: reviews overdue, aid requests waiting. Only care officers
and the chairman (who reads the files) get it: a card must not tell anyone else that files
exist."""

from datetime import UTC, datetime

from flask import url_for
from flask_babel import gettext as _

from . import parse, queries
from .services.common import can_read


def care_cards(user) -> list[dict]:
    if not can_read(user):
        return []
    overdue, soon = queries.counts_due(parse.local_today())
    aid_open, aid_overdue = queries.open_aid_counts(datetime.now(UTC))
    body = []
    if aid_open:
        body.append(
            _(
                "%(n)d mutual-aid requests open (%(late)d past the target time).",
                n=aid_open,
                late=aid_overdue,
            )
        )
    if overdue or soon:
        body.append(
            _("%(n)d file reviews overdue, %(soon)d due within 30 days.", n=overdue, soon=soon)
        )
    return [
        {
            "title": _("Care (以情爱家)"),
            "body": " ".join(body) or _("Files, visits, mutual aid and campaigns."),
            "count": aid_open + overdue or None,
            "url": url_for("care.index"),
            "tone": "warn" if aid_overdue or overdue else "info",
        }
    ]


def register(reg) -> None:
    reg.cards(care_cards, order=60)
