"""The survey builder's form (the question rows are read from the posted form beside it) and
the rating form."""

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from app.jobs import LOCAL_TZ
from app.models.surveys import Audience

WHEN = "%Y-%m-%dT%H:%M"
QUESTION_ROWS = 8


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def utc(value):
    """A local (Beijing) time from a form, in UTC."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def local(value):
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


def _when(label):
    return DateTimeLocalField(
        label, format=WHEN, validators=[InputRequired(_l("Enter a date and time."))]
    )


class SurveyForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=120)]
    )
    intro = TextAreaField(_l("Introduction"), validators=[Length(max=2000)])
    anonymous = BooleanField(_l("Anonymous (answers cannot be tied to anyone)"), default=True)
    audience = RadioField(
        _l("Who is asked"),
        choices=[SelectChoice(a.value, a.label) for a in Audience],
        default=Audience.ALL.value,
        validators=[InputRequired(_l("Choose who is asked."))],
    )
    departments = MultiCheckboxField(_l("Departments"), coerce=int, validate_choice=True)
    activity = SelectField(_l("Activity"), coerce=int, validate_choice=True)
    opens_at = _when(_l("Opens"))
    closes_at = _when(_l("Closes"))
    min_responses = IntegerField(
        _l("Results from how many responses (k)"),
        default=5,
        validators=[InputRequired(_l("Enter a number.")), NumberRange(3, 10000)],
    )
    is_satisfaction = BooleanField(_l("This is the member satisfaction survey (on the scorecard)"))
    previous = SelectField(_l("A new run of"), coerce=int, validate_choice=True)


class RatingForm(FlaskForm):
    stars = RadioField(
        _l("Stars"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validate_choice=False,  # the service says what is wrong, in the same words offline
        validators=[InputRequired(_l("Choose from 1 to 5 stars."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=500)])
