"""Small helpers shared by the safety views."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import act, form_status, only_if
from app.rendering import page_or_fragment
from app.storage import Chosen

from .. import permissions, queries


def page_or_partial(full: str, fragment: str, /, status: int = 200, **context):
    """`page_or_fragment` with the status code the view answers with."""
    return page_or_fragment(full, fragment, **context), status


# Safety officers and admins: areas, checklists, plans, roster, dashboard.
manager_required = only_if(permissions.can_manage_network)


# Inspectors, safety officers and admins.
network_required = only_if(permissions.is_network)


def offer_areas(form) -> None:
    """The form's area field offers every area, after a blank "Choose…"."""
    areas = [(str(a.id), a.full_name) for a in queries.area_options()]
    form.area_id.choices = [("", _("Choose…")), *areas]


def report_form(form, report, template: str, fragment: str, show):
    """The form that reports what someone saw on the ground, with photos (a hazard, a
    violation), in an area it offers: `report(user, data, photos)` gives (record, created)
    and the answer is 303 to `show(record)`; else the form again. A refusal (who may report)
    is an error page."""
    offer_areas(form)
    chosen = Chosen(current_user.id)

    def again():
        # Refused for something else: the photos chosen are kept for the corrected form.
        form.photos.errors = chosen.again(form.photos.errors)
        return page_or_partial(template, fragment, form_status(), form=form, kept=chosen.kept)

    data = request.form.to_dict()
    return act(
        form,
        report,
        current_user,
        data,
        chosen.uploads,
        refused_as_page=True,
        back=lambda made: show(made[0]),
        again=again,
    )
