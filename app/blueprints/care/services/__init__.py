"""The care services: decide and write (flush, never commit); see each module."""

from . import aid, attachments, campaigns, files, visits
from .common import can_edit, can_read

__all__ = ["aid", "attachments", "campaigns", "files", "visits", "can_edit", "can_read"]
