"""The proposals feature's figures on the 建家 scorecard: participation, proposals made and
adopted, and the measured benefit (by the proposal's department and the month it was sent
in)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from app.extensions import db
from app.models.proposals import ADOPTED_STATUSES, Proposal, ProposalAuthor
from app.scorecard import (
    Row,
    exact,
    half_up,
    in_department,
    moments,
    share_rows,
    share_value,
    shared,
)


def _sent_in_columns(year, month, department, *columns):
    """`columns` of the proposals sent in in the period (of the department)."""
    start, end = moments(year, month)
    query = select(*columns).where(Proposal.submitted_at >= start, Proposal.submitted_at < end)
    return in_department(query, Proposal.department_id, department)


def _sent_in(year, month, department):
    """The proposals sent in in the period, in the order they came: the figures' rows."""
    query = _sent_in_columns(year, month, department, Proposal)
    return db.session.scalars(query.order_by(Proposal.submitted_at, Proposal.id)).all()


def _row(proposal, amount=None) -> Row:
    url = url_for("proposals.show", proposal_id=proposal.id)
    return Row(proposal.title, url, amount=amount)


AUTHORS = select(ProposalAuthor.user_id).join(Proposal, Proposal.id == ProposalAuthor.proposal_id)


def proposal_share(year, month, department):
    return share_rows(year, month, department, AUTHORS, Proposal.submitted_at)


def proposal_share_value(year, month, department):
    return share_value(year, month, department, AUTHORS, Proposal.submitted_at)


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


def _counts(year, month, department) -> tuple[int, int]:
    """(made, adopted), in one statement for the two figures."""
    adopted = func.count(case((Proposal.status.in_(ADOPTED_STATUSES), 1)))
    key = ("proposals", year, month, department.id if department else None)
    query = _sent_in_columns(year, month, department, func.count(), adopted)
    return shared(key, lambda: tuple(db.session.execute(query).one()))


def made_count(year, month, department):
    return _counts(year, month, department)[0]


def adopted_count(year, month, department):
    return _counts(year, month, department)[1]


def benefit_total(year, month, department):
    """The sum `benefit`'s rows make, each amount as the float its row holds."""
    query = _sent_in_columns(year, month, department, Proposal.benefit)
    amounts = db.session.scalars(query.where(Proposal.benefit.is_not(None)))
    return half_up(sum(exact(float(b)) for b in amounts), 1, 2)


def register(reg) -> None:
    reg.figure(
        "participation",
        "proposal_share",
        _l("Members who made a proposal (%)"),
        proposal_share_value,
        rows=proposal_share,
        unit="percent",
        order=20,
    )
    reg.figure(
        "proposals",
        "made",
        _l("Proposals sent in"),
        made_count,
        rows=proposals_made,
        order=10,
    )
    reg.figure(
        "proposals",
        "adopted",
        _l("Proposals adopted"),
        adopted_count,
        rows=proposals_adopted,
        order=20,
    )
    reg.figure(
        "proposals",
        "benefit",
        _l("Measured benefit (yuan a year)"),
        benefit_total,
        rows=benefit,
        unit="yuan",
        order=30,
    )
