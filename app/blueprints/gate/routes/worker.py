"""A worker's own code, to show at the site entrance: opens offline (it is in everyone's
field kit), can be reissued (the old one stops working)."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.rendering import qr_svg

from .. import bp, queries, services, standing


@bp.route("/me")
@login_required
def my_code():
    code = queries.live_code(current_user)
    if code is None:  # the first look makes it
        code = services.code_for(current_user)
        db.session.commit()
    today = queries.local_today()
    held = standing.statuses([current_user.id]).get(current_user.id, {})
    posts = [
        (p, standing.verdict(held, p.required_types, today)) for p in queries.posts_of(current_user)
    ]
    return render_template(
        "gate/my_code.html",
        code=code,
        posts=posts,
        qualifications=queries.qualifications_of(current_user),
        photo=queries.photo_of(current_user.id),
        today=today,
    )


@bp.route("/me/code.svg")
@login_required
def my_code_image():
    code = services.code_for(current_user)
    db.session.commit()
    response = Response(qr_svg(queries.code_text(code.token)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/me/reissue", methods=["POST"])
@login_required
def reissue():
    services.reissue_code(current_user)
    db.session.commit()
    flash(_("Your new code is ready; the old one no longer works."), "success")
    return redirect(url_for("gate.my_code"), 303)
