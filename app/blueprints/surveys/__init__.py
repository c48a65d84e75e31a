"""Member satisfaction (surveys): surveys named or anonymous (unlinkable, like ballots), their
results with the previous run beside them, and the one-tap rating after every activity. Its
figures on the 建家 scorecard are in `figures.py`."""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("surveys", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401  (routes attach to bp)

    reg = register_feature(app, bp, url_prefix="/surveys")
    reg.cards(cards.survey_cards, order=65)
    reg.offline(offline.survey_kit, stamp=offline.survey_stamp)
    reg.sync_kind("survey_response", sync.sync_response)
    reg.audit_actions({"surveys.created": _l("Survey created")})
    figures.register(reg)
    reg.demo(demo.load)
