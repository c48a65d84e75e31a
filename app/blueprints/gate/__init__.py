"""不合格者不上岗: qualification types, posts and what they require, workers' gate codes, the
offline check at the site entrance and the gate report."""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("gate", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401
    from .access import is_checker, is_officer

    parts = (figures, cards, offline, sync, jobs, demo)
    register_feature(app, bp, *parts, url_prefix="/gate", audit=AUDIT_LABELS)
    app.add_template_global(is_checker, "gate_is_checker")
    app.add_template_global(is_officer, "gate_is_officer")


AUDIT_LABELS = {
    "gate.type_created": _l("Qualification type added"),
    "gate.type_changed": _l("Qualification type changed"),
    "gate.certificate_recorded": _l("Outside certificate recorded"),
    "gate.qualification_revoked": _l("Qualification revoked"),
    "gate.post_created": _l("Post added"),
    "gate.post_changed": _l("Post changed"),
    "gate.holder_added": _l("Post holder added"),
    "gate.holder_removed": _l("Post holder removed"),
    "gate.leader_added": _l("Team leader added"),
    "gate.leader_removed": _l("Team leader removed"),
    "gate.code_reissued": _l("Gate code reissued"),
    "gate.code_revoked": _l("Gate code revoked"),
    "gate.photo_set": _l("Worker photo set"),
}
