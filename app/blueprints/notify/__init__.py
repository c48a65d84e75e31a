"""Notifications: the in-app inbox, web push and per-category preferences."""

from flask_babel import lazy_gettext as _l

from app.features import NavItem, feature_blueprint, pages, register_feature

bp = feature_blueprint("notify", __name__)


def init_app(app):
    from . import cards, demo, jobs, routes, services  # noqa: F401

    reg = register_feature(app, bp, cards, jobs, demo, url_prefix="/notifications")
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
    reg.offline(pages("notify.index"), stamp=services.inbox_stamp)
