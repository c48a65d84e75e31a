"""The shell's own home-page card: a person whose department is not set."""

from flask_babel import gettext as _


def profile_cards(user) -> list[dict]:
    if user.department_id is None:
        return [
            {
                "title": _("Your department is not set"),
                "body": _("Ask the union office to add you to your workshop and team."),
                "tone": "warn",
            }
        ]
    return []


def register(reg) -> None:
    reg.cards(profile_cards, order=30)
