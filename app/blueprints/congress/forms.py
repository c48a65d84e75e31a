"""The congress feature's forms, one per use."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import (
    AppForm,
    MultiCheckboxField,
    PollWindowFields,
    WholeNumberField,
    at_least_field,
    day_field,
    enum_radio,
    title_field,
    when_field,
)
from app.models.congress import (
    AnswerClass,
    Electorate,
    NoticeCategory,
    Satisfaction,
)


class ActionForm(AppForm):
    """A button that only needs the CSRF token (co-sign, submit, remove…)."""


class SessionForm(AppForm):
    term_no = WholeNumberField(
        _l("Term (届)"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(1, 999)],
    )
    session_no = WholeNumberField(
        _l("Session (次)"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(1, 99)],
    )
    title = title_field()
    starts_on = day_field(_l("Starts on"))
    ends_on = day_field(_l("Ends on"))
    place = StringField(_l("Place"), validators=[Length(max=120)])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=10000)])
    term_ends_on = day_field(_l("Delegates' term ends on"))


class DelegateForm(AppForm):
    employee_no = StringField(
        _l("Employee number"), validators=[DataRequired(_l("Enter an employee number."))]
    )
    department = SelectField(_l("Elected by department"), coerce=int, validate_choice=True)
    term_starts_on = day_field(_l("Term starts on"))
    term_ends_on = day_field(_l("Term ends on"))


class ContactForm(AppForm):
    employee_no = StringField(
        _l("Employee number"), validators=[DataRequired(_l("Enter an employee number."))]
    )
    department = SelectField(_l("Department"), coerce=int, validate_choice=True)


class DocumentForm(AppForm):
    title = title_field()
    file = FileField(lazy_pgettext("document", "File"))


class MeetingForm(AppForm):
    starts_at = when_field(_l("Starts"))
    ends_at = when_field(_l("Ends"))
    place = StringField(
        _l("Place"), validators=[DataRequired(_l("Enter the place.")), Length(max=120)]
    )


class MotionForm(AppForm):
    title = title_field(lazy_pgettext("motion", "Subject"))
    reasons = TextAreaField(
        _l("Reasons"), validators=[DataRequired(_l("Say why this is needed.")), Length(max=5000)]
    )
    measures = TextAreaField(
        _l("Proposed measures"),
        validators=[DataRequired(_l("Say what you propose to do.")), Length(max=5000)],
    )


class ReviewForm(AppForm):
    decision = RadioField(
        lazy_pgettext("motion", "Decision"),
        choices=[
            SelectChoice("accept", _l("Accept as a motion")),
            SelectChoice("suggestion", _l("Turn into a suggestion")),
            SelectChoice("decline", _l("Do not accept")),
        ],
        validators=[InputRequired(_l("Choose a decision."))],
    )
    note = TextAreaField(_l("Note or reason"), validators=[Length(max=2000)])
    lead_department = SelectField(_l("Lead department"), coerce=int, validate_choice=True)
    co_departments = MultiCheckboxField(_l("Co-departments"), coerce=int, validate_choice=True)
    deadline = day_field(lazy_pgettext("motion", "Answer by"), required=False)


class AnswerForm(AppForm):
    answer_class = enum_radio(_l("Implementation class"), AnswerClass, _l("Choose A, B or C."))
    answer = TextAreaField(
        _l("Answer"), validators=[DataRequired(_l("Write the answer.")), Length(max=5000)]
    )
    reason = TextAreaField(_l("Reason (needed for class C)"), validators=[Length(max=2000)])


class RateForm(AppForm):
    rating = enum_radio(_l("Your rating"), Satisfaction, _l("Choose how satisfied you are."))
    note = TextAreaField(_l("Comment"), validators=[Length(max=2000)])


def leaders_field() -> TextAreaField:
    """The people a round rates, one a line: "name post #employee number" (the last word, #
    and the number, links the person's account; a # inside a word is the post's;
    `services.rounds.read_people` reads it)."""
    return TextAreaField(
        _l("Leaders to evaluate"),
        validators=[DataRequired(_l("Name at least one leader to evaluate.")), Length(max=5000)],
    )


class RoundForm(PollWindowFields, AppForm):
    title = title_field()
    electorate = enum_radio(
        _l("Who votes"), Electorate, _l("Choose who votes."), default=Electorate.DELEGATES
    )
    session = SelectField(_l("Session"), coerce=int, validate_choice=True)
    departments = MultiCheckboxField(_l("Departments"), coerce=int, validate_choice=True)
    min_ballots = at_least_field(_l("Fewest ballots (results stay hidden below it)"))
    leaders = leaders_field()
    dimensions = TextAreaField(
        _l("Dimensions"),
        validators=[DataRequired(_l("Name at least one dimension.")), Length(max=2000)],
    )


class PeopleForm(AppForm):
    """The people of a round that has no ballot yet."""

    leaders = leaders_field()


class NoticeForm(AppForm):
    title = title_field()
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c.value, c.label) for c in NoticeCategory],
        validators=[InputRequired(_l("Choose a category."))],
    )
    body = TextAreaField(
        lazy_pgettext("notice", "Text"),
        validators=[DataRequired(_l("Write the notice.")), Length(max=20000)],
    )
    departments = MultiCheckboxField(
        _l("Only for these departments"), coerce=int, validate_choice=True
    )
    pinned = BooleanField(_l("Pin to the top"))
    closes_on = day_field(_l("Closing date"), required=False)
    attachments = MultipleFileField(_l("Attachments"))


class QuestionForm(AppForm):
    question = TextAreaField(
        _l("Your question"),
        validators=[DataRequired(_l("Write your question.")), Length(max=2000)],
    )


class ReplyForm(AppForm):
    answer = TextAreaField(
        _l("Answer"), validators=[DataRequired(_l("Write the answer.")), Length(max=2000)]
    )
