"""Democratic management (民主管理) at /congress: the workers' congress (职代会), its motions
(提案), democratic evaluation of leaders (民主评议) and open notices (厂务公开).

Who does what (the role model):
- **Organizers and the chairman (admin)** run the congress: sessions, delegates, documents,
  the plenary meeting (an activity of the activities feature, so delegates check in there
  with their codes and the organizer scans them on its check-in page), evaluation rounds and
  notices. Together they are the **motions committee** (提案工作委员会): they accept a
  submitted motion, turn it into a suggestion, or decline it with a reason, and hand an
  accepted one to a lead department (and co-departments) with a deadline. They alone see
  evaluation results, and only once a round has closed with at least k ballots.
- **Delegates** are people named delegates of a session (by department, with a term); they
  draft motions and co-sign each other's. A draft needs `COSIGNERS_NEEDED` co-signers.
- **Department contacts** (提案联络人) are designated per session and department by the
  organizers; they answer the motions handed to their department (A/B/C). A department may
  have several; anyone may be one, delegate or not.
- **Every member** reads the public motion list and the session report, reads the notices of
  their audience (a read receipt is kept), asks questions under them, and votes in the
  evaluation rounds they are eligible for (the session's delegates, or members of the
  round's departments).

Delegate training is a training of the activities feature (a link on the session page).
"""

from flask_babel import lazy_gettext as _l

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("congress", __name__)


def init_app(app):
    from . import cards, demo, figures, jobs, routes, sync  # noqa: F401  (routes attach to bp)

    parts = (figures, cards, sync, jobs, demo)
    register_feature(app, bp, *parts, url_prefix="/congress", audit=AUDIT_LABELS)


AUDIT_LABELS = {
    "congress.session_saved": _l("Congress session saved"),
    "congress.delegate_added": _l("Congress delegate added"),
    "congress.delegate_removed": _l("Congress delegate removed"),
    "congress.contact_added": _l("Motion contact named"),
    "congress.document_added": _l("Congress document added"),
    "congress.meeting_scheduled": _l("Congress meeting scheduled"),
    "congress.round_created": _l("Evaluation round created"),
    "congress.round_people_changed": _l("People rated in an evaluation changed"),
    "congress.notice_published": _l("Notice published"),
    "congress.motion_deleted": _l("Draft motion deleted"),
}
