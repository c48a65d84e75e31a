"""The date every congress service shares (texts: `app.guards.clean_text`, row locks:
`app.services.rows.lock_row`)."""

from app.services.inputs import local_today as today  # the union's calendar day

__all__ = ["today"]
