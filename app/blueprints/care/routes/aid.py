"""Major-event mutual aid (大事互助): members report and follow their own requests and those
made for them; care officers answer them."""

from datetime import UTC, datetime

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import create, form_on, form_status
from app.extensions import db
from app.models.care import AidAction, AidRequest, CareFile, FileStatus

from .. import bp, parse, queries
from ..access import officers_only, readers_only
from ..forms import AidActionForm, AidForm, options
from ..services import aid as service
from ..services.common import can_read


@bp.route("/aid/new", methods=["GET", "POST"])
@login_required
def new_aid():
    form = AidForm()
    if request.method == "GET":
        form.happened_on.data = parse.local_today().isoformat()
    return create(
        form,
        service.report_aid,
        back=lambda made: url_for("care.aid_request", request_id=made.id),
        again=lambda: (
            render_template("care/aid/new.html", form=form, hours=service.response_hours()),
            form_status(form),
        ),
    )


@bp.route("/aid/mine")
@login_required
def my_aid():
    return render_template(
        "care/aid/mine.html", requests=queries.my_aid(current_user), now=datetime.now(UTC)
    )


def _visible(request_id: int) -> AidRequest:
    """The reporter and the member it is for see their request (the notices of its steps link
    here); care officers and the chairman see all. To anyone else a request does not exist."""
    found = db.session.get(AidRequest, request_id)
    if found is None or not (
        current_user.id in (found.reporter_id, found.subject_id) or can_read(current_user)
    ):
        abort(404)
    return found


def _page(aid: AidRequest, form=None, status=200):
    """Care officers and the chairman see everything; so does the member the request is for.
    A colleague who reported it for them sees what they told the union and where it stands:
    not the help given (amounts, the officers' notes), which is the colleague's own business."""
    form = form or AidActionForm(formdata=None)
    files = []
    if can_read(current_user):
        files = db.session.scalars(
            db.select(CareFile).where(
                CareFile.worker_id == aid.subject_id, CareFile.status == FileStatus.ACTIVE
            )
        ).all()
    form.file_id.choices = options([("", "—"), *[(f.id, f.level.label) for f in files]])
    return (
        render_template(
            "care/aid/show.html",
            aid=aid,
            form=form,
            actions=[a for a in AidAction if a is not AidAction.REPORT],
            now=datetime.now(UTC),
            officer_view=can_read(current_user),
            details=can_read(current_user) or current_user.id == aid.subject_id,
        ),
        status,
    )


@bp.route("/aid/<int:request_id>")
@login_required
def aid_request(request_id):
    return _page(_visible(request_id))


@bp.route("/aid")
@readers_only
def aid_requests():
    status = request.args.get("status", "open")
    rows = db.session.scalars(queries.aid_select(status).limit(200)).all()
    return render_template(
        "care/aid/index.html", requests=rows, status=status, now=datetime.now(UTC)
    )


@bp.route("/aid/<int:request_id>/<any(acknowledge, act, close, comment):action>", methods=["POST"])
@officers_only
def act_on_aid(request_id, action):
    aid = _visible(request_id)
    back = url_for("care.aid_request", request_id=aid.id)
    data = request.form.to_dict()
    return form_on(aid, AidActionForm(), service.act_on_aid, action, data, back=back, page=_page)
