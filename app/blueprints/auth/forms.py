from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.forms import AppForm
from app.services.users import check_password_rules


def password_rules(form, field):
    from flask_login import current_user

    employee_no = current_user.employee_no if current_user.is_authenticated else None
    if problems := check_password_rules(field.data, employee_no=employee_no):
        raise ValidationError(problems[0])


class LoginForm(AppForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[DataRequired(_l("Enter your employee number.")), Length(max=32)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=128)]
    )
    remember = BooleanField(_l("Keep me signed in on this phone"), default=True)


class ChangePasswordForm(AppForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(max=128),
            password_rules,
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("The two new passwords differ."))],
    )
