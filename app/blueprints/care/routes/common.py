"""What the care pages share."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template, url_for
from flask_login import current_user

from app.errors import act, form_on
from app.extensions import db

from ..services.files import audit_read


def file_page(file, what: str, template: str, status: int = 200, **context):
    """A page that shows a care file, or a part of it: the reading goes into the audit log
    (`what` says which page), committed after rendering, which a commit would expire."""
    audit_read(current_user, file, what)
    body = render_template(template, file=file, **context)
    db.session.commit()
    return body, status


@dataclass(frozen=True)
class RecordPage:
    """The page of a plan or a campaign with the one form on it (the plan's targets, the
    campaign's recipients): the form's posts and the close button come back to the page."""

    model: type
    endpoint: str
    key: str  # the endpoint's argument: `plan_id`, `campaign_id`
    form: type
    render: Callable  # render(record, form=None, status=200): the page, its form given or blank

    def show(self, record_id):
        return self.render(db.get_or_404(self.model, record_id))

    def post(self, record_id, call, *args):
        """The page's form: `call(user, record, *args)`; back to the page when it did it,
        else the page again with the form's errors."""
        record = db.get_or_404(self.model, record_id)
        return form_on(record, self.form(), call, *args, back=self._url(record), page=self.render)

    def close(self, record_id, call):
        """The close button: `call(user, record)`, then back to the page whatever happened."""
        record = db.get_or_404(self.model, record_id)
        return act(self.form(), call, current_user, record, back=self._url(record))

    def _url(self, record) -> str:
        return url_for(self.endpoint, **{self.key: record.id})
