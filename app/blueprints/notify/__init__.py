"""Notifications: the in-app inbox, web push and per-category preferences."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.features import NavItem, pages, registry

bp = Blueprint("notify", __name__, template_folder="templates")


def init_app(app):
    from . import cards, demo, jobs, routes, services  # noqa: F401

    app.register_blueprint(bp, url_prefix="/notifications")
    reg = registry(app)
    reg.nav(
        NavItem(
            "notify.index",
            _l("Inbox"),
            "bell",
            prefix="/notifications",
            badge=services.unread_count,
            order=30,
        )
    )
    reg.cards(cards.inbox_cards, order=10)
    reg.offline(pages("notify.index"))
    reg.daily_job("notify.clean_inbox", jobs.clean_inbox)
    reg.demo(demo.load)
