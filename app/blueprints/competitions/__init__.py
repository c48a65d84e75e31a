"""Competitions that count real work: rules that give a competition's points from the records
the app keeps (adopted proposals and their benefit, verified hazards, patrols on plan,
trainings passed, drill scores), beside the organizer's own round scores; the leaderboard
with where each point came from; the plan, the assessment and the result of a competition.

The competition itself is an activity (app/blueprints/activities); this feature adds to it.
"""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("competitions", __name__)


def init_app(app):
    from . import demo, routes  # noqa: F401  (routes attach to bp)

    register_feature(app, bp, demo, url_prefix="/competitions", audit=AUDIT_LABELS)


AUDIT_LABELS = {
    "competition.rules_set": _l("Competition rules set"),
    "competition.brief_set": _l("Competition plan and result written"),
}
