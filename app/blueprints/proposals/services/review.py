"""Review to the end: the department's opinion, the committee's rubric scores and decision
(always with a reason the proposers read), implementation, measured benefit and award. Every
step is an event on the proposal's timeline and a notification to its proposers."""

from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.jobs import path_for
from app.models.proposals import (
    AwardGrade,
    Criterion,
    Decision,
    DepartmentHead,
    Proposal,
    ProposalAction,
    ProposalReview,
    ProposalStatus,
    RubricWeight,
)
from app.services import audit
from app.services.inputs import MaxLength, choice, day, local_today, number, person, text
from app.services.rows import one_or_add

from .. import permissions
from .drafting import change_status, tell_proposers

MAX_BENEFIT = Decimal("100000000000")  # 元 a year: far above any one proposal
MAX_AWARD = Decimal("10000000")
# What an empty reason field asks for (a decision's, a withdrawal's): the proposers read it.
GIVE_REASON = _l("Give the reason.")


def weights() -> dict[Criterion, int]:
    """The rubric's weights (each criterion's most points), in the rubric's order."""
    stored = {row.criterion: row.weight for row in db.session.scalars(select(RubricWeight))}
    from app.models.proposals import DEFAULT_WEIGHTS

    return {c: stored.get(c, DEFAULT_WEIGHTS[c]) for c in Criterion}


def _points(data, criterion: Criterion, weight: int, errors: dict) -> Decimal | None:
    """A criterion's points, to a tenth: from 0 to its weight, read once. A refusal names that
    range, or, above it, the criterion and the number as it was typed (31, not 31.0)."""
    return number(
        data,
        criterion.value,
        errors,
        low=0,
        high=weight,
        places=1,
        required=_l("Give %(criterion)s its points.", criterion=criterion.label),
        too_high=lambda typed: _(
            "%(criterion)s gives at most %(weight)d points; %(value)s is more.",
            criterion=criterion.label,
            weight=weight,
            value=format(typed.normalize(), "f"),
        ),
    )


