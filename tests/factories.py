"""Small factories: each test makes just the rows it needs."""

import itertools

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Department, DepartmentKind, Role, User

DEFAULT_PASSWORD = "secret123"
_numbers = itertools.count(1)


def make_department(name=None, parent=None, **kwargs) -> Department:
    dept = Department(
        name=name or f"部门{next(_numbers)}",
        parent=parent,
        kind=DepartmentKind.TEAM if parent else DepartmentKind.WORKSHOP,
        **kwargs,
    )
    db.session.add(dept)
    db.session.commit()
    return dept


def make_user(
    *roles: Role,
    employee_no=None,
    name=None,
    password=DEFAULT_PASSWORD,
    department=None,
    active=True,
    must_change_password=False,
    **kwargs,
) -> User:
    user = User(
        employee_no=employee_no or f"E{next(_numbers):05d}",
        name=name or f"职工{next(_numbers)}",
        department=department,
        active=active,
        must_change_password=must_change_password,
        **kwargs,
    )
    user.roles = {Role.MEMBER, *roles}
    # A cheap hash keeps the suite fast; check_password() reads the method from the hash.
    user.password_hash = generate_password_hash(password, "pbkdf2:sha256:1")
    db.session.add(user)
    db.session.commit()
    return user
