"""A co-proposer is named by employee number, typed as a phone types it."""

from sqlalchemy import select

from app.models.proposals import Proposal, ProposalAuthor
from tests.helpers import text
from tests.proposals.conftest import COMPLETE


def test_a_co_proposer_typed_in_lower_case_is_found(client, auth, cast, db):
    """m0003 is M0003 (the tester was told 没有工号为“m0003”的会员。)."""
    auth.login(cast.proposer)
    response = client.post(
        "/proposals/new",
        data={
            **COMPLETE,
            "action": "submit",
            "share": "60",
            "coauthors[0][employee_no]": cast.coproposer.employee_no.lower(),
            "coauthors[0][share]": "40",
        },
    )
    assert response.status_code == 303, text(response)
    proposal = db.session.scalar(select(Proposal))
    shares = db.session.execute(
        select(ProposalAuthor.user_id, ProposalAuthor.share).where(
            ProposalAuthor.proposal_id == proposal.id
        )
    ).all()
    assert sorted(shares) == sorted([(cast.proposer.id, 60), (cast.coproposer.id, 40)])


def test_the_proposers_are_listed_as_each_language_writes_a_list(client, auth, cast, db):
    """In English the proposers read "孙车工 60 %, 褚车工 40 %": they kept the Chinese 、."""
    from tests.proposals.conftest import advance

    proposal = advance(cast, "submitted")
    auth.login(cast.proposer)
    chinese = text(client.get(f"/proposals/{proposal.id}"))
    assert '<dd id="proposers">孙车工 60 %、褚车工 40 %</dd>' in chinese
    client.post("/locale", data={"locale": "en"})
    english = text(client.get(f"/proposals/{proposal.id}"))
    assert '<dd id="proposers">孙车工 60 %, 褚车工 40 %</dd>' in english
    listed = text(client.get("/proposals/?tab=mine"))
    assert "孙车工, 褚车工" in listed and "、" not in listed
