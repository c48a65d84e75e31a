"""Member satisfaction (surveys): surveys named or anonymous (unlinkable, like ballots), their
results with the previous run beside them, and the one-tap rating after every activity. Its
figures on the 建家 scorecard are in `figures.py`."""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("surveys", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401  (routes attach to bp)
    from .services.ratings import my_rating

    parts = (cards, offline, sync, figures, demo)
    register_feature(
        app, bp, *parts, url_prefix="/surveys", audit={"surveys.created": _l("Survey created")}
    )
    # The activity page shows the person's own rating without importing this feature by name.
    app.add_template_global(my_rating, "activity_rating_of")
