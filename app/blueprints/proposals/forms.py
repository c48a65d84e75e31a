"""Forms: they render the fields and carry the CSRF token; the services do the deciding (so
a draft can be saved half-written, and every refusal comes from one place). A text's limit
is the services' (`MaxLength`); the form shows it under the field and as its `maxlength`."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from app.forms import AppForm, enum_choices, shown
from app.models.proposals import AwardGrade, Criterion, Decision, ProposalCategory
from app.services.inputs import FIRST_DAY, LAST_DAY, MaxLength
from app.storage import ACCEPT

COAUTHOR_ROWS = 3


def _text(label, limit: int, rows: int, hint=None) -> TextAreaField:
    """A text area that stops at the services' `limit` and says so under it (`hint`: what
    to write, a sentence that names the limit as %(n)d)."""
    return TextAreaField(
        label,
        description=hint if hint is not None else _l("At most %(n)d characters.", n=limit),
        render_kw={"rows": rows, **shown(limit)},
    )


def _number(label, **kw):
    return StringField(label, render_kw={"inputmode": "decimal", "autocomplete": "off", **kw})


class ProposalForm(AppForm):
    title = StringField(_l("Title"), render_kw=shown(MaxLength.TITLE))
    category = SelectField(_l("Category"), validate_choice=False)
    current_state = _text(
        _l("Current state"),
        MaxLength.TEXT,
        3,
        _l(
            "What is done now, and what is wrong with it. At most %(n)d characters.",
            n=MaxLength.TEXT,
        ),
    )
    proposed_change = _text(
        _l("Proposed change"),
        MaxLength.TEXT,
        4,
        _l("What you propose to change, and how. At most %(n)d characters.", n=MaxLength.TEXT),
    )
    expected_effect = _text(
        _l("Expected effect"),
        MaxLength.TEXT,
        3,
        _l(
            "What it will bring: time, money, quality, safety. At most %(n)d characters.",
            n=MaxLength.TEXT,
        ),
    )
    share = StringField(_l("Your share (%)"), render_kw={"inputmode": "numeric"})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": ACCEPT, "capture": "environment"})
    client_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = enum_choices(ProposalCategory, _l("Choose…"))


class OpinionForm(AppForm):
    recommend = RadioField(_l("Opinion"), validate_choice=False)
    note = _text(_l("Reason (required when not recommending)"), MaxLength.NOTE, 2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommend.choices = [("yes", _l("Recommend")), ("no", _l("Do not recommend"))]


class ScoreForm(AppForm):
    technical = _number(Criterion.TECHNICAL.label)
    economic = _number(Criterion.ECONOMIC.label)
    scope = _number(Criterion.SCOPE.label)
    practicality = _number(Criterion.PRACTICALITY.label)
    note = _text(_l("Comment"), MaxLength.NOTE, 2)


class DecisionForm(AppForm):
    decision = SelectField(_l("Decision"), validate_choice=False)
    reason = _text(_l("Reason (the proposers read it)"), MaxLength.NOTE, 3)
    owner_id = SelectField(_l("Owner (adopt or trial)"), validate_choice=False)
    plan = _text(_l("Implementation plan (adopt or trial)"), MaxLength.TEXT, 3)
    due_on = StringField(
        _l("Due date (adopt or trial)"),
        render_kw={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = enum_choices(Decision, _l("Choose…"))


class RevokeForm(AppForm):
    reason = _text(_l("Reason (the proposers read it)"), MaxLength.NOTE, 2)


class CompletionForm(AppForm):
    benefit = _number(_l("Measured benefit (yuan a year)"))
    benefit_method = _text(_l("How the benefit was computed"), MaxLength.TEXT, 3)
    note = _text(_l("Note"), MaxLength.NOTE, 2)


class AwardForm(AppForm):
    grade = SelectField(_l("Award grade"), validate_choice=False)
    amount = _number(_l("Award amount (yuan)"))
    note = _text(_l("Note"), MaxLength.NOTE, 2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grade.choices = enum_choices(AwardGrade, _l("Choose…"))


class WeightsForm(AppForm):
    weight_technical = _number(Criterion.TECHNICAL.label)
    weight_economic = _number(Criterion.ECONOMIC.label)
    weight_scope = _number(Criterion.SCOPE.label)
    weight_practicality = _number(Criterion.PRACTICALITY.label)


class HeadsForm(AppForm):
    department_id = HiddenField()
    heads = SelectMultipleField(_l("Department heads"), validate_choice=False)
