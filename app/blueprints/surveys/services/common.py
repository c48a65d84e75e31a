"""Input checks the survey services share."""

from flask_babel import gettext as _

from app.errors import ValidationFailed


def clean_text(value, field: str, *, limit: int, required: str | None = None) -> str:
    """Strip a text; refuse NUL bytes, over-long text and (when `required`) an empty one."""
    value = "" if value is None else str(value)
    if "\x00" in value:
        raise ValidationFailed.on(field, _("The text contains a character that is not allowed."))
    value = value.strip()
    if required and not value:
        raise ValidationFailed.on(field, required)
    if len(value) > limit:
        raise ValidationFailed.on(field, _("At most %(n)d characters.", n=limit))
    return value
