"""The care officer's start page, statistics, attachments and exports."""

import io
from datetime import UTC, datetime

from flask import abort, render_template, request, send_file
from flask_login import current_user

from app.extensions import db
from app.models.care import Campaign, CareAttachment, CareFile, CareVisit, FileStatus
from app.services import audit

from .. import bp, export, parse, queries
from ..access import officers_only, readers_only
from ..services import attachments
from ..services import files as file_service
from ..services.common import can_edit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@readers_only
def index():
    today = parse.local_today()
    overdue, soon = queries.counts_due(today)
    aid_open, aid_overdue = queries.open_aid_counts(datetime.now(UTC))
    return render_template(
        "care/index.html",
        overdue=overdue,
        soon=soon,
        aid_open=aid_open,
        aid_overdue=aid_overdue,
        plans=queries.plans(open_only=True),
        campaigns=[row for row in queries.campaigns() if not row[0].closed],
        editor=can_edit(current_user),
    )


@bp.route("/stats")
@readers_only
def stats():
    today = parse.local_today()
    try:
        year = int(request.args.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    return render_template(
        "care/stats.html", year=year, figures=queries.stats(year), plans=queries.plans()
    )


@bp.route("/attachments/<int:attachment_id>")
@readers_only
def attachment(attachment_id):
    """A file's certificate or photo, or a visit's photo: each read is a read of the file."""
    found = db.get_or_404(CareAttachment, attachment_id)
    if found.file_id:
        owner = db.session.get(CareFile, found.file_id)
    else:
        owner = db.session.get(CareVisit, found.visit_id).file
    file_service.audit_read(current_user, owner, attachment_id=found.id)
    response = attachments.send(found)
    db.session.commit()
    if response is None:
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/files/export.xlsx")
@officers_only
def export_files():
    status = request.args.get("status", "active")
    status = status if status in ("active", "exited") else "active"
    data = export.files_xlsx(current_user, status)
    summary = FileStatus(status).label
    audit.record("care.files.exported", None, actor=current_user, summary=summary)
    db.session.commit()
    return _xlsx(data, f"care-files-{parse.local_today().isoformat()}.xlsx")


@bp.route("/campaigns/<int:campaign_id>/export.xlsx")
@officers_only
def export_campaign(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    data = export.campaign_xlsx(current_user, campaign)
    audit.record("care.campaign.exported", campaign, actor=current_user)
    db.session.commit()
    return _xlsx(data, f"care-campaign-{campaign_id}.xlsx")
