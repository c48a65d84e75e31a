"""Forms: they render the fields and carry the CSRF token; the services decide."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from app.forms import AppForm, enum_choices
from app.models.appeals import AppealCategory, AppealRating
from app.storage import ACCEPT


class AppealForm(AppForm):
    category = SelectField(_l("What is it about"), validate_choice=False)
    title = StringField(_l("Subject"), render_kw={"maxlength": 120})
    details = TextAreaField(_l("Details"), render_kw={"rows": 6})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": ACCEPT})
    anonymous = BooleanField(_l("Raise it anonymously"))
    department_id = SelectField(_l("Workshop it concerns (optional)"), validate_choice=False)

    def __init__(self, *args, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = enum_choices(AppealCategory, _l("Choose…"))
        self.department_id.choices = [("", _l("Not given"))] + [
            (str(d.id), d.name) for d in workshops
        ]


class StepForm(AppForm):
    action = SelectField(_l("Step"), validate_choice=False)
    note = TextAreaField(_l("What the member reads"), render_kw={"rows": 3})

    def __init__(self, *args, steps=(), **kwargs):
        """`steps`: the actions possible now, the likely next one first (the default)."""
        super().__init__(*args, **kwargs)
        self.action.choices = [(a.value, a.label) for a in steps]


class RatingForm(AppForm):
    rating = RadioField(_l("How was the answer"), validate_choice=False)
    rating_note = TextAreaField(_l("Comment on the answer (optional)"), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = enum_choices(AppealRating)


class CodeForm(AppForm):
    code = StringField(
        _l("Receipt code"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
