from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import COOKIE_NAME, current_user, login_required, login_user, logout_user

from app.blueprints.auth import bp, services, throttle
from app.blueprints.auth.forms import ChangePasswordForm, LoginForm
from app.errors import submit
from app.extensions import db
from app.rendering import locale_code
from app.services.audit import client_address


def _safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect after log-in is a phishing aid."""
    if not target:
        return None
    # Browsers read a backslash as "/" and drop tabs and newlines, so "/<backslash>evil" or
    # "/<tab>/evil" would leave the site; refuse them rather than rely on header quoting.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.employee_no.data, form.password.data, client_address())
        switched = session.pop("locale_switched", False)
        if result.user and (result.user.locale is None or switched):
            # The language the log-in page spoke: the one just chosen with its switch, or for
            # a person who never chose, the phone's; the inbox and the pushes written for
            # them while away speak it too.
            result.user.locale = locale_code()
        db.session.commit()
        if result.user:
            login_user(result.user, remember=form.remember.data)
            # Unticked "keep me signed in" (a shared phone): the session ends with the browser.
            session.permanent = bool(form.remember.data)
            response = redirect(_safe_next(request.args.get("next")) or url_for("main.index"), 303)
            # This phone is now known to the account: guesses from elsewhere do not slow it.
            throttle.remember_device(response, result.user.employee_no)
            return response
        form.form_errors.append(result.error)
        status = 429 if result.throttled else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Ends the session on the server too: a copied cookie or remember-me token of this
        # account stops working (the session id carries the version).
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login", logged_out=1), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        current, new = form.current_password.data, form.new_password.data
        if submit(form, services.change_password, current_user, current, new):
            db.session.commit()
            # The session id carries a fingerprint of the password: renew this phone's own
            # session (other phones are signed out), keeping its "keep me signed in" choice.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
            remember = cookie in request.cookies
            login_user(current_user._get_current_object(), remember=remember)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"), 303)
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("auth/change_password.html", form=form), status
