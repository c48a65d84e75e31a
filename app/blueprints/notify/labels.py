"""Words for the notification categories, in the notify catalog."""

from flask_babel import lazy_gettext as _l

from app.models import Category

# The bottom navigation's item for the inbox.
INBOX_LABEL = _l("Inbox")

CATEGORY_LABELS = {
    Category.HAZARDS: _l("Hazards"),
    Category.ACTIVITIES: _l("Activities"),
    Category.NOTICES: _l("Notices"),
    Category.PROPOSALS: _l("Proposals"),
    Category.SYSTEM: _l("System"),
}


def category_label(category: Category):
    return CATEGORY_LABELS[Category(category)]
