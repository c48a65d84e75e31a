"""Care (以情爱家): needy-worker files, visits, major-event mutual aid and campaigns.

No bottom-bar item: care officers reach it from a home card, members reach their mutual-aid
requests from 我的.
"""

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("care", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401

    reg = register_feature(app, bp, url_prefix="/care")
    figures.register(reg)
    reg.cards(cards.care_cards, order=60)
    reg.offline(offline.care_kit)
    sync.register(reg)
    reg.daily_job("care.reminders", jobs.remind)
    reg.demo(demo.load)


@bp.context_processor
def care_helpers():
    from .parse import local_zone

    def care_time(moment) -> str:
        return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M") if moment else "—"

    return {"care_time": care_time}
