"""The home card: drafts to finish, proposals waiting for this person, and a way to propose."""

from flask import url_for
from flask_babel import gettext as _

from . import queries


def proposal_cards(user) -> list[dict]:
    cards = []
    todo = queries.todo_count(user)
    if todo:
        cards.append(
            {
                "title": _("Proposals waiting for you"),
                "body": _("Give an opinion, review, or report the implementation."),
                "count": todo,
                "url": url_for("proposals.index", tab="todo"),
                "tone": "warn",
            }
        )
    drafts = queries.draft_count(user)
    cards.append(
        {
            "title": _("Rationalisation proposals"),
            "body": _("%(n)d drafts to finish.", n=drafts)
            if drafts
            else _("Have an idea to work better, safer or cheaper? Propose it."),
            "count": drafts or None,
            "url": url_for("proposals.index") if drafts else url_for("proposals.new"),
            "tone": "info",
        }
    )
    return cards
