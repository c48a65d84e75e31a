from app.blueprints.admin import bp
from app.blueprints.auth.access import roles_required
from app.models import Role


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    return "users"


@bp.route("/import")
@roles_required(Role.ADMIN)
def import_roster():
    return "import"
