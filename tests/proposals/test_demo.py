"""The demo proposals' timelines begin at their 提交时间 and keep the dates the proposals
record for their decision, completion and award."""

from sqlalchemy import select

from app.demo import load_demo
from app.extensions import db
from app.models.proposals import Proposal, ProposalAction


def test_a_demo_proposal_s_timeline_starts_when_it_was_sent_in(app):
    load_demo()
    db.session.commit()
    sent_in = db.session.scalars(select(Proposal).where(Proposal.submitted_at.is_not(None))).all()
    assert sent_in
    for proposal in sent_in:
        steps = sorted(proposal.events, key=lambda e: e.id)
        at = {e.action: e.created_at for e in steps}
        assert steps[0].created_at == proposal.submitted_at, proposal.title
        assert [e.created_at for e in steps] == sorted(e.created_at for e in steps)
        for action, moment in (
            (ProposalAction.DECIDE, proposal.decided_at),
            (ProposalAction.COMPLETE, proposal.completed_at),
            (ProposalAction.AWARD, proposal.awarded_at),
        ):
            if action in at:
                assert at[action] == moment, (proposal.title, action)