def give_opinion(user, proposal: Proposal, data) -> Proposal:
    """The department head recommends the proposal to the committee, or does not (and says
    why). Either way it goes on to the committee, which decides."""
    if not permissions.can_give_opinion(user, proposal):
        raise Refused(_("Only the department head gives this opinion, once."), 403)
    errors: dict[str, list[str]] = {}
    verdict = data.get("recommend")
    if verdict not in ("yes", "no"):
        errors["recommend"] = [_("Choose whether you recommend it.")]
    why_not = _l("Say why you do not recommend it.") if verdict == "no" else False
    note = text(data, "note", errors, required=why_not, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    recommended = verdict == "yes"
    proposal.recommended = recommended
    proposal.department_note = note
    proposal.department_by_id = user.id
    action = ProposalAction.RECOMMEND if recommended else ProposalAction.NOT_RECOMMEND
    change_status(proposal, user, action, ProposalStatus.REVIEWING, note)
    audit.record(f"proposal.{action.value}", proposal, actor=user, summary=proposal.title)
    tell_proposers(
        proposal,
        action.value,
        _l("The department recommends your proposal “%(title)s”", title=proposal.title)
        if recommended
        else _l(
            "The department does not recommend your proposal “%(title)s”", title=proposal.title
        ),
        note or _l("The review committee looks at it next."),
    )
    notify(
        permissions.committee_ids(),
        "proposals.to_review",
        _l("A proposal waits for the committee: %(title)s", title=proposal.title),
        "",
        path_for("proposals.show", proposal_id=proposal.id),
    )
    return proposal


def score_proposal(user, proposal: Proposal, data) -> ProposalReview:
    """One committee member's rubric scores; none may exceed its criterion's weight. Scoring
    again replaces this member's earlier scores; the proposal's score is the members' mean."""
    if not permissions.can_review(user, proposal):
        raise Refused(_("Only the review committee scores proposals before its decision."), 403)
    errors: dict[str, list[str]] = {}
    values = {}
    for criterion, weight in weights().items():
        value = _points(data, criterion, weight, errors)
        values[criterion.value] = float(value) if value is not None else None
    note = text(data, "note", errors, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    review = one_or_add(ProposalReview, proposal_id=proposal.id, reviewer_id=user.id)
    for key, value in values.items():
        setattr(review, key, value)
    review.total = round(sum(values.values()), 1)
    review.note = note
    review.created_at = datetime.now(UTC)
    db.session.flush()
    totals = list(
        db.session.scalars(
            select(ProposalReview.total).where(ProposalReview.proposal_id == proposal.id)
        )
    )
    proposal.score = round(sum(totals) / len(totals), 2)
    change_status(proposal, user, ProposalAction.SCORE, proposal.status, note)
    audit.record("proposal.scored", proposal, actor=user, summary=f"{review.total:g}")
    tell_proposers(
        proposal,
        "scored",
        _l("The committee scored your proposal “%(title)s”", title=proposal.title),
        _l("Score so far: %(score)s of 100.", score=f"{proposal.score:g}"),
    )
    return review


def decide(user, proposal: Proposal, data) -> Proposal:
    """Adopt, try first, file for later or decline — always with the reason the proposers
    read. Adopting or a trial names an owner, the plan and the due date."""
    if not permissions.can_review(user, proposal):
        raise Refused(_("Only the review committee decides, while the proposal is before it."), 403)
    errors: dict[str, list[str]] = {}
    decision = choice(
        data, "decision", Decision, errors, required=_l("Choose the committee's decision.")
    )
    reason = text(data, "reason", errors, required=GIVE_REASON, max_len=MaxLength.NOTE)
    if decision in (Decision.ADOPT, Decision.TRIAL):
        if proposal.score is None:
            errors.setdefault("decision", []).append(
                _("Score the proposal on the rubric before adopting it or trying it.")
            )
        owner = person(data, "owner_id", errors, required=_l("Choose who implements it."))
        plan = text(
            data,
            "plan",
            errors,
            required=_l("Write the implementation plan."),
            max_len=MaxLength.TEXT,
        )
        due_on = day(
            data, "due_on", errors, required=_l("Choose the due date."), not_before=local_today()
        )
    if errors:
        raise ValidationFailed(errors)
    proposal.decision = decision
    proposal.decision_reason = reason
    proposal.decided_at = datetime.now(UTC)
    if decision in (Decision.ADOPT, Decision.TRIAL):
        proposal.owner_id, proposal.plan, proposal.due_on = owner.id, plan, due_on
        proposal.overdue_alerted_on = None
    change_status(proposal, user, ProposalAction.DECIDE, decision.status, reason)
    audit.record(
        "proposal.decided",
        proposal,
        actor=user,
        summary=f"{audit.house_words(decision.label)}：{proposal.title}",
    )
    tell_proposers(
        proposal,
        "decided",
        _l("Decision on “%(title)s”: %(decision)s", title=proposal.title, decision=decision.label),
        reason,
    )
    if decision in (Decision.ADOPT, Decision.TRIAL) and owner.id not in proposal.author_ids:
        notify(
            [owner.id],
            "proposals.owner",
            _l("You implement the proposal “%(title)s”", title=proposal.title),
            _l("Due %(day)s.", day=due_on.isoformat()),
            path_for("proposals.show", proposal_id=proposal.id),
        )
    return proposal


def revoke(user, proposal: Proposal, data) -> Proposal:
    """Withdraw an adoption (say, on appeal): the proposal is declined, with the reason; its
    competition points go with it."""
    if not permissions.can_revoke(user, proposal):
        raise Refused(_("Only the review committee withdraws an adoption."), 403)
    errors: dict[str, list[str]] = {}
    reason = text(data, "reason", errors, required=GIVE_REASON, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    proposal.decision = Decision.DECLINE
    proposal.decision_reason = reason
    proposal.decided_at = datetime.now(UTC)
    change_status(proposal, user, ProposalAction.REVOKE, ProposalStatus.DECLINED, reason)
    audit.record("proposal.revoked", proposal, actor=user, summary=proposal.title)
    tell_proposers(
        proposal,
        "revoked",
        _l("The adoption of “%(title)s” was withdrawn", title=proposal.title),
        reason,
    )
    return proposal


def complete(user, proposal: Proposal, data) -> Proposal:
    """The owner (or the committee) reports it done, with the measured annual benefit and how
    it was computed: a figure without its method is refused. The committee is told that it
    waits for their award."""
    if not permissions.can_complete(user, proposal):
        raise Refused(_("Only the owner or the committee reports an adopted proposal done."), 403)
    errors: dict[str, list[str]] = {}
    benefit = number(
        data,
        "benefit",
        errors,
        low=0,
        high=MAX_BENEFIT,
        required=_l("Enter the measured benefit in yuan a year (0 if there is none)."),
    )
    method = text(data, "benefit_method", errors, max_len=MaxLength.TEXT)
    if benefit is not None and benefit > 0 and not method:
        errors.setdefault("benefit_method", []).append(
            _("Say how the benefit was computed (what was measured, over which period).")
        )
    note = text(data, "note", errors, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    proposal.benefit = benefit
    proposal.benefit_method = method
    proposal.completed_at = datetime.now(UTC)
    # The timeline shows the amount from the proposal, in the reader's language; the event
    # keeps what people wrote.
    summary = _l("Measured benefit: %(amount)s yuan a year.", amount=f"{benefit:,.2f}")
    change_status(
        proposal,
        user,
        ProposalAction.COMPLETE,
        ProposalStatus.IMPLEMENTED,
        "\n".join(part for part in (method, note) if part),
    )
    audit.record("proposal.completed", proposal, actor=user, summary=f"{benefit}")
    tell_proposers(
        proposal,
        "completed",
        _l("Your proposal “%(title)s” is implemented", title=proposal.title),
        summary,
    )
    # The award is the committee's next step; a member who reported it done knows already.
    notify(
        [uid for uid in permissions.committee_ids() if uid != user.id],
        "proposals.to_award",
        _l("A proposal waits for your award decision: %(title)s", title=proposal.title),
        summary,
        path_for("proposals.show", proposal_id=proposal.id),
    )
    return proposal


def award(user, proposal: Proposal, data) -> Proposal:
    if not permissions.can_award(user, proposal):
        raise Refused(_("Only the committee awards, once the proposal is implemented."), 403)
    errors: dict[str, list[str]] = {}
    grade = choice(data, "grade", AwardGrade, errors, required=_l("Choose an award grade."))
    amount = number(
        data, "amount", errors, low=0, high=MAX_AWARD, required=_l("Enter an amount in yuan.")
    )
    note = text(data, "note", errors, max_len=MaxLength.NOTE)
    if errors:
        raise ValidationFailed(errors)
    proposal.award_grade = grade
    proposal.award_amount = amount
    proposal.awarded_at = datetime.now(UTC)
    summary = _l("%(grade)s, %(amount)s yuan.", grade=grade.label, amount=f"{amount:,.2f}")
    change_status(proposal, user, ProposalAction.AWARD, ProposalStatus.AWARDED, note)
    audit.record("proposal.awarded", proposal, actor=user, summary=summary)
    tell_proposers(
        proposal,
        "awarded",
        _l("Your proposal “%(title)s” won an award", title=proposal.title),
        summary,
    )
    return proposal


def set_weights(user, data) -> dict[Criterion, int]:
    """The committee sets the rubric's weights: whole points that add up to 100."""
    if not permissions.is_committee(user):
        raise Refused(_("Only the review committee sets the rubric."), 403)
    errors: dict[str, list[str]] = {}
    from app.services.inputs import whole

    chosen = {
        c: whole(
            data,
            f"weight_{c.value}",
            errors,
            low=0,
            high=100,
            required=_l("Enter the weight of %(criterion)s.", criterion=c.label),
        )
        for c in Criterion
    }
    if not errors and sum(chosen.values()) != 100:
        errors["form"] = [
            _(
                "The weights add up to %(total)d; they must add up to 100.",
                total=sum(chosen.values()),
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    for criterion, weight in chosen.items():
        row = db.session.get(RubricWeight, criterion)
        if row is None:
            db.session.add(RubricWeight(criterion=criterion, weight=weight))
        else:
            row.weight = weight
    audit.record(
        "proposal.weights_set", None, actor=user, after={c.value: w for c, w in chosen.items()}
    )
    db.session.flush()
    return chosen


def set_heads(user, department, user_ids: list[int]) -> None:
    """Who gives this workshop's opinion (none: the committee gives it)."""
    if not permissions.is_committee(user):
        raise Refused(_("Only the review committee names department heads."), 403)
    from app.models import User

    people = (
        db.session.scalars(select(User).where(User.id.in_(user_ids), User.active.is_(True))).all()
        if user_ids
        else []
    )
    if len(people) != len(set(user_ids)):
        raise ValidationFailed({"heads": [_("Choose one of the options given.")]})
    for row in db.session.scalars(
        select(DepartmentHead).where(DepartmentHead.department_id == department.id)
    ):
        db.session.delete(row)
    db.session.flush()
    for someone in people:
        db.session.add(DepartmentHead(department_id=department.id, user_id=someone.id))
    audit.record(
        "proposal.heads_set", department, actor=user, after={"heads": [p.id for p in people]}
    )
    db.session.flush()
