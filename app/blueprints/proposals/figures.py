"""The proposals feature's figures on the 建家 scorecard: participation, proposals made and
adopted, and the measured benefit (by the proposal's department and the month it was sent
in)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.proposals import ADOPTED_STATUSES, Proposal, ProposalAuthor
from app.scorecard import Row, in_department, moments, share_rows


def _sent_in(year, month, department):
    start, end = moments(year, month)
    query = (
        select(Proposal)
        .where(Proposal.submitted_at >= start, Proposal.submitted_at < end)
        .order_by(Proposal.submitted_at, Proposal.id)
    )
    return db.session.scalars(in_department(query, Proposal.department_id, department)).all()


def _row(proposal, amount=None) -> Row:
    url = url_for("proposals.show", proposal_id=proposal.id)
    return Row(proposal.title, url, amount=amount)


def proposal_share(year, month, department):
    authors = select(ProposalAuthor.user_id).join(
        Proposal, Proposal.id == ProposalAuthor.proposal_id
    )
    return share_rows(year, month, department, authors, Proposal.submitted_at)


def proposals_made(year, month, department):
    return [_row(p) for p in _sent_in(year, month, department)]


def proposals_adopted(year, month, department):
    return [_row(p) for p in _sent_in(year, month, department) if p.status in ADOPTED_STATUSES]


def benefit(year, month, department):
    return [
        _row(p, float(p.benefit))
        for p in _sent_in(year, month, department)
        if p.benefit is not None
    ]


def register(reg) -> None:
    reg.figure(
        "participation",
        "proposal_share",
        _l("Members who made a proposal (%)"),
        rows=proposal_share,
        unit="percent",
        order=20,
    )
    reg.figure("proposals", "made", _l("Proposals sent in"), rows=proposals_made, order=10)
    reg.figure("proposals", "adopted", _l("Proposals adopted"), rows=proposals_adopted, order=20)
    reg.figure(
        "proposals",
        "benefit",
        _l("Measured benefit (yuan a year)"),
        rows=benefit,
        unit="yuan",
        order=30,
    )
