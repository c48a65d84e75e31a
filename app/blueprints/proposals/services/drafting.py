"""Writing a proposal: a draft (kept as long as the proposer likes), its co-proposers and
shares, its photos, and sending it in. The form route and the `proposal` outbox kind both
come here."""

from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import storage
from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.jobs import path_for
from app.models.proposals import (
    Proposal,
    ProposalAction,
    ProposalAuthor,
    ProposalCategory,
    ProposalEvent,
    ProposalPhoto,
    ProposalStatus,
)
from app.services import audit
from app.services.departments import workshop_of
from app.services.inputs import (
    MaxLength,
    by_employee_no,
    check_client_id,
    choice,
    moment,
    plain_whole,
    text,
)
from app.services.photos import image_row
from app.services.rows import sent_before

from .. import permissions

MAX_COAUTHORS = 9
# A proposal's parts, each with what its empty field asks for when the proposal is sent in.
TEXTS = {
    "current_state": _l("Say what is done now and what is wrong with it."),
    "proposed_change": _l("Say what you propose to do."),
    "expected_effect": _l("Say what effect you expect."),
}


def save_proposal(
    user, data, photos=(), *, proposal=None, client_id=None, captured_at=None, submit=None
):
    """Create (or, with `proposal`, change) a draft; with `submit`, also send it in
    (`submit` None: as the posted `action` says, `draft` or `submit`; no other is taken).

    A draft needs only a title; sending it in needs every part. Returns (proposal, created);
    the same `client_id` again returns the proposal it made, unchanged.
    """
    if proposal is None:
        client_id, found = sent_before(Proposal, client_id, "author_id", user)
        if found:
            return found, False
    else:
        check_client_id(client_id)  # an edit keeps the draft's own id; a malformed one is refused
    if proposal is not None and not permissions.can_edit(user, proposal):
        raise Refused(_("Only the proposer can change a draft, and only before it is sent."), 403)
    errors: dict[str, list[str]] = {}
    if submit is None:
        submit = _sends_in(data, errors)
    fields = _fields(data, errors, complete=submit)
    coauthors = _coauthors(user, data, errors)
    existing = len(proposal_photos(proposal)) if proposal is not None else 0
    try:
        prepared = storage.prepare_uploads(photos)
        most = storage.limits().photos_per_record
        if existing + len(prepared) > most:
            raise ValidationFailed.on("photos", _("Attach at most %(n)d photos.", n=most))
    except ValidationFailed as failed:
        for key, messages in failed.errors.items():
            errors.setdefault(key, []).extend(messages)
        prepared = []
    if errors:
        raise ValidationFailed(errors)
    created = proposal is None
    now = datetime.now(UTC)
    if created:
        proposal = Proposal(
            client_id=client_id,
            author_id=user.id,
            status=ProposalStatus.DRAFT,
            captured_at=moment(captured_at),
        )
        db.session.add(proposal)
    for key, value in fields.items():
        setattr(proposal, key, value)
    proposal.updated_at = now
    _set_authors(proposal, user, coauthors)
    for p in prepared:
        db.session.add(photo_row(storage.save(p), user, proposal))
    if created:
        _event(proposal, user, ProposalAction.CREATE, None, ProposalStatus.DRAFT)
        audit.record("proposal.drafted", proposal, actor=user, summary=proposal.title)
    db.session.flush()
    if submit:
        submit_proposal(user, proposal)
    return proposal, created


def _set_authors(proposal, user, coauthors) -> None:
    """Change the proposers in place: rows of people who stay are kept (one row a person)."""
    wanted = dict(coauthors)
    kept = {a.user_id: a for a in proposal.authors}
    for uid, row in kept.items():
        if uid not in wanted:
            proposal.authors.remove(row)
    db.session.flush()
    for uid, share in coauthors:
        row = kept.get(uid)
        if row is None:
            proposal.authors.append(
                ProposalAuthor(user_id=uid, share=share, is_lead=uid == user.id)
            )
        else:
            row.share, row.is_lead = share, uid == user.id
    db.session.flush()


def _fields(data, errors, *, complete: bool) -> dict:
    fields = {
        "title": text(data, "title", errors, required=_l("Enter a title."), max_len=MaxLength.TITLE)
    }
    # A draft keeps "not chosen yet" (None); only sending it in needs a category.
    fields["category"] = choice(data, "category", ProposalCategory, errors, required=False)
    if complete and fields["category"] is None and "category" not in errors:
        errors["category"] = [_("Choose a category before sending the proposal in.")]
    for key, asked in TEXTS.items():
        required = asked if complete else False
        fields[key] = text(data, key, errors, required=required, max_len=MaxLength.TEXT)
    return fields


