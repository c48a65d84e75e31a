"""Forms: they render the fields and carry the CSRF token; the services do the deciding (so
a draft can be saved half-written, and every refusal comes from one place)."""

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

from app.forms import AppForm, enum_choices
from app.models.proposals import AwardGrade, Criterion, Decision, ProposalCategory
from app.storage import ACCEPT

COAUTHOR_ROWS = 3


def _number(label, **kw):
    return StringField(label, render_kw={"inputmode": "decimal", "autocomplete": "off", **kw})


class ProposalForm(AppForm):
    title = StringField(_l("Title"), render_kw={"maxlength": 120})
    category = SelectField(_l("Category"), validate_choice=False)
    current_state = TextAreaField(_l("Current state"), render_kw={"rows": 3})
    proposed_change = TextAreaField(_l("Proposed change"), render_kw={"rows": 4})
    expected_effect = TextAreaField(_l("Expected effect"), render_kw={"rows": 3})
    share = StringField(_l("Your share (%)"), render_kw={"inputmode": "numeric"})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": ACCEPT, "capture": "environment"})
    client_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = enum_choices(ProposalCategory, _l("Choose…"))


class OpinionForm(AppForm):
    recommend = RadioField(_l("Opinion"), validate_choice=False)
    note = TextAreaField(_l("Reason (required when not recommending)"), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommend.choices = [("yes", _l("Recommend")), ("no", _l("Do not recommend"))]


class ScoreForm(AppForm):
    technical = _number(Criterion.TECHNICAL.label)
    economic = _number(Criterion.ECONOMIC.label)
    scope = _number(Criterion.SCOPE.label)
    practicality = _number(Criterion.PRACTICALITY.label)
    note = TextAreaField(_l("Comment"), render_kw={"rows": 2})


class DecisionForm(AppForm):
    decision = SelectField(_l("Decision"), validate_choice=False)
    reason = TextAreaField(_l("Reason (the proposers read it)"), render_kw={"rows": 3})
    owner_id = SelectField(_l("Owner (adopt or trial)"), validate_choice=False)
    plan = TextAreaField(_l("Implementation plan (adopt or trial)"), render_kw={"rows": 3})
    due_on = StringField(_l("Due date (adopt or trial)"), render_kw={"type": "date"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = enum_choices(Decision, _l("Choose…"))


class RevokeForm(AppForm):
    reason = TextAreaField(_l("Reason (the proposers read it)"), render_kw={"rows": 2})


class CompletionForm(AppForm):
    benefit = _number(_l("Measured benefit (yuan a year)"))
    benefit_method = TextAreaField(_l("How the benefit was computed"), render_kw={"rows": 3})
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})


class AwardForm(AppForm):
    grade = SelectField(_l("Award grade"), validate_choice=False)
    amount = _number(_l("Award amount (yuan)"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})

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
