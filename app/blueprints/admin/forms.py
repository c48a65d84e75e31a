from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import AppForm
from app.models import Role


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False, html_tag="ul")
    option_widget = CheckboxInput()


def role_choices():
    return [(r.value, r.label) for r in Role if r is not Role.MEMBER]


class UserForm(AppForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[DataRequired(_l("Enter the employee number.")), Length(max=32)],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the name.")), Length(max=80)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    department_id = SelectField(_l("Department"), coerce=int, validate_choice=True)
    roles = CheckboxesField(_l("Roles besides member"), validate_choice=True)
    active = BooleanField(_l("Account active"), default=True)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = [(0, _l("— none —"))] + [
            (d.id, d.full_name) for d in departments
        ]
        self.roles.choices = role_choices()


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(_l("Enter an initial password.")), Length(max=128)],
    )


class PasswordResetForm(AppForm):
    password = PasswordField(
        _l("New initial password"),
        validators=[DataRequired(_l("Enter an initial password.")), Length(max=128)],
    )


class DepartmentForm(AppForm):
    name = StringField(
        lazy_pgettext("department", "Name"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=80)],
    )
    parent_id = SelectField(_l("Belongs to"), coerce=int, validate_choice=True)

    def __init__(self, *args, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [(0, _l("— a workshop at the top —"))] + [
            (d.id, d.name) for d in workshops
        ]


class RosterImportForm(AppForm):
    file = FileField(
        _l("Roster file (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".xlsx,.csv"},
    )
    initial_password = PasswordField(
        _l("Initial password for new accounts"),
        validators=[DataRequired(_l("Enter an initial password.")), Length(max=128)],
    )
