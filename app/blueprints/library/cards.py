"""The home cards: new versions of procedures this person's posts require them to read, and
for a team leader, the procedures their team has not all confirmed."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from . import queries


def library_cards(user) -> list[dict]:
    leads, holds = queries.card_glance(user)
    cards = _leader_cards(user) if leads else []
    waiting = queries.required_of(user) if holds else []
    if not waiting:
        return cards
    return cards + [
        {
            "title": _("Procedures to read and confirm"),
            "body": " · ".join(d.title for d in waiting[:3]),
            "count": len(waiting),
            "url": url_for("library.document", document_id=waiting[0].id)
            if len(waiting) == 1
            else url_for("library.index"),
            "tone": "warn",
            # Gone on a phone that holds the signatures of all of them, not yet sent (offline).
            "outbox_done": (
                "procedure_read",
                "version_id=" + " ".join(str(d.current_version_id) for d in waiting),
            ),
        }
    ]


def _leader_cards(user) -> list[dict]:
    pending = queries.unconfirmed_in_teams(user)
    if not pending:
        return []
    people = sum(n for _d, n in pending)
    first = pending[0][0]
    return [
        {
            "title": _("Your team has procedures to confirm"),
            # Each number takes its own plural: "3 confirmations missing on 1 procedure."
            "body": _(
                "%(confirmations)s missing on %(procedures)s.",
                confirmations=ngettext("%(num)d confirmation", "%(num)d confirmations", people),
                procedures=ngettext("%(num)d procedure", "%(num)d procedures", len(pending)),
            ),
            "count": people,
            "url": url_for("library.readers", document_id=first.id)
            if len(pending) == 1
            else url_for("library.index"),
            "tone": "warn",
        }
    ]


def register(reg) -> None:
    reg.cards(library_cards, order=65)
