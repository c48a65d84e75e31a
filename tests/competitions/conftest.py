"""The proposal tests' cast serves the competition tests too."""

from tests.proposals.conftest import cast  # noqa: F401
