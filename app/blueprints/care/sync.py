"""The care outbox kinds: `care_visit` (a visit recorded at the worker's home) and
`care_signoff` (a campaign recipient's sign-off on the officer's phone).

`care_visit` data: file_id, plan_id (optional), visited_on, visitors, given, amount,
situation, needs; photos come later through `PUT /sync/photos/<uuid>`.
`care_signoff` data: recipient_id, confirmation.
"""

from flask import url_for
from flask_babel import gettext as _

from app.blueprints.sync.registry import HandlerResult, SyncInvalid, run_service

from .services import attachments, campaigns, visits


def sync_visit(user, record) -> HandlerResult:
    # The envelope (`app.blueprints.sync.envelope`) has held its photos to the one upload
    # table, as every kind's and as the visit form's (`attachments.prepare_visit_photos`).
    visit, _created = run_service(
        visits.record_visit,
        user,
        record.data,
        (),
        client_id=record.id,
        captured_at=record.captured_at,
    )
    return HandlerResult(url=url_for("care.visit", visit_id=visit.id), obj=visit)


def attach_visit_photo(user, visit, sync_photo) -> None:
    attachments.adopt_sync_photo(user, sync_photo, visit_id=visit.id)


def sync_signoff(user, record) -> HandlerResult:
    if record.photos:
        raise SyncInvalid({"photos": [_("A sign-off carries no photos.")]})
    recipient, _created = run_service(
        campaigns.sign_off, user, record.data, client_id=record.id, captured_at=record.captured_at
    )
    return HandlerResult(
        url=url_for("care.signoff", campaign_id=recipient.campaign_id), obj=recipient
    )


def register(reg) -> None:
    reg.sync_kind("care_visit", sync_visit, attach_photo=attach_visit_photo)
    reg.sync_kind("care_signoff", sync_signoff)
