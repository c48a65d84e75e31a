"""The refusal every activities service raises when it will not change anything."""


class Refused(Exception):
    """An action the user may not take now; `message` says why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
