"""Activities: events, trainings with qualifications, job drills and competitions."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.features import NavItem, pages, registry

bp = Blueprint("activities", __name__, template_folder="templates")


def init_app(app):
    from . import cards, demo, jobs, routes, sync  # noqa: F401

    app.register_blueprint(bp, url_prefix="/activities")
    reg = registry(app)
    reg.nav(
        NavItem("activities.index", _l("Activities"), "calendar", prefix="/activities", order=20)
    )
    reg.cards(cards.activity_cards, order=50)
    reg.offline(pages("activities.index"))
    reg.sync_kind("checkin", sync.sync_checkin)
    reg.demo(demo.load)
