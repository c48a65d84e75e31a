"""The inbox, the notification settings and the push-subscription endpoints."""

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.blueprints.notify import bp, services
from app.blueprints.notify.forms import PreferencesForm
from app.blueprints.notify.push import application_server_key
from app.extensions import csrf, db
from app.guards import page_number, paginate
from app.models import Category
from app.rendering import wants_fragment

PER_PAGE = 20


@bp.route("/")
@login_required
def index():
    page = paginate(services.inbox_query(current_user), per_page=PER_PAGE, max_per_page=PER_PAGE)
    unread = services.unread_count(current_user)
    template = "notify/_inbox.html" if wants_fragment() else "notify/index.html"
    return render_template(template, page=page, unread=unread, fragment=wants_fragment())


@bp.route("/<int:notification_id>", endpoint="open")
@login_required
def open_notification(notification_id: int):
    """A notification on a page of its own (where a push leads). A GET changes nothing: the
    page's form marks it read and goes on to the item (by itself when JavaScript runs)."""
    notification = services.get_own(current_user, notification_id) or abort(404)
    return render_template("notify/open.html", n=notification)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = services.get_own(current_user, notification_id) or abort(404)
    services.mark_read(notification)
    db.session.commit()
    if request.form.get("go"):
        return redirect(notification.url or url_for("notify.index"), 303)
    if wants_fragment():
        unread = services.unread_count(current_user)
        return render_template("notify/_entry.html", n=notification, unread=unread, oob=True)
    page = page_number()  # back to the page the entry was on; the first needs no number
    return redirect(url_for("notify.index", page=page if page > 1 else None), 303)


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    db.session.commit()
    if wants_fragment():
        return index()
    flash(_("%(count)d notifications marked as read.", count=count), "success")
    return redirect(url_for("notify.index"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = PreferencesForm()
    status = 200
    if form.validate_on_submit():
        services.set_push_preferences(current_user, form.choices())
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notify.settings"), 303)
    if request.method == "POST":
        status = 400
    else:
        for category, wanted in services.push_preferences(current_user).items():
            getattr(form, category.value).data = wanted
    return render_template(
        "notify/settings.html",
        form=form,
        public_key=application_server_key(),
        devices=services.subscription_count(current_user),
    ), status


@bp.route("/test", methods=["POST"])
@login_required
def send_test():
    services.send_test(current_user)
    db.session.commit()
    devices = services.subscription_count(current_user)
    if devices:
        message = ngettext(
            "A test notification is in your inbox and on its way to %(num)d device.",
            "A test notification is in your inbox and on its way to %(num)d devices.",
            devices,
        )
    else:
        message = _("A test notification is in your inbox. Turn on push to get it on the phone.")
    flash(message, "success")
    return redirect(url_for("notify.settings"), 303)


# Subscriptions: JSON, called by static/js/push.js after the user's tap ------------------------


def _json_body():
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes ("silent" stops ValueError)
        data = None
    if not isinstance(data, dict | list):
        abort(make_response(jsonify(error=_("This is not a push subscription.")), 400))
    return data


def _invalid(invalid: services.InvalidSubscription):
    return jsonify(error=_("This push subscription cannot be used."), errors=invalid.errors), 400


@bp.route("/subscriptions", methods=["POST"])
@login_required
def subscribe():
    try:
        services.save_subscription(
            current_user, _json_body(), request.headers.get("User-Agent", "")
        )
    except services.InvalidSubscription as invalid:
        return _invalid(invalid)
    db.session.commit()
    return jsonify(ok=True, devices=services.subscription_count(current_user)), 201


@bp.route("/subscriptions/delete", methods=["POST"])
@login_required
def unsubscribe():
    data = _json_body()
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        return jsonify(error=_("The push address is missing or not allowed.")), 400
    services.delete_subscription(current_user, endpoint)
    db.session.commit()
    return jsonify(ok=True, devices=services.subscription_count(current_user))


@bp.route("/subscriptions/renew", methods=["POST"])
@csrf.exempt  # the service worker has no form token; knowing the old endpoint is the proof
def renew():
    data = _json_body()
    old = data.get("old_endpoint") if isinstance(data, dict) else None
    if not isinstance(old, str):
        return jsonify(error=_("The push address is missing or not allowed.")), 400
    try:
        sub = services.renew_subscription(old, data.get("subscription"))
    except services.InvalidSubscription as invalid:
        return _invalid(invalid)
    if sub is None:
        return jsonify(error=_("This push subscription is not known.")), 404
    db.session.commit()
    return jsonify(ok=True)


@bp.route("/vapid-public-key")
def public_key():
    response = jsonify(publicKey=application_server_key())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_context_processor
def inbox_helpers():
    return {"category_label": lambda category: Category(category).label}
