"""Forms: they render the fields and carry the CSRF token; the services do the deciding.

Limits live in the services (`MaxLength`), which check them for forms and synced records
alike; a form only shows them (`maxlength`), so the browser stops the typing in time."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import AppForm, enum_choices, shown
from app.models.hazards import Category, Severity
from app.models.safety import AreaKind
from app.storage import ACCEPT

from .services.common import MaxLength


def photos_field():
    return MultipleFileField(_l("Photos"), render_kw={"accept": ACCEPT, "capture": "environment"})


class HazardForm(AppForm):
    title = StringField(
        _l("What is wrong"), validators=[DataRequired()], render_kw=shown(MaxLength.TITLE)
    )
    description = TextAreaField(lazy_pgettext("hazard", "Details"), render_kw=shown(MaxLength.TEXT))
    area_id = SelectField(_l("Area"), validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    severity = SelectField(_l("Severity"), validators=[DataRequired()])
    photos = photos_field()
    patrol_id = HiddenField()
    answer_id = HiddenField()
    # The item of a round's "no" a hazard was raised from: kept when a round's hazard that the
    # server refused is corrected on this form (the round page has no form for it).
    item_id = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = enum_choices(Category, _l("Choose…"))
        self.severity.choices = enum_choices(Severity)


class AssignForm(AppForm):
    assignee_id = SelectField(_l("Assign to"), validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[DataRequired()])
    note = TextAreaField(_l("Instructions"), render_kw=shown(MaxLength.NOTE))


class NoteForm(AppForm):
    """Rectify, verify, send back, reject, comment: a note and, where it helps, photos."""

    note = TextAreaField(_l("Note"), render_kw=shown(MaxLength.NOTE))
    photos = photos_field()


class AreaForm(AppForm):
    name = StringField(
        lazy_pgettext("thing", "Name"), validators=[DataRequired()], render_kw=shown(MaxLength.NAME)
    )
    kind = SelectField(_l("Kind of area"), validators=[DataRequired()])
    department_id = SelectField(_l("Department"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), render_kw=shown(MaxLength.NOTE))
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(AreaKind)


class CheckpointForm(AppForm):
    name = StringField(
        _l("Checkpoint"), validators=[DataRequired()], render_kw=shown(MaxLength.NAME)
    )
    description = StringField(
        _l("Description"), validators=[Optional()], render_kw=shown(MaxLength.NOTE)
    )


class GroupForm(AppForm):
    name = StringField(
        _l("Group name"), validators=[DataRequired()], render_kw=shown(MaxLength.NAME)
    )
    department_id = SelectField(_l("Department"), validators=[Optional()])


class MemberForm(AppForm):
    user_id = SelectField(lazy_pgettext("group member", "Person"), validators=[DataRequired()])
    is_leader = BooleanField(_l("Group leader"))


class ChecklistForm(AppForm):
    name = StringField(
        lazy_pgettext("thing", "Name"),
        validators=[DataRequired()],
        render_kw=shown(MaxLength.TITLE),
    )
    area_kind = SelectField(_l("For areas of kind"), validators=[DataRequired()])
    items = TextAreaField(
        _l("Items, one per line"), validators=[DataRequired()], render_kw={"rows": 10}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_kind.choices = enum_choices(AreaKind)


class StartPatrolForm(AppForm):
    area_id = SelectField(_l("Area"), validators=[DataRequired()])
    checkpoint_id = HiddenField()


class FinishPatrolForm(AppForm):
    note = TextAreaField(_l("Summary"), render_kw=shown(MaxLength.NOTE))


class PlanForm(AppForm):
    inspector_id = SelectField(_l("Inspector"), validators=[DataRequired()])
    area_id = SelectField(_l("Area"), validators=[DataRequired()])
    weekdays = SelectMultipleField(
        _l("Days"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


WEEKDAY_NAMES = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]


class ViolationForm(AppForm):
    area_id = SelectField(_l("Area"), validators=[DataRequired()])
    rule = StringField(
        _l("Rule broken"), validators=[DataRequired()], render_kw=shown(MaxLength.RULE)
    )
    description = TextAreaField(_l("What happened"), render_kw=shown(MaxLength.TEXT))
    person = StringField(
        _l("Person (optional)"), validators=[Optional()], render_kw=shown(MaxLength.NAME)
    )
    photos = photos_field()
    patrol_id = HiddenField()


class FollowUpForm(AppForm):
    follow_up = TextAreaField(
        _l("Follow-up"), validators=[DataRequired()], render_kw=shown(MaxLength.NOTE)
    )


class ExportForm(AppForm):
    class Meta:
        csrf = False  # a GET download

    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
