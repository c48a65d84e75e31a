"""The care pages; each module attaches its views to `bp`."""

from . import aid, campaigns, files, main, visits  # noqa: F401
