"""The models, the constraints the database enforces, and the migrations matching the models."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import Column, MetaData, String, inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

from app.models import AuditLog, Department, Role, User
from app.models._types import include_object, render_item
from tests.factories import make_department, make_user

# --- the migrations produce the schema of the models (what `flask db check` checks) ------------


def schema_differences(connection, metadata) -> list:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "render_item": render_item, "include_object": include_object},
    )
    return compare_metadata(context, metadata)


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        assert schema_differences(conn, db.metadata) == []


def test_schema_check_notices_drift(db):
    """The check above can fail: a column the migrations lack shows up as a difference."""
    drifted = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["users"].append_column(Column("nickname", String(40)))
    with db.engine.connect() as conn:
        differences = schema_differences(conn, drifted)
    assert [(d[0], d[3].name) for d in differences if d[0] == "add_column"] == [
        ("add_column", "nickname")
    ]


def test_database_is_at_the_single_head(app, db):
    directory = app.extensions["migrate"].directory
    script = ScriptDirectory(directory)
    heads = script.get_heads()
    assert len(heads) == 1, "two migration heads: merge them"
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)


def test_constraints_are_named_by_the_convention(db):
    inspector = inspect(db.engine)
    assert inspector.get_pk_constraint("users")["name"] == "pk_users"
    unique_names = {c["name"] for c in inspector.get_unique_constraints("users")}
    assert "uq_users_employee_no" in unique_names
    fk_names = {fk["name"] for fk in inspector.get_foreign_keys("users")}
    assert "fk_users_department_id_departments" in fk_names


def test_migrate_extension_is_configured_for_sqlite_batches(app):
    migrate = app.extensions["migrate"]
    assert isinstance(migrate.migrate, Migrate)
    assert migrate.configure_args["render_as_batch"] is True
    assert migrate.configure_args["compare_type"] is True


# --- users and roles --------------------------------------------------------------------------


def test_every_user_has_a_set_of_roles(db):
    user = make_user(Role.INSPECTOR, Role.ADMIN)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.roles == {Role.MEMBER, Role.INSPECTOR, Role.ADMIN}
    assert user.sorted_roles == [Role.MEMBER, Role.INSPECTOR, Role.ADMIN]
    assert user.has_role(Role.ADMIN, Role.ORGANIZER)
    assert not user.has_role(Role.CARE_OFFICER)


def test_changing_roles_keeps_the_rest(db):
    user = make_user(Role.INSPECTOR, Role.ORGANIZER)
    user.roles = {Role.MEMBER, Role.ORGANIZER, Role.SAFETY_OFFICER}
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {
        Role.MEMBER,
        Role.ORGANIZER,
        Role.SAFETY_OFFICER,
    }


def test_roles_accept_their_names(db):
    user = make_user()
    user.roles = {"member", "care_officer"}
    db.session.commit()
    assert user.roles == {Role.MEMBER, Role.CARE_OFFICER}
    with pytest.raises(ValueError):
        user.roles = {"boss"}


def test_role_labels_are_translatable_text(app):
    assert {str(role.label) for role in Role} >= {"会员", "管理员"}  # i18n
    assert len({str(role.label) for role in Role}) == len(Role)


def test_passwords_are_hashed(db):
    user = make_user(password="plain1234")
    assert "plain1234" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:", "argon2"))
    assert user.check_password("plain1234")
    assert not user.check_password("plain12345")


def test_employee_numbers_are_unique(db):
    make_user(employee_no="M001")
    db.session.add(User(employee_no="M001", name="重复", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_find_by_employee_number_ignores_spaces(db):
    user = make_user(employee_no="M002")
    assert User.by_employee_no("  M002 ") is user
    assert User.by_employee_no("M003") is None


def test_deleting_a_user_deletes_their_roles_but_keeps_the_audit_trail(db):
    from app.services.audit import record

    user = make_user(Role.ADMIN)
    record("test.action", user, actor=user)
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "test.action"))
    assert entry is not None
    assert entry.actor_id is None


def test_inactive_user_is_not_authenticated(db):
    user = make_user(active=False)
    assert user.is_active is False
    assert user.is_authenticated is False


# --- departments ------------------------------------------------------------------------------


def test_team_inside_a_workshop(db):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    assert team.full_name == "机加工车间 / 车工班"
    assert workshop.full_name == "机加工车间"
    assert [child.name for child in workshop.children] == ["车工班"]
    assert str(team.kind.label) == "班组"  # i18n


def test_same_team_name_in_two_workshops_but_not_twice_in_one(db):
    one, two = make_department("一车间"), make_department("二车间")
    make_department("一班", parent=one)
    make_department("一班", parent=two)
    db.session.add(Department(name="一班", parent=one, kind="team"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unknown_department_kind_is_refused(db):
    db.session.add(Department(name="奇怪", kind="factory"))
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_deleting_a_department_keeps_its_people(db):
    workshop = make_department("动力车间")
    user = make_user(department=workshop)
    db.session.delete(workshop)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).department_id is None


def test_a_workshop_with_teams_cannot_be_deleted(db):
    """Its teams would be left as teams of nothing; the database refuses."""
    workshop = make_department("装配车间")
    make_department("总装一班", parent=workshop)
    db.session.delete(workshop)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(Department).where(Department.name == "总装一班")).parent


# --- times ------------------------------------------------------------------------------------


def test_times_come_back_in_utc(db):
    shanghai = timezone(timedelta(hours=8))
    user = make_user(last_login_at=datetime(2026, 11, 23, 9, 0, tzinfo=shanghai))
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.last_login_at == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert user.last_login_at.utcoffset() == timedelta(0)
    assert user.created_at.tzinfo is not None


def test_naive_times_are_refused(db):
    with pytest.raises(StatementError):
        make_user(last_login_at=datetime(2026, 11, 23, 9, 0))
    db.session.rollback()
