"""Demo data for trying the app: departments and one user per role, then each feature's own
demo loader, in the features' order. Safe to run again."""

from sqlalchemy import select

from app.extensions import db
from app.features import DemoContext, registry
from app.models import Department, DepartmentKind, Role

DEMO_PASSWORD = "demo1234"

DEPARTMENTS = {
    "机加工车间": ["车工班", "铣工班"],
    "装配车间": ["总装一班", "总装二班"],
    "动力车间": ["电工班"],
    "工会办公室": [],
}

# employee number, name, roles, department path
PEOPLE = [
    ("A0001", "王主席", {Role.ADMIN}, "工会办公室"),
    ("S0001", "李安全", {Role.SAFETY_OFFICER, Role.INSPECTOR}, "机加工车间"),
    ("I0001", "张群监", {Role.INSPECTOR}, "机加工车间/车工班"),
    ("O0001", "赵干事", {Role.ORGANIZER}, "工会办公室"),
    ("C0001", "陈帮扶", {Role.CARE_OFFICER}, "工会办公室"),
    ("M0001", "刘职工", set(), "装配车间/总装一班"),
]


def _department(name: str, parent: Department | None) -> Department:
    same_parent = Department.parent_id == parent.id if parent else Department.parent_id.is_(None)
    found = db.session.scalar(select(Department).where(Department.name == name, same_parent))
    if found:
        return found
    dept = Department(
        name=name,
        parent=parent,
        kind=DepartmentKind.TEAM if parent else DepartmentKind.WORKSHOP,
    )
    db.session.add(dept)
    db.session.flush()
    return dept


def load_demo() -> list[tuple[str, str, str, str]]:
    """Create what is missing; never overwrite what is there. Returns the demo logins."""
    by_path = {}
    for workshop, teams in DEPARTMENTS.items():
        parent = _department(workshop, None)
        by_path[workshop] = parent
        for team in teams:
            by_path[f"{workshop}/{team}"] = _department(team, parent)
    ctx = DemoContext(by_path, DEMO_PASSWORD, [row[0] for row in PEOPLE])
    logins = []
    for employee_no, name, roles, path in PEOPLE:
        user = ctx.person(employee_no, name, path, roles)
        labels = " · ".join(str(r.label) for r in user.sorted_roles)
        logins.append((employee_no, DEMO_PASSWORD, name, labels))
    for loader in registry().demo_loaders:
        logins += loader(ctx) or []
    return logins
