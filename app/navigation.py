"""The shell's hubs: the bottom bar, the home page's cards and the pages kept for offline
reading, each gathered from what the features registered (`app.features`) for this user.
"""

from flask import current_app, request

from app.features import NavItem, registry


def nav_for(user) -> list[NavItem]:
    """The bar's entries this user may open; an entry whose page is not there is left out."""
    if not user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [
        item for item in registry().nav_items if item.endpoint in endpoints and item.allowed(user)
    ]


def is_current(item: NavItem) -> bool:
    if item.prefix == "/":
        return request.path == "/"
    return bool(item.prefix) and request.path.startswith(item.prefix)


def cards_for(user) -> list[dict]:
    """What is waiting for the user: each feature's cards, in the features' order."""
    return [card for _, provider in registry().card_providers for card in provider(user)]


def offline_urls(user) -> list[str]:
    """The pages (and their images) kept on the phone for reading offline, in order, without
    repeats: what every feature registered for this user."""
    urls: dict[str, None] = {}
    for provider in registry().offline_providers:
        urls.update(dict.fromkeys(provider(user)))
    return list(urls)


def offline_stamps(user) -> list[str]:
    """Each feature's word on whether its kit pages changed (see `Registry.offline`)."""
    return [stamp(user) for stamp in registry().offline_stamps]
