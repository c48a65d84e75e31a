"""What the care pages share."""

from flask import render_template
from flask_login import current_user

from app.extensions import db

from ..services.files import audit_read


def file_page(file, what: str, template: str, status: int = 200, **context):
    """A page that shows a care file, or a part of it: the reading goes into the audit log
    (`what` says which page), committed after rendering, which a commit would expire."""
    audit_read(current_user, file, what)
    body = render_template(template, file=file, **context)
    db.session.commit()
    return body, status
