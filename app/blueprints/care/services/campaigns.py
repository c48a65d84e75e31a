"""Campaigns (冬送温暖 · 夏送清凉 · holiday gifts): budget, recipients, sign-off.

`sign_off` is the one write path of a sign-off: the phone's sign-off page (outbox kind
`care_signoff`) and its no-JavaScript post both call it."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.errors import Refused
from app.extensions import db
from app.models import Department, User
from app.models.care import (
    Campaign,
    CampaignKind,
    CampaignRecipient,
    CareFile,
    CareLevel,
    FileStatus,
)
from app.models.users import typed_no
from app.rendering import listed
from app.services import audit
from app.services.rows import sent_before

from .. import parse
from .common import about_recipient, about_recipients_added, check, require_officer

MAX_LIST = 500


def create_campaign(user, data) -> Campaign:
    require_officer(user)
    errors: dict = {}
    today = parse.local_today()
    campaign = Campaign(
        title=parse.text(data, "title", errors, required=_("Name the campaign."), max_len=80),
        kind=parse.choice(data, "kind", CampaignKind, errors),
        budget=parse.money(data, "budget", errors, required=True),
        gift=parse.text(
            data, "gift", errors, required=_("Say what each recipient gets."), max_len=200
        ),
        amount_each=parse.money(data, "amount_each", errors, maximum=Decimal(100000)),
        starts_on=parse.day(data, "starts_on", errors, not_before=today - timedelta(days=366)),
        ends_on=parse.day(data, "ends_on", errors),
        created_by_id=user.id,
    )
    if campaign.starts_on and campaign.ends_on:
        if campaign.ends_on < campaign.starts_on:
            errors.setdefault("ends_on", []).append(_("The campaign cannot end before it starts."))
        elif campaign.ends_on > campaign.starts_on + timedelta(days=366):
            errors.setdefault("ends_on", []).append(_("A campaign lasts at most a year."))
    if campaign.amount_each and campaign.budget and campaign.amount_each > campaign.budget:
        errors.setdefault("amount_each", []).append(_("One gift cannot cost more than the budget."))
    check(errors)
    db.session.add(campaign)
    db.session.flush()
    audit.record("care.campaign.created", campaign, actor=user, summary=campaign.title)
    return campaign


def _people(data, errors) -> list[User]:
    mode = data.get("mode")
    if mode == "level":
        level = parse.choice(data, "level", CareLevel, errors)
        if level is None:
            return []
        return list(
            db.session.scalars(
                select(User)
                .join(CareFile, CareFile.worker_id == User.id)
                .where(CareFile.status == FileStatus.ACTIVE, CareFile.level == level)
                .where(User.active.is_(True))
            )
        )
    if mode == "department":
        dept_id = parse.row_id(data, "department_id", errors)
        dept = db.session.get(Department, dept_id) if dept_id else None
        if dept_id and dept is None:
            errors.setdefault("department_id", []).append(_("Choose one of the options given."))
        if dept is None:
            return []
        teams = select(Department.id).where(Department.parent_id == dept.id)
        return list(
            db.session.scalars(
                select(User).where(
                    User.active.is_(True),
                    or_(User.department_id == dept.id, User.department_id.in_(teams)),
                )
            )
        )
    if mode == "list":
        raw = parse.text(
            data,
            "employee_nos",
            errors,
            required=_("Enter the recipients' employee numbers."),
            max_len=20000,
            multiline=True,
        )
        numbers = [n for n in re.split(r"[\s,，;；、]+", typed_no(raw)) if n]
        if len(numbers) > MAX_LIST:
            errors.setdefault("employee_nos", []).append(
                _("Add at most %(n)d people at a time.", n=MAX_LIST)
            )
            return []
        found = {
            u.employee_no: u
            for u in db.session.scalars(
                select(User).where(User.employee_no.in_(numbers), User.active.is_(True))
            )
        }
        unknown = [n for n in numbers if n not in found]
        if unknown:
            errors.setdefault("employee_nos", []).append(
                _("No colleague has these employee numbers: %(list)s", list=listed(unknown[:10]))
            )
        return list(found.values())
    errors.setdefault("mode", []).append(_("Choose one of the options given."))
    return []


def add_recipients(user, campaign: Campaign, data) -> int:
    """Add recipients by file level, by department (its teams included) or by a list of
    employee numbers; each gets the campaign's gift and amount. Refused when the amounts
    would pass the budget. Returns how many were added."""
    require_officer(user)
    if campaign.closed:
        raise Refused(_("This campaign is closed."), 409)
    errors: dict = {}
    people = _people(data, errors)
    check(errors)
    present = set(
        db.session.scalars(
            select(CampaignRecipient.user_id).where(CampaignRecipient.campaign_id == campaign.id)
        )
    )
    new = sorted((p for p in people if p.id not in present), key=lambda p: p.employee_no)
    spent = db.session.scalar(
        select(func.coalesce(func.sum(CampaignRecipient.amount), 0)).where(
            CampaignRecipient.campaign_id == campaign.id
        )
    )
    total = Decimal(spent) + campaign.amount_each * len(new)
    if total > campaign.budget:
        check(
            {
                "mode": [
                    _(
                        "These %(n)d recipients would bring the amounts to %(total)s yuan, "
                        "over the budget of %(budget)s yuan.",
                        n=len(new),
                        total=f"{total:,.2f}",
                        budget=f"{campaign.budget:,.2f}",
                    )
                ]
            }
        )
    for person in new:
        db.session.add(
            CampaignRecipient(
                campaign_id=campaign.id,
                user_id=person.id,
                department_id=person.department_id,
                gift=campaign.gift,
                amount=campaign.amount_each,
            )
        )
    db.session.flush()
    db.session.expire(campaign, ["recipients"])
    summary = about_recipients_added(campaign, len(new))
    audit.record("care.campaign.recipients_added", campaign, actor=user, summary=summary)
    return len(new)


def remove_recipient(user, campaign: Campaign, recipient_id: int) -> None:
    require_officer(user)
    recipient = db.session.get(CampaignRecipient, recipient_id)
    if recipient is None or recipient.campaign_id != campaign.id:
        raise Refused(_("This person is not a recipient of this campaign."), 404)
    if recipient.signed_at is not None:
        raise Refused(_("A signed-off recipient stays on the campaign."), 409)
    db.session.delete(recipient)
    summary = about_recipient(recipient)
    audit.record("care.campaign.recipient_removed", campaign, actor=user, summary=summary)


def close_campaign(user, campaign: Campaign) -> None:
    require_officer(user)
    campaign.closed = True
    audit.record("care.campaign.closed", campaign, actor=user)


def confirms(recipient: CampaignRecipient, confirmation: str) -> bool:
    """The recipient confirms by writing their own name or the last 4 digits of their
    employee number on the officer's phone."""
    typed = typed_no(confirmation).replace(" ", "")
    return bool(typed) and (
        typed == typed_no(recipient.user.name).replace(" ", "")
        or (len(typed) >= 4 and recipient.user.employee_no.endswith(typed))
    )


