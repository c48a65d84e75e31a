"""Needy-worker files: open, edit, household, support, attachments, yearly review, proposals.

Every function is for care officers only (it refuses anyone else), adds to the session and
flushes; the route commits. Reads are audit-logged by the routes (`audit_read`).
"""

from datetime import UTC, date, datetime, timedelta

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import notify
from app.errors import Refused
from app.extensions import db
from app.jobs import path_for
from app.models.care import (
    CareCause,
    CareFile,
    CareLevel,
    CareProposal,
    CareReview,
    CareSupport,
    FileStatus,
    HouseholdMember,
    ProposalStatus,
    ReviewOutcome,
    SupportKind,
)
from app.services import audit

from .. import parse
from . import attachments
from .common import about_file, check, officer_ids, person, require_officer

REVIEW_EVERY = timedelta(days=365)


def next_review(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + REVIEW_EVERY


# Which page read the file, as the audit log says it (`audit_read`'s `what`).
READ_PAGES = {
    "file": _l("File page"),
    "edit": _l("Edit page"),
    "review": _l("Review page"),
    "visit form": _l("Visit form"),
    "visit": _l("Visit record"),
}


def offline_copy() -> bool:
    """Is this request the phone fetching its offline kit in the background, not a person
    opening a page? Such a copy is a read too, logged as one of its own kind."""
    return has_request_context() and request.headers.get("X-Offline-Copy") == "1"


def audit_read(user, file: CareFile, what: str = "file", attachment_id: int | None = None) -> None:
    """Every read of a file leaves a trace: who, which file (its number: the audit list shows
    no names), which page (a key of READ_PAGES, or an attachment). A copy the phone keeps for
    its offline kit is logged apart (`care.file.copied`), so a log-in's dozen copies do not
    hide what a person opened."""
    if attachment_id is not None:
        page = _l("Attachment %(id)s", id=attachment_id)
    else:
        page = READ_PAGES.get(what, what)
    action = "care.file.copied" if offline_copy() else "care.file.read"
    audit.record(action, file, actor=user, summary=about_file(file, page))


def _details(data, errors, *, today: date) -> dict:
    return {
        "level": parse.choice(data, "level", CareLevel, errors),
        "cause": parse.choice(data, "cause", CareCause, errors),
        "situation": parse.text(data, "situation", errors, max_len=4000, multiline=True),
        "address": parse.text(data, "address", errors, max_len=200),
        "phone": parse.phone(data, "phone", errors),
        "emergency_contact": parse.text(data, "emergency_contact", errors, max_len=120),
    }


def open_file(user, data, uploads=()) -> CareFile:
    """Open a file for a worker (employee number in `worker`); the worker is the household's
    first member, with `income` a month. `proposal_id` marks a proposal as taken up."""
    require_officer(user)
    errors: dict = {}
    today = parse.local_today()
    worker = person(data, "worker", errors)
    details = _details(data, errors, today=today)
    opened_on = parse.day(data, "opened_on", errors, not_after=today)
    income = parse.money(data, "income", errors)
    if worker is not None and _open_file_of(worker.id) is not None:
        errors.setdefault("worker", []).append(_("This worker already has an open file."))
    proposal = None
    if data.get("proposal_id"):
        pid = parse.row_id(data, "proposal_id", errors, required=False)
        proposal = db.session.get(CareProposal, pid) if pid else None
        if proposal is None or proposal.status is not ProposalStatus.PENDING:
            errors.setdefault("proposal_id", []).append(_("This proposal is already decided."))
    check(errors)
    prepared = attachments.prepare(uploads)
    file = CareFile(
        worker_id=worker.id,
        opened_on=opened_on,
        review_due_on=next_review(opened_on),
        created_by_id=user.id,
        **details,
    )
    file.members.append(
        HouseholdMember(
            name=worker.name[:40], relation=str(_("Self")), monthly_income=income, occupation=""
        )
    )
    db.session.add(file)
    db.session.flush()
    attachments.store(prepared, user, file_id=file.id)
    if proposal is not None:
        proposal.status = ProposalStatus.ACCEPTED
        proposal.file_id = file.id
        proposal.decided_by_id = user.id
        proposal.decided_at = datetime.now(UTC)
    audit.record("care.file.opened", file, actor=user, summary=about_file(file, file.level.label))
    return file


def _open_file_of(worker_id: int) -> CareFile | None:
    return db.session.scalar(
        select(CareFile).where(
            CareFile.worker_id == worker_id, CareFile.status == FileStatus.ACTIVE
        )
    )


def update_file(user, file: CareFile, data) -> CareFile:
    require_officer(user)
    _require_open(file)
    errors: dict = {}
    details = _details(data, errors, today=parse.local_today())
    check(errors)
    before = {k: str(getattr(file, k)) for k in ("level", "cause")}
    for key, value in details.items():
        setattr(file, key, value)
    audit.record(
        "care.file.updated",
        file,
        actor=user,
        summary=about_file(file),
        before=before,
        after={k: str(details[k]) for k in before},
    )
    return file


def _require_open(file: CareFile) -> None:
    if file.status is not FileStatus.ACTIVE:
        raise Refused(_("This file is closed (out of hardship)."), 409)


def add_member(user, file: CareFile, data) -> HouseholdMember:
    require_officer(user)
    _require_open(file)
    errors: dict = {}
    today = parse.local_today()
    if len(file.members) >= 20:
        errors.setdefault("name", []).append(_("A household has at most 20 members here."))
    member = HouseholdMember(
        name=parse.text(
            data, "name", errors, required=_("Enter the family member's name."), max_len=40
        ),
        relation=parse.text(
            data,
            "relation",
            errors,
            required=_("Say how they are related to the worker."),
            max_len=20,
        ),
        birth_year=parse.integer(data, "birth_year", errors, low=1900, high=today.year),
        occupation=parse.text(data, "occupation", errors, max_len=80),
        health=parse.text(data, "health", errors, max_len=120),
        monthly_income=parse.money(data, "monthly_income", errors, maximum=parse.MAX_MONEY / 10),
    )
    check(errors)
    file.members.append(member)
    audit.record(
        "care.file.member_added", file, actor=user, summary=about_file(file, member.relation)
    )
    return member


def remove_member(user, file: CareFile, member_id: int) -> None:
    require_officer(user)
    _require_open(file)
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.file_id != file.id:
        raise Refused(_("This household member is not in this file."), 404)
    file.members.remove(member)
    audit.record(
        "care.file.member_removed", file, actor=user, summary=about_file(file, member.relation)
    )


def add_support(user, file: CareFile, data, *, visit=None, aid_request=None) -> CareSupport:
    require_officer(user)
    errors: dict = {}
    today = parse.local_today()
    kind = parse.choice(data, "kind", SupportKind, errors)
    support = CareSupport(
        file_id=file.id,
        kind=kind,
        given_on=parse.day(data, "given_on", errors, not_after=today, not_before=date(2000, 1, 1)),
        amount=parse.money(data, "amount", errors, required=kind is SupportKind.MONEY),
        description=parse.text(
            data, "description", errors, max_len=200, required=_("Say what was given.")
        ),
        source=parse.text(data, "source", errors, max_len=80),
        recorded_by_id=user.id,
        visit_id=visit.id if visit is not None else None,
        aid_request_id=aid_request.id if aid_request is not None else None,
    )
    if kind is SupportKind.MONEY and support.amount == 0 and "amount" not in errors:
        errors.setdefault("amount", []).append(_("Enter the amount given."))
    check(errors)
    db.session.add(support)
    audit.record(
        "care.file.support_added",
        file,
        actor=user,
        summary=about_file(file, f"{audit.house_words(kind.label)} {support.amount}"),
    )
    return support


def add_attachments(user, file: CareFile, data, uploads) -> list:
    require_officer(user)
    errors: dict = {}
    title = parse.text(
        data, "title", errors, max_len=120, required=_("Say what the attachment is.")
    )
    check(errors)
    prepared = attachments.prepare(uploads)
    if not prepared:
        raise Refused(_("Choose a file to attach."), 422)
    rows = attachments.store(prepared, user, title=title, file_id=file.id)
    db.session.flush()
    # By number, as its reads are logged: the title is the officer's words and may name people.
    for row in rows:
        which = _l("Attachment %(id)s", id=row.id)
        audit.record("care.file.attached", file, actor=user, summary=about_file(file, which))
    return rows


def review_file(user, file: CareFile, data) -> CareReview:
    """The yearly review: continue, change the level, or close the file as out of hardship
    (with the reason). The next review falls a year after this one."""
    require_officer(user)
    _require_open(file)
    errors: dict = {}
    today = parse.local_today()
    last = file.reviews[0].reviewed_on if file.reviews else file.opened_on
    reviewed_on = parse.day(data, "reviewed_on", errors, not_after=today)
    if reviewed_on is not None and reviewed_on < last:
        errors.setdefault("reviewed_on", []).append(
            _("The review cannot be dated before %(day)s (the file's last date).", day=last)
        )
    outcome = parse.choice(data, "outcome", ReviewOutcome, errors)
    to_level = parse.choice(data, "to_level", CareLevel, errors, required=False)
    note = parse.text(data, "note", errors, max_len=2000, multiline=True)
    if outcome is ReviewOutcome.CHANGE_LEVEL:
        if to_level is None and "to_level" not in errors:
            errors.setdefault("to_level", []).append(_("Choose the new level."))
        elif to_level is file.level:
            errors.setdefault("to_level", []).append(
                _("Choose a level other than the current one.")
            )
    if outcome is ReviewOutcome.EXIT and not note:
        errors.setdefault("note", []).append(_("Say why the worker is out of hardship."))
    check(errors)
    review = CareReview(
        file_id=file.id,
        reviewed_on=reviewed_on,
        outcome=outcome,
        from_level=file.level,
        to_level=to_level if outcome is ReviewOutcome.CHANGE_LEVEL else None,
        note=note,
        reviewer_id=user.id,
    )
    db.session.add(review)
    if outcome is ReviewOutcome.CHANGE_LEVEL:
        file.level = to_level
    if outcome is ReviewOutcome.EXIT:
        file.status = FileStatus.EXITED
        file.exited_on = reviewed_on
        file.exit_reason = note
    file.review_due_on = next_review(reviewed_on)
    file.reminded_on = None
    audit.record("care.file.reviewed", file, actor=user, summary=about_file(file, outcome.label))
    db.session.flush()
    db.session.expire(file, ["reviews"])
    return review


def propose(user, data) -> CareProposal:
    """Any member may propose a colleague (or themselves) for a file. Care officers are told
    without the name (push services carry the text); the proposer learns nothing more."""
    errors: dict = {}
    worker = person(data, "worker", errors)
    cause = parse.choice(data, "cause", CareCause, errors)
    reason = parse.text(
        data,
        "reason",
        errors,
        required=_("Tell the union what you know of the situation."),
        max_len=2000,
        multiline=True,
    )
    check(errors)
    proposal = CareProposal(worker_id=worker.id, proposer_id=user.id, cause=cause, reason=reason)
    db.session.add(proposal)
    db.session.flush()
    notify(
        officer_ids(),
        "care_rights.care_proposal",
        _l("A member was proposed for a care file"),
        _l("Open the care proposals to decide."),
        path_for("care.proposals"),
    )
    return proposal


def decline_proposal(user, proposal: CareProposal, data) -> CareProposal:
    require_officer(user)
    if proposal.status is not ProposalStatus.PENDING:
        raise Refused(_("This proposal is already decided."), 409)
    errors: dict = {}
    note = parse.text(
        data,
        "decision_note",
        errors,
        required=_("Say why the proposal is not taken up."),
        max_len=1000,
        multiline=True,
    )
    check(errors)
    proposal.status = ProposalStatus.DECLINED
    proposal.decision_note = note
    proposal.decided_by_id = user.id
    proposal.decided_at = datetime.now(UTC)
    audit.record(
        "care.proposal.declined",
        proposal,
        actor=user,
        summary=_l("Recommendation #%(id)d", id=proposal.id),
    )
    return proposal
