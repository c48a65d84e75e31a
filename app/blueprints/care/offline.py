"""The care officer's offline kit: the care pages (the file list's first page and the open
mutual-aid requests among them: the home page links there), every open plan, and for each
file they are to visit, its visit form and its file page (what a visit at the worker's home
needs)."""

from flask import url_for

from . import queries
from .services.common import can_edit

# Open requests are answered within a day and closed within weeks: a few at a time. The cap
# keeps a backlog from filling the phone; the kit takes the newest, as the list shows them first.
OPEN_AID_KEPT = 30


def care_kit(user) -> list[str]:
    urls = [url_for("care.my_aid")]
    if not can_edit(user):
        return urls
    urls += [url_for("care.index"), url_for("care.files"), url_for("care.plans")]
    plans = set()
    for target in queries.my_open_targets(user):
        if target.plan_id not in plans:
            plans.add(target.plan_id)
            urls.append(url_for("care.plan", plan_id=target.plan_id))
        urls.append(url_for("care.visit_form", plan_id=target.plan_id, file_id=target.file_id))
        urls.append(url_for("care.file", file_id=target.file_id))
    urls.append(url_for("care.aid_requests"))
    urls += [url_for("care.aid_request", request_id=i) for i in queries.open_aid_ids(OPEN_AID_KEPT)]
    for campaign, _total, _signed in queries.campaigns():
        if not campaign.closed:
            urls.append(url_for("care.signoff", campaign_id=campaign.id))
    return urls


def register(reg) -> None:
    reg.offline(care_kit)
