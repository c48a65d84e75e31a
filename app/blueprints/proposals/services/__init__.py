"""The proposal services: decide and write (flush, never commit), raising the shared errors."""

from .drafting import delete_draft, proposal_photos, save_proposal, store_photo, submit_proposal
from .review import (
    award,
    complete,
    decide,
    give_opinion,
    revoke,
    score_proposal,
    set_heads,
    set_weights,
    weights,
)

__all__ = [
    "award",
    "complete",
    "decide",
    "delete_draft",
    "give_opinion",
    "proposal_photos",
    "revoke",
    "save_proposal",
    "score_proposal",
    "set_heads",
    "set_weights",
    "store_photo",
    "submit_proposal",
    "weights",
]
