from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.blueprints.main import bp
from app.extensions import db
from app.guards import own_referrer
from app.models import Role
from app.navigation import cards_for, is_current, nav_for, offline_urls
from app.rendering import locale_code, page_or_fragment
from app.services.departments import named_for


@bp.route("/")
@login_required
def index():
    cards = cards_for(current_user)
    return page_or_fragment("main/index.html", "main/_cards.html", cards=cards)


@bp.route("/me")
@login_required
def me():
    return render_template("main/me.html", named=named_for(current_user))


@bp.route("/locale", methods=["POST"])
def set_locale():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
        else:
            # Chosen on the log-in page: the next log-in on this phone takes it as the
            # person's own choice (one who does not touch the switch keeps theirs).
            session["locale_switched"] = True
    return redirect(own_referrer() or url_for("main.index"), 303)


@bp.app_context_processor
def shell_helpers():
    return {
        "nav_items": lambda: nav_for(current_user),
        "offline_urls": lambda: offline_urls(current_user),
        "nav_current": is_current,
        "current_locale": locale_code,
        "languages": current_app.config["LANGUAGES"],
        "Role": Role,
    }
