"""Home cards: a checker's entrance check with how many of their people may not work; a
worker's own post they may not work on, and why."""

from flask import url_for
from flask_babel import gettext as _

from . import queries, standing
from .access import checked_departments


def gate_cards(user) -> list[dict]:
    cards = []
    refused, holds_a_post = queries.card_glance(user, checked_departments(user))
    if refused is not None:  # a checker
        cards.append(
            {
                "title": _("Site entrance check"),
                "body": _(
                    "Scan a worker's code before work: %(n)d of your people may not work now.",
                    n=refused,
                ),
                "count": refused,
                "url": url_for("gate.check"),
                "tone": "warn" if refused else "info",
            }
        )
    if not holds_a_post:  # most people: their posts and qualifications need not be read
        return cards
    posts = queries.posts_of(user)
    today = queries.local_today()
    held = standing.statuses([user.id]).get(user.id, {})
    for post in posts:
        v = standing.verdict(held, post.required_types, today)
        if not v.allowed:
            cards.append(
                {
                    "title": _("You may not work as %(post)s", post=post.name),
                    "body": v.reason,
                    "url": url_for("gate.my_code"),
                    "tone": "warn",
                }
            )
    return cards


def register(reg) -> None:
    reg.cards(gate_cards, order=45)
