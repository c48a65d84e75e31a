"""The survey builder's form (the question rows are read from the posted form beside it) and
the rating form."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.forms import (  # noqa: F401 (the builder's tests read them from here)
    WHEN,
    AppForm,
    MultiCheckboxField,
    PollWindowFields,
    at_least_field,
    enum_radio,
    local,
    title_field,
)
from app.models.surveys import Audience

QUESTION_ROWS = 8


class SurveyForm(PollWindowFields, AppForm):
    title = title_field()
    intro = TextAreaField(_l("Introduction"), validators=[Length(max=2000)])
    anonymous = BooleanField(_l("Anonymous (answers cannot be tied to anyone)"), default=True)
    audience = enum_radio(
        _l("Who is asked"), Audience, _l("Choose who is asked."), default=Audience.ALL
    )
    departments = MultiCheckboxField(_l("Departments"), coerce=int, validate_choice=True)
    activity = SelectField(_l("Activity"), coerce=int, validate_choice=True)
    min_responses = at_least_field(_l("Fewest responses (fewer: results not shown)"))
    is_satisfaction = BooleanField(_l("This is the member satisfaction survey (on the scorecard)"))
    previous = SelectField(_l("A new run of"), coerce=int, validate_choice=True)


class RatingForm(AppForm):
    stars = RadioField(
        _l("Stars"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validate_choice=False,  # the service says what is wrong, in the same words offline
        validators=[InputRequired(_l("Choose from 1 to 5 stars."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=500)])
