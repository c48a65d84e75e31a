"""The safety network (群监网): areas, checklists, patrols, hazards, violations."""

from flask_babel import lazy_gettext as _l

from app.features import NavItem, feature_blueprint, register_feature

bp = feature_blueprint("safety", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401

    parts = (figures, cards, offline, sync, jobs, demo)
    reg = register_feature(app, bp, *parts, url_prefix="/safety", audit=AUDIT_LABELS)
    reg.nav(NavItem("safety.index", _l("Safety"), "shield", prefix="/safety", order=10))


AUDIT_LABELS = {
    "area.created": _l("Area added"),
    "checkpoint.created": _l("Checkpoint added"),
    "checklist.created": _l("Checklist added"),
    "checklist.revised": _l("Checklist revised"),
    "safety_group.created": _l("Inspector group added"),
    "safety_group.member_added": _l("Inspector added to a group"),
    "safety_group.member_removed": _l("Inspector removed from a group"),
    "patrol_plan.saved": _l("Patrol plan saved"),
    "patrol_plan.stopped": _l("Patrol plan stopped"),
    "patrol.started": _l("Patrol started"),
    "patrol.finished": _l("Patrol finished"),
    "hazard.reported": _l("Hazard reported"),
    "hazard.report": _l("Hazard reported"),
    "hazard.assign": _l("Hazard assigned"),
    "hazard.start": _l("Rectification started"),
    "hazard.rectify": _l("Hazard rectified"),
    "hazard.verify": _l("Rectification verified"),
    "hazard.send_back": _l("Rectification sent back"),
    "hazard.reject": _l("Hazard report rejected"),
    "hazard.comment": _l("Hazard commented"),
    "violation.reported": _l("Violation recorded"),
    "violation.followed_up": _l("Violation followed up"),
    "suggestion.submitted": _l("Safety suggestion submitted"),
    "suggestion.answered": _l("Safety suggestion answered"),
}
