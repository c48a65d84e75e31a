"""Command-line tools: `flask users create …` and `flask demo`."""

import click
from flask.cli import AppGroup

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Role
from app.services.users import create_user, find_department

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("employee_no")
@click.option("--name", required=True, help="The person's name.")
@click.option("--password", required=True, help="At least 8 characters, letters and digits.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="A role; repeat for several. Everyone is a member.",
)
@click.option("--department", help="A department name, or 'Workshop/Team'.")
@click.option("--phone")
def create_user_command(employee_no, name, password, roles, department, phone):
    """Create an account that can log in at once."""
    dept = None
    if department:
        dept = find_department(department)
        if dept is None:
            raise click.ClickException(
                f"Unknown department {department!r} (or the name is not unique: "
                "use 'Workshop/Team')."
            )
    try:
        user = create_user(
            employee_no=employee_no,
            name=name,
            password=password,
            roles={Role(r) for r in roles},
            department=dept,
            phone=phone,
            must_change_password=False,
        )
    except ValidationFailed as failed:
        db.session.rollback()
        lines = [f"{field}: {msg}" for field, msgs in failed.errors.items() for msg in msgs]
        raise click.ClickException("\n".join(lines)) from None
    db.session.commit()
    roles_text = ", ".join(r.value for r in user.sorted_roles)
    click.echo(f"Created {user.employee_no} ({user.name}) with roles: {roles_text}")


@click.command("demo")
def demo_command():
    """Load demo departments and one user per role (safe to run again)."""
    from app.demo import load_demo

    logins = load_demo()
    db.session.commit()
    click.echo("Demo logins (employee number / password):")
    for employee_no, password, name, roles in logins:
        click.echo(f"  {employee_no:<8} {password:<12} {name} — {roles}")
