"""Rationalisation proposals (合理化建议 · 以勤建家): from a draft on the phone, also offline, to
the department's opinion, the committee's rubric and decision, implementation, the measured
benefit and the award; monthly statistics per workshop. Safety suggestions are proposals of
the category "safety"."""

from babel.numbers import format_compact_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, pages, register_feature

bp = feature_blueprint("proposals", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, routes, sync  # noqa: F401  (routes attach to bp)

    # No bar item (the bar has five slots): a home card and an entry on 我的 lead here.
    parts = (figures, cards, sync, jobs, demo)
    reg = register_feature(app, bp, *parts, url_prefix="/proposals", audit=AUDIT_LABELS)
    reg.offline(pages("proposals.index", "proposals.new"))
    app.add_template_filter(compact_number, "proposals_compact")


def compact_number(value) -> str:
    """A large amount in few characters (48万, 10亿; 48K, 1B in English), for a chart's
    labels on a phone; the exact amount stays in the table and the bar's title."""
    return format_compact_decimal(value, locale=get_locale() or "zh_CN", fraction_digits=1)


AUDIT_LABELS = {
    "proposal.drafted": _l("Proposal draft saved"),
    "proposal.submitted": _l("Proposal sent in"),
    "proposal.draft_deleted": _l("Proposal draft deleted"),
    "proposal.recommend": _l("Proposal recommended by the department"),
    "proposal.not_recommend": _l("Proposal not recommended by the department"),
    "proposal.scored": _l("Proposal scored"),
    "proposal.decided": _l("Proposal decided"),
    "proposal.revoked": _l("Proposal adoption withdrawn"),
    "proposal.completed": _l("Proposal implemented (measured benefit)"),
    "proposal.awarded": _l("Proposal award given"),
    "proposal.weights_set": _l("Review rubric weights set"),
    "proposal.heads_set": _l("Department heads for proposals set"),
}
