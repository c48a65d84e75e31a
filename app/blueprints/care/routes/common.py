"""What the care pages share."""

from flask import render_template
from flask_login import current_user

from app.errors import act
from app.extensions import db

from ..services.files import audit_read


def form_on(record, form, call, /, *args, back: str, page):
    """A form on a record's page (a campaign's recipients, a plan's targets, an aid request's
    actions): `call(officer, record, *args)`; back to the page when it did it, else the page
    again, `page(record, form, 422)`, with the form's errors."""
    return act(
        form, call, current_user, record, *args, back=back, again=lambda: page(record, form, 422)
    )


def file_page(file, what: str, template: str, status: int = 200, **context):
    """A page that shows a care file, or a part of it: the reading goes into the audit log
    (`what` says which page), committed after rendering, which a commit would expire."""
    audit_read(current_user, file, what)
    body = render_template(template, file=file, **context)
    db.session.commit()
    return body, status
