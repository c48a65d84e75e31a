"""The home page, 我的, the language switch and the shell's template helpers."""

from flask_babel import lazy_gettext as _l

from app.features import NavItem, feature_blueprint, register_feature

bp = feature_blueprint("main", __name__)


def init_app(app):
    from . import cards, routes  # noqa: F401

    reg = register_feature(app, bp, cards)
    reg.nav(NavItem("main.index", _l("Home"), "home", prefix="/", order=0))
    reg.nav(NavItem("main.me", _l("Me"), "person", prefix="/me", order=90))
    reg.offline(kit)


def kit(user) -> list[str]:
    """Home (also as the installed app's start URL, which opens it) and 我的."""
    from flask import url_for

    return [url_for("main.index"), url_for("main.index", source="pwa"), url_for("main.me")]
