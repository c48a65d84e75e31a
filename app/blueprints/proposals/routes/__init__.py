"""The proposal pages: writing (proposals.py), the review steps (review.py), statistics and
settings (reports.py)."""

from . import proposals, reports, review  # noqa: F401
