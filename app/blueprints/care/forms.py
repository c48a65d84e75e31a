"""The care forms. They draw the fields and carry CSRF; the services check the values (so
a record from the outbox meets the same rules), hence no validators here."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.forms import AppForm
from app.models.care import (
    AidEventType,
    CampaignKind,
    CareCause,
    CareLevel,
    ReviewOutcome,
    SupportKind,
)

DATE = {"type": "date"}
MONEY = {"inputmode": "decimal", "autocomplete": "off"}


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _choices(enum_cls, blank=True):
    rows = [(m.value, m.label) for m in enum_cls]
    return options([("", _l("Choose…")), *rows] if blank else rows)


def Select(label, enum_cls, blank=True, **kw):  # noqa: N802  (a field factory)
    return SelectField(label, choices=_choices(enum_cls, blank), validate_choice=False, **kw)


class FileForm(AppForm):
    worker = StringField(_l("Worker's employee number"))
    level = Select(_l("Level"), CareLevel)
    cause = Select(_l("Main cause of hardship"), CareCause)
    situation = TextAreaField(_l("Situation"), render_kw={"rows": 4})
    income = StringField(_l("Worker's own monthly income (yuan)"), render_kw=MONEY)
    address = StringField(_l("Home address"))
    phone = StringField(_l("Phone"), render_kw={"type": "tel"})
    emergency_contact = StringField(_l("Other contact (name and phone)"))
    opened_on = StringField(_l("Opened on"), render_kw=DATE)
    attachments = MultipleFileField(
        _l("Certificates and photos"), render_kw={"accept": "image/*,application/pdf"}
    )
    proposal_id = HiddenField()


class FileEditForm(AppForm):
    level = Select(_l("Level"), CareLevel)
    cause = Select(_l("Main cause of hardship"), CareCause)
    situation = TextAreaField(_l("Situation"), render_kw={"rows": 4})
    address = StringField(_l("Home address"))
    phone = StringField(_l("Phone"), render_kw={"type": "tel"})
    emergency_contact = StringField(_l("Other contact (name and phone)"))


class MemberForm(AppForm):
    name = StringField(_l("Name"))
    relation = StringField(_l("Relation to the worker"))
    birth_year = StringField(_l("Year of birth"), render_kw={"inputmode": "numeric"})
    occupation = StringField(_l("Work or school"))
    health = StringField(_l("Health"))
    monthly_income = StringField(_l("Monthly income (yuan)"), render_kw=MONEY)


class SupportForm(AppForm):
    kind = Select(_l("Kind of support"), SupportKind)
    given_on = StringField(_l("Given on"), render_kw=DATE)
    amount = StringField(_l("Amount or value (yuan)"), render_kw=MONEY)
    description = StringField(_l("What was given"))
    source = StringField(_l("Source of funds"))


class AttachmentForm(AppForm):
    title = StringField(_l("What it is"))
    attachments = MultipleFileField(
        _l("Certificates and photos"), render_kw={"accept": "image/*,application/pdf"}
    )


class ReviewForm(AppForm):
    reviewed_on = StringField(_l("Reviewed on"), render_kw=DATE)
    outcome = Select(_l("Outcome"), ReviewOutcome)
    to_level = Select(_l("New level"), CareLevel)
    note = TextAreaField(_l("Notes (for an exit: the reason)"), render_kw={"rows": 3})


class ProposalForm(AppForm):
    worker = StringField(_l("Colleague's employee number"))
    cause = Select(_l("Main cause of hardship"), CareCause)
    reason = TextAreaField(_l("What you know of the situation"), render_kw={"rows": 4})


class DeclineForm(AppForm):
    decision_note = TextAreaField(_l("Why not"), render_kw={"rows": 2})


class PlanForm(AppForm):
    title = StringField(_l("Title"), render_kw={"placeholder": _l("e.g. Spring Festival visits")})
    starts_on = StringField(_l("From"), render_kw=DATE)
    ends_on = StringField(_l("To"), render_kw=DATE)
    level = Select(_l("Add every open file of this level"), CareLevel)
    note = TextAreaField(_l("Notes"), render_kw={"rows": 2})


class TargetForm(AppForm):
    level = Select(_l("Every open file of this level"), CareLevel)
    file_id = SelectField(_l("Or one file"), choices=[], validate_choice=False)
    visitor = StringField(_l("Visitor's employee number (a care officer)"))


class VisitForm(AppForm):
    file_id = HiddenField()
    plan_id = HiddenField()
    visited_on = StringField(_l("Visited on"), render_kw=DATE)
    visitors = StringField(_l("Who went"))
    given = StringField(_l("What was given"))
    amount = StringField(_l("Money given (yuan)"), render_kw=MONEY)
    situation = TextAreaField(_l("The family's situation"), render_kw={"rows": 4})
    needs = TextAreaField(_l("Needs raised"), render_kw={"rows": 3})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})


class AidForm(AppForm):
    for_whom = SelectField(
        _l("For whom"),
        choices=options([("self", _l("For myself")), ("colleague", _l("For a colleague"))]),
        validate_choice=False,
    )
    colleague = StringField(_l("Colleague's employee number"))
    event_type = Select(lazy_pgettext("care", "What happened"), AidEventType)
    happened_on = StringField(_l("When"), render_kw=DATE)
    description = TextAreaField(_l("Tell the union what happened"), render_kw={"rows": 4})
    contact = StringField(_l("How to reach the family"))


class AidActionForm(AppForm):
    note = TextAreaField(_l("Note (the member the aid is for reads it)"), render_kw={"rows": 2})
    amount = StringField(_l("Aid given (yuan)"), render_kw=MONEY)
    file_id = SelectField(_l("Count it to the file"), choices=[], validate_choice=False)


class CampaignForm(AppForm):
    title = StringField(_l("Title"))
    kind = Select(_l("Kind"), CampaignKind)
    budget = StringField(_l("Budget (yuan)"), render_kw=MONEY)
    gift = StringField(_l("What each recipient gets"))
    amount_each = StringField(_l("Value for each recipient (yuan)"), render_kw=MONEY)
    starts_on = StringField(_l("From"), render_kw=DATE)
    ends_on = StringField(_l("To"), render_kw=DATE)


class RecipientsForm(AppForm):
    mode = SelectField(
        _l("Add recipients"),
        choices=options(
            [
                ("level", _l("By file level")),
                ("department", _l("By department")),
                ("list", _l("From a list")),
            ]
        ),
        validate_choice=False,
    )
    level = Select(_l("Level"), CareLevel)
    department_id = SelectField(_l("Department"), choices=[], validate_choice=False)
    employee_nos = TextAreaField(_l("Employee numbers"), render_kw={"rows": 3})


class SignoffForm(AppForm):
    recipient_id = HiddenField()
    confirmation = StringField(
        _l("Recipient writes their name or the last 4 digits of their employee number"),
        render_kw={"autocomplete": "off"},
    )
