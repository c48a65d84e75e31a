"""Activities: events, trainings with qualifications, job drills and competitions."""

from flask_babel import lazy_gettext as _l

from app.features import NavItem, feature_blueprint, register_feature

bp = feature_blueprint("activities", __name__)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401

    parts = (figures, cards, offline, sync, demo)
    reg = register_feature(app, bp, *parts, url_prefix="/activities", audit=AUDIT_LABELS)
    reg.nav(
        NavItem("activities.index", _l("Activities"), "calendar", prefix="/activities", order=20)
    )


AUDIT_LABELS = {
    "activity.created": _l("Activity published"),
    "activity.updated": _l("Activity changed"),
    "activity.cancelled": _l("Activity cancelled"),
    "activity.signed_up": _l("Signed up for an activity"),
    "activity.sign_up_cancelled": _l("Sign-up cancelled"),
    "activity.checked_in": _l("Checked in"),
    "activity.results_recorded": _l("Training results recorded"),
    "activity.round_recorded": _l("Competition round recorded"),
}
