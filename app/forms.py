"""Form pieces the features share: a list of checkboxes, an enum as choices or as radio
buttons, local date-time fields with their UTC conversion, and the window and threshold of a
poll (a survey, a round of evaluations)."""

from datetime import UTC
from functools import cache

from babel.support import Translations
from flask_babel import get_locale, get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.guards import NUL_REFUSED, has_nul, without_nul
from app.services.inputs import (
    FIRST_DAY,
    LAST_DAY,
    OUTSIDE_OUR_YEARS,
    local_zone,
    plain_decimal,
    plain_whole,
)

WHEN = "%Y-%m-%dT%H:%M"

# WTForms' own messages (wtforms/locale/wtforms.pot) that a form of the app can show, said in
# the app's words from its catalog: WTForms' Chinese catalog lacks some (a choice not offered
# among checkboxes came out in English on a Chinese page) and words others otherwise (at most
# 120 as 小于 120). Listed so that `make messages` keeps them in the catalog.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    lazy_ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
)


@cache
def _wtforms_catalog(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """What WTForms says in the page's language: from the app's catalogs where they have it
    (`WTFORMS_MESSAGES`), else from WTForms' own catalog. (Flask-WTF passes WTForms' own
    catalog alone.)"""

    def gettext(self, string):
        said = get_translations().ugettext(string)
        return said if said != string else self._theirs().ugettext(string)

    def ngettext(self, singular, plural, n):
        said = get_translations().ungettext(singular, plural, n)
        if said not in (singular, plural):
            return said
        return self._theirs().ungettext(singular, plural, n)

    @staticmethod
    def _theirs() -> Translations:
        return _wtforms_catalog(str(get_locale() or "en"))


class AppForm(FlaskForm):
    """Every form of the app: a FlaskForm whose WTForms messages (a required field, a choice
    not offered, a number out of range) come out in the page's language, and that refuses a
    NUL character (pasted text can carry one; PostgreSQL cannot keep it) at the field that
    holds it, so the form comes back with every other value kept instead of a bare 400. The
    NUL itself is taken out of what the form shows back: a browser shows it as �, and sent
    again unchanged, that � would be saved."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        self._held_nul = [field for field in self if has_nul(field.raw_data or ())]
        for field in self._held_nul:
            field.raw_data = [without_nul(value) for value in field.raw_data]
            field.data = without_nul(field.data)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        refused = getattr(self, "_held_nul", [])
        for field in refused:
            if getattr(field.widget, "input_type", None) == "hidden":
                # A hidden field has nowhere to show it: above the form, as `apply_errors` does.
                self.form_errors = [*(self.form_errors or []), str(NUL_REFUSED)]
                field.errors = []
            else:
                field.errors = [str(NUL_REFUSED)]
        return valid and not refused


_TRANSLATIONS = WTFormsTranslations()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _TypedNumber:
    """What the number fields share: a text box with the phone's number keyboard (a
    type=number box would send "" for "1,200" or "１２００", and the form would read nothing),
    read by the services' one rule (`read`), and one message for what is not a number (a
    range check would only say it again). Nothing written is None: Optional() or
    InputRequired() says what to do."""

    widget = TextInput()
    inputmode = "decimal"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {"inputmode": self.inputmode, **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        written = (valuelist[0] or "").strip()
        self.data = self.read(written) if written else None
        if written and self.data is None:
            raise ValueError(self.not_a_number())

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class PlainNumberField(_TypedNumber, FloatField):
    """A number as a person types it, by the services' one rule (`inputs.plain_decimal`):
    "1,200", "１２００" and " 3.5 " are numbers; "1e3", "NaN" and "Infinity", which float()
    takes but nobody means in a form, get `message` at the field."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter a number.")

    def read(self, written: str) -> float | None:
        parsed = plain_decimal(written)
        return None if parsed is None else float(parsed)

    def not_a_number(self) -> str:
        return str(self.message)


class WholeNumberField(_TypedNumber, IntegerField):
    """A whole number (places, months, rounds) by the same rule (`inputs.plain_whole`):
    "1,200" and "１２" are read as the services read them, where int() refuses the first and
    takes "1_000". The message stays IntegerField's."""

    inputmode = "numeric"

    def read(self, written: str) -> int | None:
        return plain_whole(written)

    def not_a_number(self) -> str:
        return self.gettext("Not a valid integer value.")


def enum_choices(enum_cls, blank=None) -> list[tuple[str, str]]:
    """An enum's (value, label) pairs; `blank`, when given, labels an empty first choice."""
    options = [(m.value, m.label) for m in enum_cls]
    return [("", blank), *options] if blank else options


def enum_radio(label, enum_cls, required, default=None) -> RadioField:
    """One of an enum's members, as radio buttons; `required` asks for a choice when none is
    made; `default`, a member, is chosen until the user chooses another."""
    return RadioField(
        label,
        choices=[SelectChoice(m.value, m.label) for m in enum_cls],
        default=default.value if default is not None else None,
        validators=[InputRequired(required)],
    )


def shown(max_length: int) -> dict:
    """A service's limit as the field's `maxlength`: the browser stops the typing there."""
    return {"maxlength": max_length}


def title_field(label=None, **kwargs) -> StringField:
    """A required title of at most 120 characters (a session, a round, a survey, an activity)."""
    return StringField(
        label or _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), Length(max=120)],
        **kwargs,
    )


def in_our_years(moment) -> bool:
    """A time of this app's records: in the years of FIRST_DAY to LAST_DAY (the services'
    range); a year beyond is a slip of the finger (and year 1 in Beijing has no UTC)."""
    return moment is not None and FIRST_DAY.year <= moment.year <= LAST_DAY.year


def _in_our_years(form, field) -> None:
    if field.data is not None and not in_our_years(field.data):
        raise StopValidation(OUTSIDE_OUR_YEARS)


def when_field(label) -> DateTimeLocalField:
    """A required local date and time (the union's clock), from 2000 to 2100."""
    return DateTimeLocalField(
        label,
        format=WHEN,
        validators=[InputRequired(_l("Enter a date and time.")), _in_our_years],
    )


def day_field(label, *, required=True) -> DateField:
    """A date, from 2000 to 2100 (9999-12-31 is a slip of the finger, not a deadline)."""
    given = InputRequired(_l("Enter a date.")) if required else Optional()
    return DateField(label, validators=[given, _in_our_years])


def utc(value):
    """A local time from a form (the union's clock), in UTC."""
    return value.replace(tzinfo=local_zone()).astimezone(UTC)


def local(value):
    """A stored (UTC) time as the local time a form shows."""
    return value.astimezone(local_zone()).replace(tzinfo=None)


def at_least_field(label) -> IntegerField:
    """How many answers a poll needs before it shows results (k, 3 to 10,000; 5 by default):
    fewer could tell who answered what."""
    return WholeNumberField(
        label, default=5, validators=[InputRequired(_l("Enter a number.")), NumberRange(3, 10000)]
    )


class PollWindowFields:
    """The window of a poll (a survey, an evaluation round): when it opens and closes."""

    opens_at = when_field(_l("Opens"))
    closes_at = when_field(_l("Closes"))
