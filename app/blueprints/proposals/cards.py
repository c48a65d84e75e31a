"""The home cards: proposals waiting for this person, and their drafts to finish. (The home
page lists work waiting, so there is no card without any; the way to propose is on 我的 and
on the safety page.)"""

from flask import url_for
from flask_babel import gettext as _

from . import queries


def proposal_cards(user) -> list[dict]:
    cards = []
    todo, drafts = queries.card_counts(user)
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
    if drafts:
        cards.append(
            {
                "title": _("Rationalisation proposals"),
                "body": _("%(n)d drafts to finish.", n=drafts),
                "count": drafts,
                "url": url_for("proposals.index", tab="mine", status="draft"),
                "tone": "info",
            }
        )
    return cards


def register(reg) -> None:
    reg.cards(proposal_cards, order=60)
