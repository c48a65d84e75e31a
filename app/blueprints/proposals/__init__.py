"""Rationalisation proposals (合理化建议 · 以勤建家): from a draft on the phone, also offline, to
the department's opinion, the committee's rubric and decision, implementation, the measured
benefit and the award; monthly statistics per workshop. Safety suggestions are proposals of
the category "safety"."""

from flask import Blueprint

from app.features import pages, registry

bp = Blueprint(
    "proposals",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app):
    from . import cards, demo, jobs, routes, sync  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp, url_prefix="/proposals")
    reg = registry(app)
    from . import figures

    figures.register(reg)
    # No bar item (the bar has five slots): a home card and an entry on 我的 lead here.
    reg.cards(cards.proposal_cards, order=60)
    reg.offline(pages("proposals.index", "proposals.new"))
    reg.sync_kind("proposal", sync.sync_proposal, attach_photo=sync.attach_photo)
    reg.daily_job("proposals.overdue", jobs.alert_overdue)
    reg.demo(demo.load)
