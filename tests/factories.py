"""Small factories: each test makes just the rows it needs."""

import itertools

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
    user.set_password(password)  # cheap in the tests: PASSWORD_HASH_METHOD (tests/conftest.py)
    db.session.add(user)
    db.session.commit()
    return user
