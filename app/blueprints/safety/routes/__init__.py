"""The safety blueprint's views, one module per part of the network."""

from app.blueprints.safety.routes import (  # noqa: F401
    dashboard,
    hazards,
    network,
    patrols,
    photos,
    records,
)
