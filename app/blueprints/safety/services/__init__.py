"""The safety network's write path: routes and the offline sync handlers both call these.

Each function validates, checks permissions, writes to the session and flushes; the caller
commits once. Capture functions take `client_id` (the outbox record's uuid, for idempotent
retries) and `captured_at` (the phone's time of capture).
"""

from .common import Conflict, Refused, ValidationFailed, share_with_hazards
from .hazards import (
    act_on_hazard,
    announce_hazard_change,
    report_hazard,
    report_hazards,
)
from .network import (
    add_checkpoint,
    add_member,
    checklist_for,
    create_checklist,
    remove_member,
    revise_checklist,
    save_area,
    save_group,
)
from .patrols import (
    answer_item,
    coverage,
    finish_patrol,
    record_patrol,
    save_plan,
    start_patrol,
    stop_plan,
)
from .records import follow_up_violation, report_violation

__all__ = [
    "Conflict",
    "Refused",
    "ValidationFailed",
    "act_on_hazard",
    "add_checkpoint",
    "add_member",
    "announce_hazard_change",
    "answer_item",
    "checklist_for",
    "coverage",
    "create_checklist",
    "finish_patrol",
    "follow_up_violation",
    "record_patrol",
    "remove_member",
    "report_hazard",
    "report_hazards",
    "report_violation",
    "revise_checklist",
    "save_area",
    "save_group",
    "save_plan",
    "share_with_hazards",
    "start_patrol",
    "stop_plan",
]