def _coauthors(user, data, errors) -> list[tuple[int, int]]:
    """[(user id, share)], the lead first. Shares are whole percents adding up to 100.

    A row's messages are keyed by its inputs' names (`coauthors[1][share]`) and numbered as
    the form numbers its rows, so the form and the outbox show each beside its row.
    """
    rows = data.get("coauthors") if hasattr(data, "get") else None
    if rows in (None, ""):
        rows = []
    if isinstance(rows, dict):  # {"0": {...}, "1": {...}} from some clients
        rows = list(rows.values())
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.setdefault("coauthors", []).append(_("The co-proposers are not in a form we read."))
        return [(user.id, 100)]
    rows = [
        (index, r)
        for index, r in enumerate(rows)
        if str(r.get("employee_no") or "").strip() or r.get("share")
    ]
    if len(rows) > MAX_COAUTHORS:
        errors.setdefault("coauthors", []).append(
            _("Name at most %(n)d co-proposers.", n=MAX_COAUTHORS)
        )
        return [(user.id, 100)]
    lead_share = _share(data.get("share"), errors, "share", required=bool(rows))
    if not rows:
        return [(user.id, lead_share or 100)] if lead_share in (None, 100) else _alone(errors)
    result = [(user.id, lead_share or 0)]
    seen = {user.id}
    for index, row in rows:
        person = by_employee_no(row.get("employee_no"))
        share = _share(row.get("share"), errors, f"coauthors[{index}][share]", who=index + 1)
        if person is None:
            message = _("No member has the employee number “%(no)s”.", no=_shown(row))
        elif person.id in seen:
            message = _("%(name)s is named twice among the proposers.", name=person.name)
        else:
            seen.add(person.id)
            if share is not None:
                result.append((person.id, share))
            continue
        errors.setdefault(f"coauthors[{index}][employee_no]", []).append(
            _("Co-proposer %(n)d: %(message)s", n=index + 1, message=message)
        )
    total = sum(share for _uid, share in result)
    row_errors = errors.get("share") or any(k.startswith("coauthors") for k in errors)
    if not row_errors and total != 100:
        errors.setdefault("share", []).append(
            _("The shares add up to %(total)d %%; together they must be 100 %%.", total=total)
        )
    return result


def _alone(errors):
    errors.setdefault("share", []).append(
        _("Without co-proposers the proposal is all yours: your share is 100 %.")
    )
    return []


def _share(value, errors, key, *, who=None, required=True) -> int | None:
    """A whole percent from 1 to 100; `who` numbers a co-proposer in the message."""
    value = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    if value in (None, ""):
        if required:
            message = (
                _("Enter the share of co-proposer %(n)d.", n=who) if who else _("Enter your share.")
            )
            errors.setdefault(key, []).append(message)
        return None
    share = plain_whole(value)
    if share is None:
        message = _("A share is a whole number of percent, such as 30.")
    elif share > 100:
        message = _("A share cannot be more than 100 %%; this one is %(share)d %%.", share=share)
    elif share < 1:
        message = _("A share is at least 1 %.")
    else:
        return share
    if who:
        message = _("Co-proposer %(n)d: %(message)s", n=who, message=message)
    errors.setdefault(key, []).append(message)
    return None


def _shown(row) -> str:
    value = str(row.get("employee_no") or "").replace("\x00", "")
    return value[:32]


def submit_proposal(user, proposal: Proposal) -> Proposal:
    """Send a draft in: every part must be there; the department head is told."""
    if not permissions.can_edit(user, proposal):
        raise Refused(_("Only the proposer can send in a draft, and only once."), 409)
    errors: dict[str, list[str]] = {}
    _fields(
        {
            "title": proposal.title,
            "category": proposal.category.value if proposal.category else "",
            **{key: getattr(proposal, key) for key in TEXTS},
        },
        errors,
        complete=True,
    )
    if errors:
        raise ValidationFailed(errors)
    proposal.department_id = workshop_of(proposal.author)
    proposal.submitted_at = datetime.now(UTC)
    change_status(proposal, user, ProposalAction.SUBMIT, ProposalStatus.SUBMITTED)
    audit.record("proposal.submitted", proposal, actor=user, summary=proposal.title)
    tell_proposers(
        proposal,
        "submitted",
        _l("Your proposal “%(title)s” was sent in", title=proposal.title),
        _l("The department head gives an opinion next."),
    )
    notify(
        permissions.head_ids(proposal.department_id),
        "proposals.to_recommend",
        _l("A proposal waits for the department's opinion: %(title)s", title=proposal.title),
        "",
        path_for("proposals.show", proposal_id=proposal.id),
    )
    return proposal


def delete_draft(user, proposal: Proposal) -> None:
    if not permissions.can_edit(user, proposal):
        raise Refused(_("Only the proposer can delete a draft, and only before it is sent."), 403)
    audit.record("proposal.draft_deleted", proposal, actor=user, summary=proposal.title)
    db.session.delete(proposal)
    db.session.flush()


def _sends_in(data, errors) -> bool:
    """The two buttons of the form: `draft` (also when none is named) or `submit`. Any other
    action is refused, not kept as a draft the person did not ask for."""
    action = data.get("action") or "draft"
    if action not in ("draft", "submit"):
        errors["action"] = [_("Choose Save as draft or Send in.")]
    return action == "submit"


def change_status(proposal, actor, action, to_status, note: str = "") -> ProposalEvent:
    event = _event(proposal, actor, action, proposal.status, to_status, note)
    proposal.status = to_status
    proposal.updated_at = datetime.now(UTC)
    return event


def _event(proposal, actor, action, from_status, to_status, note="") -> ProposalEvent:
    event = ProposalEvent(
        proposal=proposal,
        actor_id=actor.id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    db.session.add(event)
    return event


def tell_proposers(proposal: Proposal, event: str, title, body="") -> None:
    notify(
        proposal.author_ids,
        f"proposals.{event}",
        title,
        body,
        path_for("proposals.show", proposal_id=proposal.id),
    )


def proposal_photos(proposal: Proposal | None) -> list[ProposalPhoto]:
    if proposal is None or proposal.id is None:
        return []
    return list(
        db.session.scalars(
            select(ProposalPhoto)
            .where(ProposalPhoto.proposal_id == proposal.id)
            .order_by(ProposalPhoto.id)
        )
    )


def photo_row(stored: storage.StoredImage, user, proposal, client_id=None) -> ProposalPhoto:
    """The row of a picture in the store, belonging to `proposal`."""
    return image_row(ProposalPhoto, stored, user, client_id, proposal_id=proposal.id)


def photo_count(proposal_id: int) -> int:
    return db.session.scalar(
        select(func.count(ProposalPhoto.id)).where(ProposalPhoto.proposal_id == proposal_id)
    )
