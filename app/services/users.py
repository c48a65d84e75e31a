"""Creating and changing accounts: shared by the admin pages, the roster import and the CLI."""

import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.guards import NUL_REFUSED
from app.models import Department, Role, User
from app.models.users import typed_no
from app.services import audit

EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# A phone number: 7 (a landline without its area code) to 15 digits (E.164) in all, a
# mainland mobile has 11; grouped by spaces, dashes or brackets: "+86 (571) 8888-6666".
PHONE = re.compile(r"^\+?(?=(?:[ ()-]{0,2}[0-9]){7,15}$)[0-9(][0-9 ()-]*$")
PASSWORD_MIN = 8


def snapshot(user: User) -> dict:
    """The audited fields of an account, as plain JSON."""
    return {
        "employee_no": user.employee_no,
        "name": user.name,
        "phone": user.phone,
        "department": user.department.full_name if user.department else None,
        "roles": sorted(r.value for r in user.roles),
        "active": user.active,
    }


def find_department(text: str) -> Department | None:
    """A department by 'Workshop/Team' path or by a name that only one department has."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [p.strip() for p in re.split(r"\s*[/／]\s*", text) if p.strip()]
    if len(parts) == 2:
        parent = db.aliased(Department)
        return db.session.scalar(
            select(Department)
            .join(parent, Department.parent_id == parent.id)
            .where(parent.name == parts[0], Department.name == parts[1])
        )
    matches = db.session.scalars(select(Department).where(Department.name == text).limit(2)).all()
    return matches[0] if len(matches) == 1 else None


@cache
def common_passwords() -> frozenset[str]:
    """Passwords that guessers try first (`common_passwords.txt`), lower case."""
    lines = (Path(__file__).with_name("common_passwords.txt")).read_text("utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_password_rules(password: str, *, employee_no: str | None = None) -> list[str]:
    """What is wrong with a new password (empty when it will do): too short, one kind of
    character, a password guessers try first, or one made of the employee number."""
    password = password or ""
    if len(password) < PASSWORD_MIN:
        return [_("Use at least %(min)d characters.", min=PASSWORD_MIN)]
    if password.isdigit() or password.isalpha():
        return [_("Use letters and digits together.")]
    if password.lower() in common_passwords():
        return [_("This password is among the first that guessers try. Choose another.")]
    number = (employee_no or "").strip().lower()
    if len(number) >= 3 and number in password.lower():
        return [_("Do not use your employee number in your password.")]
    return []


def validate_fields(*, employee_no=None, name=None, phone=None, user: User | None = None):
    """Field checks common to every way an account is written; returns {field: [messages]}.
    `employee_no` as it will be stored (`typed_no`)."""
    errors: dict[str, list[str]] = {}
    if employee_no is not None:
        if not EMPLOYEE_NO.match(employee_no):
            errors["employee_no"] = [
                _("Use 1 to 32 letters, digits, '-' or '_', starting with a letter or digit.")
            ]
        else:
            other = User.by_employee_no(employee_no)
            if other is not None and other is not user:
                errors["employee_no"] = [
                    _("Employee number %(no)s is already taken.", no=employee_no)
                ]
    if name is not None and "\x00" in name:  # pasted text can carry one; no column keeps it
        errors["name"] = [str(NUL_REFUSED)]
    elif name is not None and not (1 <= len(name.strip()) <= 80):
        errors["name"] = [_("Enter a name of at most 80 characters.")]
    if phone and not PHONE.match(phone):
        errors["phone"] = [_("Enter a phone number made of digits.")]
    return errors


def create_user(
    *,
    employee_no: str,
    name: str,
    password: str,
    roles,
    department: Department | None = None,
    phone: str | None = None,
    must_change_password: bool = True,
    actor: User | None = None,
    password_hash: str | None = None,
    check_rules: bool = True,
) -> User:
    """Add an account; every account is at least a member. Raises ValidationFailed.

    `password_hash`: a hash made once for many accounts that share one temporary password
    (the roster import), instead of one slow hash per account. `check_rules=False` only for
    the demo accounts, whose password is printed for everyone anyway.
    """
    employee_no, name, phone = typed_no(employee_no), name.strip(), (phone or "").strip() or None
    errors = validate_fields(employee_no=employee_no, name=name, phone=phone)
    if (
        check_rules
        and password_hash is None
        and (problems := check_password_rules(password, employee_no=employee_no))
    ):
        errors["password"] = problems
    if errors:
        raise ValidationFailed(errors)
    user = User(
        employee_no=employee_no,
        name=name,
        phone=phone,
        department=department,
        must_change_password=must_change_password,
    )
    user.roles = set(roles) | {Role.MEMBER}
    if password_hash is not None:
        user.password_hash = password_hash
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created", user, actor=actor, summary=f"{employee_no} {name}", after=snapshot(user)
    )
    return user


def update_user(user: User, *, actor: User | None = None, **changes) -> User:
    """Change name, phone, department, roles or active flag. Raises ValidationFailed.

    An administrator cannot take away their own admin role or deactivate themselves, so the
    app is never left without anyone able to manage it by a slip of the finger.
    """
    before = snapshot(user)
    if changes.get("employee_no") is not None:
        changes["employee_no"] = typed_no(changes["employee_no"])
    errors = validate_fields(
        employee_no=changes.get("employee_no"),
        name=changes.get("name"),
        phone=changes.get("phone"),
        user=user,
    )
    if actor is not None and actor.id == user.id:
        if "roles" in changes and Role.ADMIN not in set(changes["roles"]):
            errors.setdefault("roles", []).append(
                _("You cannot remove your own administrator role.")
            )
        if changes.get("active") is False:
            errors.setdefault("active", []).append(_("You cannot deactivate your own account."))
    if errors:
        raise ValidationFailed(errors)
    if changes.get("employee_no") is not None:
        user.employee_no = changes["employee_no"]
    if changes.get("name") is not None:
        user.name = changes["name"].strip()
    if "phone" in changes:
        user.phone = (changes["phone"] or "").strip() or None
    if "department" in changes:
        user.department = changes["department"]
    if "roles" in changes:
        user.roles = set(changes["roles"]) | {Role.MEMBER}
    if changes.get("active") is not None:
        user.active = changes["active"]
    after = snapshot(user)
    if after != before:
        audit.record(
            "user.updated", user, actor=actor, summary=user.employee_no, before=before, after=after
        )
    return user


def reset_password(user: User, password: str, *, actor: User | None = None) -> None:
    if problems := check_password_rules(password, employee_no=user.employee_no):
        raise ValidationFailed({"password": problems})
    user.set_password(password)
    user.must_change_password = True
    audit.record("user.password_reset", user, actor=actor, summary=user.employee_no)
