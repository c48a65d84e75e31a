"""The gate's forms, one per use."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import AppForm, MultiCheckboxField, WholeNumberField
from app.storage import ACCEPT


class TypeForm(AppForm):
    name = StringField(
        _l("Qualification name"),
        validators=[InputRequired(_l("Enter the qualification's name.")), Length(max=80)],
    )
    is_safety = BooleanField(_l("A safety qualification"))
    validity_months = WholeNumberField(
        _l("Valid for (months)"),
        validators=[Optional(), NumberRange(1, 600, _l("Enter a number from 1 to 600."))],
    )
    active = BooleanField(_l("In use"), default=True)


class PostForm(AppForm):
    name = StringField(
        _l("Post"), validators=[InputRequired(_l("Enter the post's name.")), Length(max=80)]
    )
    department = SelectField(
        _l("Department or team"),
        coerce=int,
        validators=[InputRequired(_l("Choose the department or team."))],
    )
    types = MultiCheckboxField(_l("Qualifications it requires"), coerce=int)
    active = BooleanField(_l("In use"), default=True)


class HolderForm(AppForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[InputRequired(_l("Enter the employee number.")), Length(max=32)],
    )


class LeaderForm(AppForm):
    department = SelectField(
        _l("Department or team"),
        coerce=int,
        validators=[InputRequired(_l("Choose the department or team."))],
    )
    employee_no = StringField(
        _l("Employee number"),
        validators=[InputRequired(_l("Enter the employee number.")), Length(max=32)],
    )


class CertificateForm(AppForm):
    type = SelectField(
        _l("Qualification"), coerce=int, validators=[InputRequired(_l("Choose the qualification."))]
    )
    certificate_no = StringField(
        _l("Certificate number"),
        validators=[InputRequired(_l("Enter the certificate's number.")), Length(max=60)],
    )
    issuer = StringField(
        _l("Issued by"),
        validators=[InputRequired(_l("Enter who issued the certificate.")), Length(max=120)],
    )
    issued_on = DateField(_l("Issued on"), validators=[InputRequired(_l("Enter a date."))])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    photo = FileField(_l("Photo of the certificate"), render_kw={"accept": ACCEPT})


class RevokeForm(AppForm):
    reason = StringField(
        _l("Reason"), validators=[InputRequired(_l("Give the reason.")), Length(max=255)]
    )


class PhotoForm(AppForm):
    photo = FileField(_l("Photo of the worker"), render_kw={"accept": ACCEPT})


class CheckForm(AppForm):
    """The entrance check without JavaScript: the post and the typed employee number."""

    post_id = SelectField(
        _l("Post"), coerce=int, validators=[InputRequired(_l("Choose the post."))]
    )
    employee_no = StringField(
        _l("Employee number"),
        validators=[InputRequired(_l("Enter the employee number.")), Length(max=32)],
    )
