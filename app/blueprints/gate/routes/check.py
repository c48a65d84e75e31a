"""The check at the site entrance. The page carries the checker's offline data (their
departments' workers, the status of the qualifications their posts require, the hashes of
the workers' codes) and decides on the phone, offline; each check goes through the outbox
(kind `gate_check`). Online, the page asks `/gate/check/data` for that data before each check,
so a qualification revoked since the page opened counts at once. Without JavaScript, the typed
employee number is checked here."""

from flask import abort, jsonify, render_template
from flask_login import current_user, login_required

from app.errors import form_status, submit
from app.extensions import db
from app.models.gate import Post

from .. import bp, queries, services
from ..access import is_checker
from ..forms import CheckForm


@bp.route("/check", methods=["GET", "POST"])
@login_required
def check():
    if not is_checker(current_user):
        abort(403)
    payload = queries.kit_payload(current_user)
    form = CheckForm()
    form.post_id.choices = [(p["id"], f"{p['department']} · {p['name']}") for p in payload["posts"]]
    outcome = None
    if form.validate_on_submit():
        post = db.session.get(Post, form.post_id.data)
        done = submit(
            form,
            services.check_here,
            current_user,
            post,
            form.employee_no.data,
            queries.local_today(),
        )
        if done:
            db.session.commit()
            outcome = done.value
    elif form.post_id.errors and form.post_id.data is not None:
        # A post no longer offered since the page opened. Said above the form, which shows
        # the posts as they are now (or none left).
        form.post_id.errors = []
        form.form_errors = [services.not_listed()]
    # The worker's photo as the phone shows it: the URL the page's offline data carries.
    photo_ids = {w["id"]: w["photo"] for w in payload["workers"] if w["photo"]}
    page = render_template(
        "gate/check.html", form=form, payload=payload, outcome=outcome, photo_ids=photo_ids
    )
    return page, (200 if outcome else form_status())


@bp.route("/check/data")
@login_required
def check_data():
    """The check page's offline data as it stands now (gate-check.js decides on it online)."""
    if not is_checker(current_user):
        abort(403)
    response = jsonify(queries.kit_payload(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response
