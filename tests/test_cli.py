"""`flask users create …` and `flask demo`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, PEOPLE
from app.models import AuditLog, Department, Role, User
from tests.factories import make_department, make_user


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def create(runner, *args):
    return runner.invoke(args=["users", "create", *args])


# --- users create -----------------------------------------------------------------------------


def test_create_user_who_can_log_in_at_once(runner, client, db):
    result = create(runner, "C100", "--name", "孙七", "--password", "start2024")
    assert result.exit_code == 0, result.output
    assert "Created C100 (孙七) with roles: member" in result.output
    user = db.session.scalar(select(User).where(User.employee_no == "C100"))
    assert user.roles == {Role.MEMBER}
    assert user.must_change_password is False
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.created"))
    response = client.post("/auth/login", data={"employee_no": "C100", "password": "start2024"})
    assert response.status_code == 303
    assert client.get("/").status_code == 200


def test_create_user_with_several_roles_and_a_department_by_name(runner, db):
    make_department("工会办公室")
    result = create(
        runner,
        "C101",
        "--name",
        "周八",
        "--password",
        "start2024",
        "--role",
        "admin",
        "--role",
        "inspector",
        "--department",
        "工会办公室",
        "--phone",
        "13900000000",
    )
    assert result.exit_code == 0, result.output
    assert "member, inspector, admin" in result.output
    user = db.session.scalar(select(User).where(User.employee_no == "C101"))
    assert user.roles == {Role.MEMBER, Role.INSPECTOR, Role.ADMIN}
    assert user.department.name == "工会办公室"
    assert user.phone == "13900000000"


@pytest.mark.parametrize("path", ["机加工车间/一班", "机加工车间 / 一班", "机加工车间／一班"])
def test_create_user_in_a_team_by_workshop_and_team(runner, db, path):
    first = make_department("机加工车间")
    make_department("一班", parent=first)
    team = make_department("一班", parent=make_department("装配车间"))
    result = create(
        runner, "C103", "--name", "郑十", "--password", "start2024", "--department", path
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.employee_no == "C103"))
    assert user.department.full_name == "机加工车间 / 一班"
    assert user.department.id != team.id


def test_ambiguous_team_name_is_refused(runner, db):
    make_department("一班", parent=make_department("机加工车间"))
    make_department("一班", parent=make_department("装配车间"))
    result = create(
        runner, "C104", "--name", "钱一", "--password", "start2024", "--department", "一班"
    )
    assert result.exit_code == 1
    assert "use 'Workshop/Team'" in result.output
    assert count(db, User) == 0


def test_duplicate_number_is_refused(runner, db):
    make_user(employee_no="C105", name="原来的人")
    result = create(runner, "C105", "--name", "新来的人", "--password", "start2024")
    assert result.exit_code == 1
    assert "employee_no: 工号 C105 已被占用。" in result.output  # i18n
    assert count(db, User) == 1
    assert db.session.scalar(select(User.name).where(User.employee_no == "C105")) == "原来的人"


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", "password: 至少需要 8 位。"),  # i18n
        ("12345678", "password: 须同时包含字母和数字。"),  # i18n
    ],
)
def test_bad_password_is_refused(runner, db, password, message):
    result = create(runner, "C106", "--name", "李二", "--password", password)
    assert result.exit_code == 1
    assert message in result.output
    assert count(db, User) == 0


def test_a_name_with_a_nul_is_refused_by_name(runner, db):
    """A name pasted with a NUL ended in a traceback (the database guard's error)."""
    result = create(runner, "C112", "--name", "李\x00二", "--password", "start2024")
    assert result.exit_code == 1
    assert "name: 文字中含有不允许的字符。" in result.output
    assert count(db, User) == 0


def test_bad_employee_number_is_refused(runner, db):
    result = create(runner, "C 107!", "--name", "李三", "--password", "start2024")
    assert result.exit_code == 1
    assert "employee_no: 请使用 1 至 32 位字母" in result.output  # i18n
    assert count(db, User) == 0


def test_unknown_role_is_refused(runner, db):
    result = create(runner, "C108", "--name", "李四", "--password", "start2024", "--role", "boss")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert "'boss' is not one of" in result.output
    assert count(db, User) == 0


def test_unknown_department_is_refused(runner, db):
    make_department("动力车间")
    result = create(
        runner, "C109", "--name", "李五", "--password", "start2024", "--department", "没有这个"
    )
    assert result.exit_code == 1
    assert "Unknown department '没有这个'" in result.output
    assert count(db, User) == 0
    assert count(db, AuditLog) == 0


def test_missing_name_is_refused(runner, db):
    result = create(runner, "C110", "--password", "start2024")
    assert result.exit_code == 2
    assert "Missing option '--name'" in result.output
    assert count(db, User) == 0


# --- demo -------------------------------------------------------------------------------------


def test_demo_loads_one_user_per_role_and_prints_the_logins(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for employee_no, _name, _roles, _path in PEOPLE:
        assert any(
            line.split()[:2] == [employee_no, DEMO_PASSWORD] for line in result.output.splitlines()
        ), employee_no
    users = db.session.scalars(select(User)).all()
    assert {role for user in users for role in user.roles} == set(Role)
    assert all(not user.must_change_password for user in users)
    teams = db.session.scalars(select(Department).where(Department.parent_id.is_not(None))).all()
    assert teams
    # Every demo person has a department, so no home page starts with "department not set".
    assert all(user.department is not None for user in users)


def test_demo_twice_changes_nothing(runner, db):
    first = runner.invoke(args=["demo"])
    users, departments = count(db, User), count(db, Department)
    audit = count(db, AuditLog)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert (count(db, User), count(db, Department), count(db, AuditLog)) == (
        users,
        departments,
        audit,
    )
    assert second.output == first.output


def test_demo_keeps_a_changed_password(runner, client, db):
    runner.invoke(args=["demo"])
    user = db.session.scalar(select(User).where(User.employee_no == "M0001"))
    user.set_password("mine12345")
    db.session.commit()
    runner.invoke(args=["demo"])
    response = client.post("/auth/login", data={"employee_no": "M0001", "password": "mine12345"})
    assert response.status_code == 303


def test_demo_login_works(runner, client):
    runner.invoke(args=["demo"])
    response = client.post("/auth/login", data={"employee_no": "A0001", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    assert 'href="/admin/users"' in client.get("/").get_data(as_text=True)


# --- the real command line, as `make run` uses it ---------------------------------------------


@pytest.mark.own_database
def test_command_line_on_an_empty_sqlite_instance(tmp_path):
    """`flask db upgrade`, `flask demo`, `flask users create` and `flask db check` from nothing."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    root = Path(__file__).resolve().parent.parent

    def run(*args):
        return subprocess.run(
            [*flask, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )

    assert run("db", "upgrade").returncode == 0
    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    assert "A0001" in demo.stdout
    check = run("db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    created = run("users", "create", "C200", "--name", "新人", "--password", "start2024")
    assert created.returncode == 0, created.stderr
    assert "Created C200" in created.stdout
    assert (tmp_path / "instance" / "workers_home.db").is_file()
    assert (tmp_path / "instance" / "secret_key").is_file()
