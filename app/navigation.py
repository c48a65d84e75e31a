"""The bottom navigation and the home page's cards, shaped by the user's roles.

Feature blueprints add their entries here; an entry whose endpoint is not registered is
left out, so the shell never links to a page the app does not have.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from app.blueprints.notify.labels import INBOX_LABEL
from app.blueprints.notify.services import unread_count
from app.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    icon: str
    roles: frozenset[Role] | None = None  # None: everyone logged in
    prefix: str = ""  # URL prefix that marks the item as current
    badge: Callable[[object], int] | None = None  # a count shown on the item, e.g. unread

    def allowed(self, user) -> bool:
        return self.roles is None or user.has_role(*self.roles)


NAV_ITEMS = [
    NavItem("main.index", _l("Home"), "home", prefix="/"),
    NavItem("safety.index", _l("Safety"), "shield", prefix="/safety"),
    NavItem("activities.index", _l("Activities"), "calendar", prefix="/activities"),
    NavItem("notify.index", INBOX_LABEL, "bell", prefix="/notifications", badge=unread_count),
    NavItem("main.me", _l("Me"), "person", prefix="/me"),
]


# Pages kept on the phone for reading offline (the service worker's "pages" cache), fetched
# while online; a page the user may not open is simply not kept.
OFFLINE_PAGES = [
    "main.index",
    "safety.index",
    "safety.new_hazard",
    "safety.my_hazards",
    "safety.new_violation",
    "safety.patrols",
    "safety.areas",
    "safety.checklists",
    "activities.index",
    "notify.index",
    "sync.outbox",
]


def offline_urls() -> list[str]:
    endpoints = current_app.view_functions
    return [url_for(endpoint) for endpoint in OFFLINE_PAGES if endpoint in endpoints]


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [item for item in NAV_ITEMS if item.endpoint in endpoints and item.allowed(user)]


def is_current(item: NavItem) -> bool:
    if item.prefix == "/":
        return request.path == "/"
    return bool(item.prefix) and request.path.startswith(item.prefix)
