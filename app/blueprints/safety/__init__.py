"""The safety network (群监网): areas, checklists, patrols, hazards, violations."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.features import NavItem, registry

bp = Blueprint(
    "safety",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app):
    from . import cards, demo, jobs, offline, routes, sync  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp, url_prefix="/safety")
    reg = registry(app)
    reg.nav(NavItem("safety.index", _l("Safety"), "shield", prefix="/safety", order=10))
    reg.cards(cards.safety_cards, order=40)
    reg.offline(offline.kit, stamp=offline.stamp)
    sync.register(reg)
    reg.daily_job("safety.due_dates", jobs.remind_due_dates)
    reg.demo(demo.load)
