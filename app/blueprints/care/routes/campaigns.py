"""Campaigns: budget, recipients, the phone sign-off (an outbox form), the summary."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import create, form_status, submit
from app.extensions import db
from app.models.care import Campaign, CampaignRecipient

from .. import bp, parse, queries
from ..access import officers_only, readers_only
from ..forms import CampaignForm, RecipientsForm, SignoffForm, options
from ..services import campaigns as service
from .common import RecordPage


@bp.route("/campaigns")
@readers_only
def campaigns():
    return render_template("care/campaigns/index.html", campaigns=queries.campaigns())


@bp.route("/campaigns/new", methods=["GET", "POST"])
@officers_only
def new_campaign():
    form = CampaignForm()
    if request.method == "GET":
        form.starts_on.data = parse.local_today().isoformat()
    return create(
        form,
        service.create_campaign,
        back=lambda made: url_for("care.campaign", campaign_id=made.id),
        again=lambda: (render_template("care/campaigns/new.html", form=form), form_status(form)),
    )


def _campaign_page(campaign: Campaign, form=None, status=200):
    form = form or RecipientsForm(formdata=None)
    form.department_id.choices = options([("", "—"), *queries.department_options()])
    recipients = queries.campaign_recipients(campaign)
    summary = queries.campaign_summary(campaign)
    return (
        render_template(
            "care/campaigns/show.html",
            campaign=campaign,
            recipients=recipients,
            summary=summary,
            totals={
                "recipients": sum(r["recipients"] for r in summary),
                "signed": sum(r["signed"] for r in summary),
                "given": sum((r["given"] for r in summary), 0),
                "planned": sum((r["planned"] for r in summary), 0),
            },
            form=form,
        ),
        status,
    )


_campaign = RecordPage(Campaign, "care.campaign", "campaign_id", RecipientsForm, _campaign_page)


@bp.route("/campaigns/<int:campaign_id>")
@readers_only
def campaign(campaign_id):
    return _campaign.show(campaign_id)


@bp.route("/campaigns/<int:campaign_id>/recipients", methods=["POST"])
@officers_only
def add_recipients(campaign_id):
    return _campaign.post(campaign_id, service.add_recipients, request.form.to_dict())


@bp.route("/campaigns/<int:campaign_id>/recipients/<int:recipient_id>/delete", methods=["POST"])
@officers_only
def remove_recipient(campaign_id, recipient_id):
    return _campaign.post(campaign_id, service.remove_recipient, recipient_id)


@bp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@officers_only
def close_campaign(campaign_id):
    return _campaign.close(campaign_id, service.close_campaign)


@bp.route("/campaigns/<int:campaign_id>/signoff")
@officers_only
def signoff(campaign_id):
    """One outbox form per recipient not yet signed: works offline (kind `care_signoff`)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    return _signoff_page(campaign)


def _signoff_page(campaign, form=None, failed_id=None, status=200):
    recipients = queries.campaign_recipients(campaign)
    return (
        render_template(
            "care/campaigns/signoff.html",
            campaign=campaign,
            pending=[r for r in recipients if r.signed_at is None],
            signed=[r for r in recipients if r.signed_at is not None],
            form=form or SignoffForm(formdata=None),
            failed_id=failed_id,
        ),
        status,
    )


@bp.route("/signoff", methods=["POST"])
@officers_only
def record_signoff():
    """The sign-off without JavaScript."""
    form = SignoffForm()
    recipient = db.session.get(
        CampaignRecipient, parse.row_id(request.form, "recipient_id", {}, required=False) or 0
    )
    if recipient is None:
        return redirect(url_for("care.campaigns"), 303)
    campaign_id = recipient.campaign_id
    if form.validate_on_submit() and submit(
        form,
        service.sign_off,
        current_user,
        request.form.to_dict(),
        client_id=request.form.get("client_id"),
    ):
        db.session.commit()
        return redirect(url_for("care.signoff", campaign_id=campaign_id), 303)
    campaign = db.session.get(Campaign, campaign_id)
    return _signoff_page(campaign, form, recipient.id, 422)