def sign_off(user, data, client_id=None, captured_at=None) -> tuple[CampaignRecipient, bool]:
    """`recipient_id` and `confirmation` (the recipient's name or last four digits of their
    employee number). Returns (recipient, signed now)."""
    require_officer(user)
    client_id, found = sent_before(CampaignRecipient, client_id, "signed_by_id", user)
    if found is not None:
        return found, False
    errors: dict = {}
    recipient_id = parse.row_id(data, "recipient_id", errors)
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    if recipient_id and recipient is None:
        errors.setdefault("recipient_id", []).append(
            _("This person is not a recipient of this campaign.")
        )
    confirmation = parse.text(
        data,
        "confirmation",
        errors,
        required=_("Ask the recipient to write their name or the last 4 digits of their number."),
        max_len=40,
    )
    check(errors)
    if recipient.campaign.closed:
        raise Refused(_("This campaign is closed."), 409)
    if recipient.signed_at is not None:
        raise Refused(
            _("%(name)s has already signed for this campaign.", name=recipient.user.name), 409
        )
    if not confirms(recipient, confirmation):
        check(
            {
                "confirmation": [
                    _(
                        "Ask the recipient to write their own name or the last 4 digits "
                        "of their employee number."
                    )
                ]
            }
        )
    when = captured_at or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=parse.local_zone())
    recipient.signed_at = min(when.astimezone(UTC), datetime.now(UTC))
    recipient.signed_by_id = user.id
    recipient.confirmation = confirmation
    recipient.client_id = client_id
    summary = about_recipient(recipient)
    audit.record("care.campaign.signed", recipient.campaign, actor=user, summary=summary)
    return recipient, True
