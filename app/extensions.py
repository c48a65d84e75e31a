"""Extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import Babel, Domain, _get_current_context
from flask_compress import Compress
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter and drop them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class _RequestDomain(Domain):
    """Flask-Babel's message domain, with the catalog looked up once a request.

    Flask-Babel 4.0 finds the catalog afresh at each translation (the request's Babel context
    three times, the locale's name once): some hundred times a page. The catalog is kept in
    that context as `babel_translations`, which `force_locale` and `refresh` clear and
    restore as they change the locale (flask-babel is pinned: this reads its context)."""

    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:
            return super().get_translations()
        if (translations := getattr(ctx, "babel_translations", None)) is None:
            translations = ctx.babel_translations = super().get_translations()
        return translations


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
babel.domain_instance = _RequestDomain()  # in place of the default domain (a cached property)
compress = Compress()
