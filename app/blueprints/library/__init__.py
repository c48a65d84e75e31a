"""Rules and study (以章治家 · 学习型职工之家): versioned rules and operating procedures (a
machine's QR code opens its procedure, offline), read confirmations for new versions
(学习签名, outbox kind `procedure_read`), question banks, the daily question and timed exams
that can issue a qualification and count as study points in competitions."""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("library", __name__, static=True)


def init_app(app):
    from . import cards, demo, offline, qualifications, routes, sync  # noqa: F401

    # No bar item: a home card (procedures to confirm) and an entry on 我的 lead here; the
    # activities' card of an expiring qualification points to an exam that renews it.
    parts = (cards, offline, sync, demo, qualifications)
    register_feature(app, bp, *parts, url_prefix="/library", audit=AUDIT_LABELS)


# Every action the library records in the audit log (services: audit.record).
AUDIT_LABELS = {
    "library.published": _l("Rule or procedure published"),
    "library.revised": _l("New version of a rule or procedure"),
    "library.details_changed": _l("Details of a rule or procedure changed"),
    "library.bank_added": _l("Question bank added"),
    "library.exam_added": _l("Exam added"),
}
