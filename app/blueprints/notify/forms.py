from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.forms import AppForm
from app.models import Category


class PreferencesForm(AppForm):
    """Which categories may also arrive as push; the inbox gets everything regardless."""

    hazards = BooleanField(_l("Hazards: assigned to me, status changes, due dates"))
    activities = BooleanField(_l("Activities: reminders, waitlist, cancellations"))
    notices = BooleanField(_l("Union notices"))
    proposals = BooleanField(_l("Proposals: each step of the ones I made or handle"))
    care_rights = BooleanField(
        _l("Care and rights: each step of my mutual-aid requests and appeals, or the ones I handle")
    )

    def choices(self) -> dict[Category, bool]:
        names = ("hazards", "activities", "notices", "proposals", "care_rights")
        return {Category(name): getattr(self, name).data for name in names}
