"""Care (以情爱家): needy-worker files, visits, major-event mutual aid and campaigns.

No bottom-bar item: care officers reach it from a home card, members reach their mutual-aid
requests from 我的.
"""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("care", __name__, static=True)


def init_app(app):
    from . import cards, demo, figures, jobs, offline, routes, sync  # noqa: F401

    parts = (figures, cards, offline, sync, jobs, demo)
    register_feature(app, bp, *parts, url_prefix="/care", audit=AUDIT_LABELS)


AUDIT_LABELS = {
    "care.file.read": _l("Care file read"),
    "care.file.copied": _l("Care file kept on the phone for offline use"),
    "care.file.opened": _l("Care file opened"),
    "care.file.updated": _l("Care file changed"),
    "care.file.member_added": _l("Household member added"),
    "care.file.member_removed": _l("Household member removed"),
    "care.file.support_added": _l("Support recorded"),
    "care.file.attached": _l("Care file attachment added"),
    "care.file.reviewed": _l("Care file reviewed"),
    "care.files.listed": _l("Care file list read"),
    "care.files.copied": _l("Care file list kept on the phone for offline use"),
    "care.files.exported": _l("Care files exported"),
    "care.proposal.declined": _l("Care recommendation declined"),
    "care.plan.created": _l("Visit plan created"),
    "care.plan.targets_added": _l("Visit plan: people added"),
    "care.plan.closed": _l("Visit plan closed"),
    "care.visit.recorded": _l("Visit recorded"),
    "care.campaign.created": _l("Care campaign created"),
    "care.campaign.recipients_added": _l("Campaign recipients added"),
    "care.campaign.recipient_removed": _l("Campaign recipient removed"),
    "care.campaign.signed": _l("Campaign gift signed for"),
    "care.campaign.closed": _l("Care campaign closed"),
    "care.campaign.exported": _l("Campaign sign-off sheet exported"),
    "care.aid.reported": _l("Mutual-aid request reported"),
    "care.aid.acknowledge": _l("Mutual-aid request acknowledged"),
    "care.aid.act": _l("Mutual aid given"),
    "care.aid.close": _l("Mutual-aid request closed"),
    "care.aid.comment": _l("Mutual-aid request: note added"),
}


@bp.context_processor
def care_helpers():
    from .parse import care_day, care_time
    from .services.attachments import hint

    return {"care_time": care_time, "care_day": care_day, "attachment_hint": hint}
