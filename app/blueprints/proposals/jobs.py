"""The daily job: owners of adopted proposals (or trials) past their due date are told, once
a day, until the implementation is reported."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.blueprints.notify.services import notify
from app.extensions import db
from app.jobs import path_for
from app.models.proposals import Proposal, ProposalStatus
from app.services.inputs import local_today


def alert_overdue(today=None) -> int:
    """Tell each owner about their overdue implementations; returns how many were told."""
    today = today or local_today()
    overdue = db.session.scalars(
        select(Proposal).where(
            Proposal.status.in_((ProposalStatus.ADOPTED, ProposalStatus.TRIAL)),
            Proposal.due_on < today,
            Proposal.owner_id.is_not(None),
            or_(Proposal.overdue_alerted_on.is_(None), Proposal.overdue_alerted_on < today),
        )
    ).all()
    for proposal in overdue:
        notify(
            [proposal.owner_id],
            "proposals.overdue",
            _l("Overdue: the implementation of “%(title)s”", title=proposal.title),
            _l(
                "It was due on %(day)s. Report it done, with its measured benefit.",
                day=proposal.due_on.isoformat(),
            ),
            path_for("proposals.show", proposal_id=proposal.id),
        )
        proposal.overdue_alerted_on = today
    db.session.flush()  # the job runner commits
    return len(overdue)


def register(reg) -> None:
    reg.daily_job("proposals.overdue", alert_overdue)
