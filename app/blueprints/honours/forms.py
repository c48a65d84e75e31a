"""Forms: they render the fields and carry the CSRF token; the services decide."""

from flask_babel import lazy_gettext as _l
from wtforms import FileField, RadioField, SelectField, StringField, TextAreaField

from app.forms import AppForm
from app.models.honours import HonourTitle
from app.storage import ACCEPT


class NominationForm(AppForm):
    employee_no = StringField(
        _l("Employee number of the person"), render_kw={"autocomplete": "off"}
    )
    title = SelectField(_l("Honour"), validate_choice=False)
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric", "maxlength": 4})
    reason = TextAreaField(_l("What they did"), render_kw={"rows": 4})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": ACCEPT})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title.choices = [("", _l("Choose…"))] + [(t.value, t.label) for t in HonourTitle]


class DecisionForm(AppForm):
    decision = RadioField(_l("Decision"), validate_choice=False)
    citation = TextAreaField(_l("Citation (shown on the honour board)"), render_kw={"rows": 3})
    note = TextAreaField(_l("Note to the nominator (optional)"), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [
            ("award", _l("Award the honour")),
            ("decline", _l("Not this time")),
        ]
