from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import (
    AppForm,
    MultiCheckboxField,
    PlainNumberField,
    WholeNumberField,
    local,
    title_field,
    utc,
    when_field,
)
from app.models.activities import ActivityKind, CompetitionMode

from .services import FIELDS, MAX_CAPACITY


class ActivityForm(AppForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, k.label) for k in ActivityKind],
        validators=[DataRequired(_l("Choose the kind of activity."))],
    )
    title = title_field()
    description = TextAreaField(
        lazy_pgettext("activity", "Description"), validators=[Length(max=5000)]
    )
    place = StringField(
        _l("Place"), validators=[DataRequired(_l("Enter the place.")), Length(max=120)]
    )
    starts_at = when_field(_l("Starts"))
    ends_at = when_field(_l("Ends"))
    signup_opens_at = when_field(_l("Sign-up opens"))
    signup_closes_at = when_field(_l("Sign-up closes"))
    cancel_deadline = when_field(_l("Cancel by"))
    capacity = WholeNumberField(
        _l("Places"), validators=[Optional()], render_kw={"min": 1, "max": MAX_CAPACITY}
    )
    departments = MultiCheckboxField(_l("Open to"), coerce=int, validate_choice=True)
    cover = FileField(
        _l("Cover image"),
        validators=[FileAllowed(["jpg", "jpeg", "png", "webp"], _l("Use a JPEG, PNG or WebP."))],
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    pass_mark = PlainNumberField(
        _l("Pass mark"),
        validators=[Optional(), NumberRange(0, 100000, _l("Enter a number from 0 to 100000."))],
    )
    qualification_name = StringField(_l("Qualification it gives"), validators=[Length(max=80)])
    qualification_is_safety = BooleanField(_l("A safety qualification (needed to work on site)"))
    qualification_months = WholeNumberField(
        _l("Valid for (months)"),
        validators=[Optional(), NumberRange(1, 240, _l("Enter 1 to 240 months."))],
    )
    competition_mode = SelectField(
        _l("Competitors"),
        choices=[SelectChoice("", "—")] + [SelectChoice(m.value, m.label) for m in CompetitionMode],
        validate_choice=False,
    )
    rounds = WholeNumberField(
        _l("Rounds"), validators=[Optional(), NumberRange(1, 20, _l("Enter 1 to 20 rounds."))]
    )

    def set_departments(self, departments):
        self.departments.choices = [SelectChoice(d.id, d.full_name) for d in departments]

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in FIELDS}
        for name in (
            "starts_at",
            "ends_at",
            "signup_opens_at",
            "signup_closes_at",
            "cancel_deadline",
        ):
            data[name] = utc(data[name])
        data["competition_mode"] = data["competition_mode"] or None
        return data

    def fill_from(self, values: dict) -> None:
        """Show stored (UTC) values in local time."""
        for name, value in values.items():
            if name not in self._fields:
                continue
            if hasattr(value, "astimezone"):
                value = local(value)
            elif hasattr(value, "value"):
                value = value.value
            self[name].data = value


class CancelActivityForm(AppForm):
    reason = TextAreaField(
        _l("Why is it cancelled?"),
        validators=[
            DataRequired(_l("Tell the participants why it is cancelled.")),
            Length(max=255),
        ],
    )


class CheckInForm(AppForm):
    code = StringField(
        _l("Check-in code"),
        validators=[DataRequired(_l("Enter the participant's code.")), Length(max=40)],
    )
