"""Members' appeals (职工诉求 · 维权): any member raises a rights problem with the union, named
or anonymously (unlinkable, followed by a private receipt code); the union's rights officer
acknowledges, investigates, may raise it with management, and answers; the member rates the
answer. Never visible to department heads or management accounts. Statistics suppress small
counts (`statistics.figures`, for the scorecard)."""

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("appeals", __name__)


def init_app(app):
    from . import cards, demo, figures, jobs, routes  # noqa: F401  (routes attach to bp)

    # No bar item: an entry on 我的 and, for the rights officer, a home card lead here.
    register_feature(app, bp, figures, cards, jobs, demo, url_prefix="/appeals")
